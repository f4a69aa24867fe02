"""Look inside a Keras model file, without loading it, and refuse anything that could run code.

Keras' safe mode is not a sandbox: configs that import other modules, configs that switch
safe mode off, and legacy ``.h5`` files have all got past it. So before Keras sees a model
file, this module reads it as plain data (the ``.keras`` zip's member list and its
``config.json``) and refuses:

- legacy HDF5 files (``.h5``, ``.hdf5``), which Keras loads by another, older path;
- a zip whose members declare sizes or compression ratios no model needs (zip bomb), or
  whose member names leave the archive (``../``, absolute paths);
- Python code in the config: ``Lambda`` layers, ``__lambda__`` functions and layers that
  wrap other frameworks' code or files (``TFSMLayer``, ``TorchModuleWrapper``, ...);
- any ``module`` outside Keras' own layer, initializer, optimizer, loss, metric and op
  modules (the import gadget), and functions outside Keras' activations, losses and
  metrics;
- custom objects (a ``registered_name`` that is not Keras' own nor one of Practica's
  layers) and any mention of switching unsafe deserialization on.

Pure: imports neither Keras nor NumPy, writes nothing, never extracts the archive. Use it
through ``engine.models.safe_model_load``, which runs it in a throw-away process for files from
outside a project.

Use:
    check_model_file("runs/20250101-mlp/model.keras")      # passes silently
    check_model_file("evil.keras")
"""

from __future__ import annotations

import json
import zipfile
from collections import deque
from pathlib import Path, PurePosixPath
from typing import Any

from engine.core.errors import ProjectError
from engine.core.texts import text

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
LEGACY_SUFFIXES = (".h5", ".hdf5", ".hdf")

MAX_MEMBERS = 10_000
MAX_CONFIG_BYTES = 64 << 20
MAX_MEMBER_BYTES = 8 << 30
MAX_TOTAL_BYTES = 16 << 30
MAX_RATIO = 100  # Keras stores members uncompressed: its own files have a ratio of 1
RATIO_FLOOR_BYTES = 1 << 20  # small members may compress well (a config full of zeros)

ALLOWED_MODULES = ("keras.layers", "keras.initializers", "keras.regularizers",
                   "keras.constraints", "keras.activations", "keras.optimizers",
                   "keras.losses", "keras.metrics", "keras.models", "keras.ops",
                   "keras.dtype_policies", "keras.random", "keras.src.layers",
                   "keras.src.initializers", "keras.src.regularizers",
                   "keras.src.constraints", "keras.src.activations",
                   "keras.src.optimizers", "keras.src.losses", "keras.src.metrics",
                   "keras.src.models", "keras.src.ops", "keras.src.dtype_policies",
                   "keras.src.random")
"""Modules (and their sub-modules) a config may name: layers, their parts and math only."""
KERAS_TOP_LEVEL = frozenset({"DTypePolicy", "FloatDTypePolicy", "QuantizedDTypePolicy",
                             "QuantizedFloat8DTypePolicy", "Sequential", "Model",
                             "Functional", "InputLayer", "Layer", "Variable",
                             "SeedGenerator"})
"""Classes a config may take from the ``keras`` module itself."""
FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics",
                    "keras.src.activations", "keras.src.losses", "keras.src.metrics")
"""The only modules a plain function (``class_name: function``) may come from."""
CODE_CLASSES = frozenset({"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer",
                          "FlaxLayer", "__lambda__", "__function__", "__typespec__"})
"""Layers and objects that carry or load code (Python bytecode, SavedModels, pickles)."""
DATA_DUNDERS = frozenset({"__keras_tensor__", "__tensor__", "__numpy__", "__bytes__",
                          "__ellipsis__", "__slice__"})
UNSAFE_WORDS = ("enable_unsafe_deserialization", "unsafe_deserialization", "safe_mode")
OWN_PACKAGE = "practica"
OWN_OBJECTS = {
    "engine.models.augmentation": frozenset({"RandomScaling", "RandomTimeShift"}),
    "engine.training.monitor.optimizer": frozenset({f"Telemetry{name}" for name in (
        "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Nadam")}),
}
"""Practica's own registered layers and optimizers, by module; a test keeps this in step
with what Practica registers under the package ``practica``."""


class UnsafeModelError(ProjectError):
    """A model file was refused before loading; the message says why, in one line."""


def check_model_file(path: str | Path) -> None:
    """Raise ``UnsafeModelError`` unless ``path`` is a ``.keras`` file safe to hand to Keras.

    Args:
        path: the model file.

    Raises:
        UnsafeModelError: the file is missing, is not a ``.keras`` zip, is a legacy HDF5
            file, is a zip bomb, or its config carries code, imports or custom objects.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnsafeModelError(text("model_check.missing", path=path))
    with open(path, "rb") as fh:
        head = fh.read(len(HDF5_SIGNATURE))
    if head == HDF5_SIGNATURE or path.suffix.lower() in LEGACY_SUFFIXES:
        raise UnsafeModelError(text("model_check.legacy_h5", name=name))
    if not zipfile.is_zipfile(path):
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    try:
        with zipfile.ZipFile(path) as archive:
            config = _read_config(archive, name)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UnsafeModelError(text("model_check.damaged", name=name,
                                    problem=_first_line(exc))) from exc
    check_config(config, name)


def _read_config(archive: zipfile.ZipFile, name: str) -> Any:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeModelError(text("model_check.too_many", name=name, n=len(members)))
    total = 0
    for info in members:
        _check_member_name(info.filename, name)
        size = info.file_size
        total += size
        ratio = size / max(1, info.compress_size)
        if (size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES
                or (size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO)):
            raise UnsafeModelError(text("model_check.bomb", name=name, member=info.filename,
                                        size=_size(size), ratio=f"{ratio:.0f}"))
    try:
        info = archive.getinfo("config.json")
    except KeyError:
        raise UnsafeModelError(text("model_check.no_config", name=name)) from None
    if info.file_size > MAX_CONFIG_BYTES:
        raise UnsafeModelError(text("model_check.bomb", name=name, member=info.filename,
                                    size=_size(info.file_size), ratio="?"))
    with archive.open(info) as fh:
        raw = fh.read(MAX_CONFIG_BYTES + 1)
    if len(raw) > MAX_CONFIG_BYTES:
        raise UnsafeModelError(text("model_check.bomb", name=name, member=info.filename,
                                    size=_size(len(raw)), ratio="?"))
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UnsafeModelError(text("model_check.damaged", name=name,
                                    problem=_first_line(exc))) from exc


def _check_member_name(member: str, name: str) -> None:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    if (member.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])
            or "\0" in member):
        raise UnsafeModelError(text("model_check.bad_member", name=name, member=member))


def check_config(config: Any, name: str = "the model") -> None:
    """Raise ``UnsafeModelError`` when a Keras config (parsed ``config.json``) is unsafe.

    Args:
        config: the parsed JSON.
        name: the file's name, for the message.
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    objects = []
    queue: deque[Any] = deque([config])
    while queue:  # every word first (the worst sign), then every object, outermost first
        node = queue.popleft()
        if isinstance(node, dict):
            for key, value in node.items():
                _check_words(str(key), name)
                queue.append(value)
            if "class_name" in node:
                objects.append(node)
        elif isinstance(node, list):
            queue.extend(node)
        elif isinstance(node, str):
            _check_words(node, name)
    for node in objects:
        _check_object(node, name)


def _check_words(value: str, name: str) -> None:
    low = value.lower()
    if any(word in low for word in UNSAFE_WORDS):
        raise UnsafeModelError(text("model_check.unsafe_switch", name=name))


def _check_object(node: dict, name: str) -> None:
    """One serialized object: ``{"module", "class_name", "config", "registered_name"}``."""
    class_name = node.get("class_name")
    module = node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str) or not isinstance(module, (str, type(None))) \
            or not isinstance(registered, (str, type(None))):
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    if class_name in CODE_CLASSES:
        raise UnsafeModelError(text("model_check.code", name=name, what=class_name))
    if class_name.startswith("__"):
        if class_name in DATA_DUNDERS:
            return
        raise UnsafeModelError(text("model_check.custom", name=name, what=class_name))
    if module in OWN_OBJECTS or (registered or "").startswith(OWN_PACKAGE + ">"):
        if (class_name in OWN_OBJECTS.get(module, ())
                and registered in (None, f"{OWN_PACKAGE}>{class_name}")):
            return
        raise UnsafeModelError(text("model_check.custom", name=name,
                                    what=registered or f"{module}.{class_name}"))
    if registered not in (None, class_name):
        raise UnsafeModelError(text("model_check.custom", name=name, what=registered))
    if module is None:
        return
    if class_name == "function":
        function = node.get("config")
        if not _within(module, FUNCTION_MODULES) or not isinstance(function, str) \
                or not function.isidentifier():
            raise UnsafeModelError(text("model_check.import", name=name,
                                        what=f"{module}.{function}"))
        return
    if module == "keras":
        if class_name not in KERAS_TOP_LEVEL:
            raise UnsafeModelError(text("model_check.import", name=name,
                                        what=f"keras.{class_name}"))
        return
    if not _within(module, ALLOWED_MODULES):
        raise UnsafeModelError(text("model_check.import", name=name,
                                    what=f"{module}.{class_name}"))


def _within(module: str, allowed: tuple[str, ...]) -> bool:
    return any(module == m or module.startswith(m + ".") for m in allowed)


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _first_line(exc: BaseException) -> str:
    words = str(exc).strip().splitlines()
    return words[0] if words else type(exc).__name__
