"""The one place that knows about the Keras backend: a quiet import and the training device.

TensorFlow's C++ start-up writes lines like "Could not find cuda drivers" straight to the
process' standard error before its logging is set up, so ``TF_CPP_MIN_LOG_LEVEL`` cannot
hide them. ``import_keras`` sends file descriptor 2 to a temporary file while Keras and its
backend load, and shows what was written only if the import fails.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import threading
from typing import Iterator

_loaded = None
_loading = threading.Lock()  # the engine process imports Keras on a thread while serving


@contextlib.contextmanager
def _stderr_captured() -> Iterator[tempfile.SpooledTemporaryFile]:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield sink
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_keras():
    """Import Keras (and its backend) once, without the backend's start-up chatter."""
    with _loading:  # one import at a time: the captured stderr is the process' own
        return _import_keras_once()


def _import_keras_once():
    global _loaded
    if _loaded is not None:
        return _loaded
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # JAX likewise: memory as needed, not three quarters of the GPU at start.
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    with _stderr_captured() as sink:
        try:
            import keras

            if keras.backend.backend() == "tensorflow":
                # TensorFlow looks for CUDA when first asked for a device and prints
                # "failed call to cuInit" on machines without one: ask now, while hidden.
                import tensorflow as tf

                for gpu in tf.config.list_physical_devices("GPU"):
                    # Take GPU memory as needed, not all of it at the first operation:
                    # tuning workers on one GPU each get their share.
                    try:
                        tf.config.experimental.set_memory_growth(gpu, True)
                    except (ValueError, RuntimeError):  # already in use: as it is
                        pass
                # Its Python warnings (e.g. "tf.function retracing" when a tuning search
                # builds many models in one process) mean nothing to our users.
                logging.getLogger("tensorflow").setLevel(logging.ERROR)
        except Exception:
            sink.seek(0)
            captured = sink.read().decode("utf-8", "replace")
            sys.stderr.write(captured)
            raise
    _loaded = keras
    return keras


def backend_name() -> str:
    """The Keras backend in use (``tensorflow``, ``jax`` or ``torch``)."""
    return import_keras().backend.backend()


def training_device() -> str:
    """Plain words for the device that trains: ``CPU``, the GPU's name, or ``2 x <name>``
    (``engine.core.device`` holds the details)."""
    # Imported here to keep Keras out of start-up (device asks the backend lazily).
    from engine.core.device import device_facts

    return device_facts().label
