"""ONNX and LiteRT files of a Keras network, each checked in its own runtime, and its
TensorFlow SavedModel (TensorFlow backend: ``engine.use.tensorflow_formats`` calls these).

``write_runtime_format`` writes ``model.onnx`` (Keras' exporter, through ``tf2onnx``) or
``model.tflite`` (Keras' LiteRT exporter), then runs the written file with its own runtime
(``onnxruntime``; the LiteRT interpreter of ``ai-edge-litert``, else TensorFlow's
``tf.lite``) on the dev rows and compares its answers with Keras': the largest absolute
difference, and the time per example answered one at a time (median) next to Keras' own.
The inputs are the coded rows (``preprocess.json`` says how to code them); the outputs are
the network's raw scores, as the ``.keras`` file gives them.

Use:
    check = write_runtime_format(model, "onnx", folder / "model.onnx", X_dev)
    check.max_difference, check.ms_per_example, check.keras_ms_per_example
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from engine.core.atomic import atomic_path
from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.use.export_formats import ONNX

TIMED_ROWS = 50  # rows answered one at a time to time each runtime
AGREEMENT = 1e-4  # the largest difference that counts as the same answers


@dataclass(frozen=True)
class RuntimeCheck:
    """A written format run in its runtime on ``rows`` dev rows."""

    format: str
    file: str
    runtime: str
    rows: int
    max_difference: float
    ms_per_example: float
    keras_ms_per_example: float

    @property
    def agrees(self) -> bool:
        return self.max_difference < AGREEMENT

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "runtime": self.runtime, "rows": self.rows,
                "max_difference": self.max_difference, "agrees": self.agrees,
                "ms_per_example": self.ms_per_example,
                "keras_ms_per_example": self.keras_ms_per_example}


def write_runtime_format(model, fmt: str, path: Path, X: np.ndarray) -> RuntimeCheck:
    """Write ``model`` as ``fmt`` (``onnx`` or ``litert``) to ``path`` (atomically) and
    check it on the coded dev rows ``X``.

    Raises:
        Exception: whatever the exporter or the runtime raised (the caller turns it into a
            plain note and keeps the rest of the export).
    """
    X = np.asarray(X)
    with _quiet():
        # Keras' ONNX exporter needs a model that has been called once (a model loaded
        # from its file has not); Keras' answers are wanted anyway.
        expected = np.asarray(model.predict_on_batch(X), dtype=float)
        with atomic_path(path, suffix=path.suffix) as tmp:
            model.export(str(tmp), format=fmt, verbose=False)
        run, runtime = (_onnx_runner if fmt == ONNX else _litert_runner)(path)
        got = np.asarray(run(X), dtype=float).reshape(expected.shape)
    return RuntimeCheck(
        format=fmt, file=path.name, runtime=runtime, rows=int(len(X)),
        max_difference=float(np.max(np.abs(got - expected))) if len(X) else 0.0,
        ms_per_example=_ms_per_example(run, X),
        keras_ms_per_example=_ms_per_example(model.predict_on_batch, X))


def write_saved_model(model, target: Path) -> None:
    """Write ``model`` as a TensorFlow SavedModel into ``target``, replacing an earlier one
    whole.

    Raises:
        ProjectError: the folder could not be written.
        Exception: whatever TensorFlow raised for a model it cannot trace (the caller turns
            it into a plain note and keeps the rest of the export).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".saved_model.", dir=target.parent))
    try:
        with _quiet():
            model.export(str(scratch / "model"), format="tf_saved_model", verbose=False)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        (scratch / "model").rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ProjectError(text("use.export_write", path=target, problem=exc)) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _onnx_runner(path: Path) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    # Imported here to keep ONNX Runtime out of start-up.
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    first = session.get_inputs()[0]
    dtype = _ONNX_TYPES.get(first.type, np.float32)

    def run(X: np.ndarray) -> np.ndarray:
        return session.run(None, {first.name: np.asarray(X, dtype=dtype)})[0]

    return run, f"onnxruntime {onnxruntime.__version__}"


_ONNX_TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64,
               "tensor(int64)": np.int64, "tensor(int32)": np.int32}


def _litert_runner(path: Path) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    try:
        # Imported here to keep the LiteRT interpreter out of start-up.
        from ai_edge_litert.interpreter import Interpreter
        from importlib.metadata import version

        runtime = f"ai-edge-litert {version('ai-edge-litert')}"
    except ImportError:
        # Imported here to keep TensorFlow out of start-up.
        import tensorflow as tf

        Interpreter, runtime = tf.lite.Interpreter, f"tf.lite {tf.__version__}"
    interpreter = Interpreter(model_path=str(path))
    entry = interpreter.get_input_details()[0]
    exit_ = interpreter.get_output_details()[0]
    shape: list[tuple[int, ...]] = []

    def run(X: np.ndarray) -> np.ndarray:
        if not shape or shape[0] != X.shape:
            interpreter.resize_tensor_input(entry["index"], X.shape)
            interpreter.allocate_tensors()
            shape[:] = [X.shape]
        interpreter.set_tensor(entry["index"], np.asarray(X, dtype=entry["dtype"]))
        interpreter.invoke()
        return interpreter.get_tensor(exit_["index"]).copy()

    return run, runtime


def _ms_per_example(run: Callable[[np.ndarray], Any], X: np.ndarray) -> float:
    """Median time to answer one example alone, in milliseconds (first call not timed)."""
    rows = X[:TIMED_ROWS]
    if not len(rows):
        return float("nan")
    run(rows[:1])
    times = []
    for i in range(len(rows)):
        start = time.perf_counter()
        run(rows[i:i + 1])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


@contextlib.contextmanager
def _quiet():
    """The exporters and runtimes print their progress and warnings (from Python and from
    C++ straight to the standard error); the user sees Practica's stages instead."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile() as sink, warnings.catch_warnings(), \
                contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
