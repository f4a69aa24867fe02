"""The versions an exported model and its card name: Practica, Keras, the backend and the
table libraries, read from the installed packages' metadata (nothing is imported).

Example:
    >>> [k for k in versions()][:3]
    ['practica', 'keras', 'backend']
"""

from __future__ import annotations

import os
from importlib import metadata

from engine import __version__

RUNTIMES = ("onnxruntime", "tf2onnx", "ai-edge-litert")
"""The export runtimes, named when installed."""


def versions() -> dict[str, str | None]:
    """Practica's, Keras' and the backend's versions (without importing Keras), and the
    export runtimes' when they are installed."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    out = {"practica": __version__, "keras": _version("keras"), "backend": backend,
           "backend_version": _version({"torch": "torch", "jax": "jax"}.get(backend,
                                                                          "tensorflow")),
           "scikit-learn": _version("scikit-learn"), "lightgbm": _version("lightgbm")}
    out.update({name: _version(name) for name in RUNTIMES if _version(name)})
    return out


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
