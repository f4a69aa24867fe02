"""What installer/practica.spec leaves out of the bundle, and the symbols it strips.

Each part left out was deleted from a built bundle and the bundle then passed
installer/smoke.sh (the demo, exports to ONNX and LiteRT, the sound sample to its baseline, a
PostgreSQL address, the window with every page): Practica never loads it. A part that
TensorFlow imports when it starts is kept even when unused (its profiler: the import fails
without it).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

OTHER_BACKENDS = ("jax", "torch", "openvino")
"""Keras backends the bundle does not carry (it runs on TensorFlow)."""

EXCLUDED_MODULES = [
    "tkinter", "pytest", "IPython", "jax", "jaxlib", "torch",
    # gRPC (TensorFlow's distributed runtime and debugger servers), Hugging Face's file
    # transfer (hf_xet: the Hub's downloads; the word vectors are read from the bundle),
    # NVIDIA's cuda-python bindings (PyTorch's): never imported by a Practica job.
    "grpc", "hf_xet", "cuda",
    # pyarrow: Practica reads CSV and Parquet files and computes on tables; not Flight
    # (network transport), cloud file systems, HDFS, GPU memory, nor pyarrow's own tests.
    "pyarrow.flight", "pyarrow._flight", "pyarrow._s3fs", "pyarrow._gcsfs",
    "pyarrow._azurefs", "pyarrow._hdfs", "pyarrow.cuda", "pyarrow._cuda", "pyarrow.tests",
    # Qt: the app uses Core, Gui, Widgets, Svg (icons) and Multimedia (playing a sound);
    # pyqtgraph's test helpers (optional in its Qt shim) and video widgets are not used;
    # QtOpenGL and QtOpenGLWidgets stay: pyqtgraph's curves import them.
    "PySide6.QtTest", "PySide6.QtMultimediaWidgets",
]

LEFT_OUT_BINARIES = (
    # TensorFlow's XLA operations for Python and its StableHLO bindings (JAX interop): the
    # models run without them, and the LiteRT converter does not need them.
    "tensorflow/compiler/tf2xla/ops/_xla_ops.so",
    "tensorflow/compiler/mlir/stablehlo/stablehlo_extension.so",
    # pyarrow's Flight and S3 libraries (the modules are excluded above).
    "pyarrow/libarrow_flight.so", "pyarrow/libarrow_python_flight.so", "pyarrow/libarrow_s3.so",
    # Qt's on-screen keyboard (pulls in QML) and PDF image plugin; Qt's test library.
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/lib/libQt6VirtualKeyboard", "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/lib/libQt6Pdf.so", "PySide6/Qt/lib/libQt6Test.so",
    "PySide6/Qt/lib/libQt6MultimediaWidgets.so",
)
"""Binaries (by their path in the bundle, up to the version) that are never loaded."""

LEFT_OUT_DATA = (
    "pyarrow/include/", "pyarrow/src/", "pyarrow/tests/",
    # Qt's translations of its own dialogs: the app installs no translator (English only).
    "PySide6/Qt/translations/",
)
LEFT_OUT_SUFFIXES = (".pxd", ".pyx", ".h", ".hpp")

VERSIONS_NAMED = ("keras", "tensorflow", "numpy", "pandas", "scikit-learn", "scipy", "optuna",
                  "matplotlib", "reportlab", "lightgbm", "onnxruntime", "tf2onnx",
                  "ai-edge-litert")
"""Distributions whose versions the report's appendix (engine.report.pdf.results.LIBRARIES)
and an export's model card (engine.use.versions) read from their metadata."""

WORD_VECTORS = (Path("weights") / "l2_supercat_256.safetensors",
                Path("tokenizers") / "l2_supercat_tokenizer_config.json")
"""WordLlama's two files that engine.models.pretrained.word_vectors reads (WEIGHTS, TOKENIZER)."""


def keep_module(name: str) -> bool:
    """Whether a collected submodule belongs in the bundle: not another Keras backend, not a
    test module."""
    parts = name.split(".")
    if any(backend in name for backend in OTHER_BACKENDS):
        return False
    return not any(p.endswith("_test") or p in ("tests", "testing") for p in parts)


def word_vectors() -> list[tuple[str, str]]:
    """WordLlama's vectors, tokenizer and licence as data (``wordllama/...``) when the package
    is installed (the ``wordvectors`` extra); nothing otherwise. The engine finds the folder
    with ``importlib.util.find_spec("wordllama")`` and reads the two files: the package's
    code (and what it imports) is not needed."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(list(spec.submodule_search_locations)[0])
    out = [(str(folder / f), str(Path("wordllama") / f.parent)) for f in WORD_VECTORS]
    from importlib import metadata

    dist = metadata.distribution("wordllama")
    out += [(str(dist.locate_file(f)), "wordllama") for f in dist.files or ()
            if f.name.startswith("LICENSE")]
    return out


def binaries(toc: list, strip_dir: Path) -> list:
    """``toc`` (Analysis.binaries) less ``LEFT_OUT_BINARIES``, with debugging symbols
    stripped on Linux (see ``_stripped``)."""
    out = []
    for dest, src, kind in toc:
        if any(dest.replace("\\", "/").startswith(p) for p in LEFT_OUT_BINARIES):
            continue
        out.append((dest, _stripped(dest, src, strip_dir), kind))
    return out


def datas(toc: list) -> list:
    """``toc`` (Analysis.datas) less headers, sources, tests and Qt's translations."""
    return [(dest, src, kind) for dest, src, kind in toc
            if not dest.replace("\\", "/").startswith(LEFT_OUT_DATA)
            and not dest.endswith(LEFT_OUT_SUFFIXES)]


def _stripped(dest: str, src: str, strip_dir: Path) -> str:
    """A copy of the shared library ``src`` without its symbol table (``strip
    --strip-unneeded``: what it exports to other libraries stays), made once in ``strip_dir``;
    ``src`` itself on other systems, for non-ELF files and for libraries that auditwheel
    bundled into a ``*.libs`` folder (patched with patchelf, which ``strip`` can corrupt).
    TensorFlow's libtensorflow_cc alone loses 210 MB of symbols."""
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return src
    path = Path(src)
    if any(part.endswith(".libs") for part in path.parts) or not _has_symbols(path):
        return src
    target = strip_dir / dest
    stat = path.stat()
    if target.is_file() and target.stat().st_mtime >= stat.st_mtime:
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["strip", "--strip-unneeded", "-o", str(target), str(path)],
                          capture_output=True)
    return str(target) if done.returncode == 0 else src


def _has_symbols(path: Path) -> bool:
    """Whether ``path`` is an ELF file with a ``.symtab`` section (a static symbol table)."""
    try:
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                return False
    except OSError:
        return False
    done = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True)
    return done.returncode == 0 and " .symtab " in done.stdout
