"""What saving a checkpoint every epoch costs: a 2x64 MLP and a small CNN.

For each model the same fit runs with and without ``engine.training.checkpoint.Checkpointer``,
interleaved in pairs so drift of the machine hits both sides alike. Printed per model:
the parameter count, the checkpoint's size, the median time training waits at each epoch
end (host copy of weights, optimizer and seed states), the median background write time
(npz + hash + json, atomic, fsync), and the ratio of median epoch times with/without
(1.00 = no cost).

Run: ``python -m bench.checkpoint_cost`` (``--quick`` for fewer epochs).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from engine.training.checkpoint import Checkpointer  # noqa: E402

PAIRS = 3


class _EpochClock(keras.callbacks.Callback):
    """Wall time of every epoch, from its begin to the end of the last epoch-end callback."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


class _Stamp(keras.callbacks.Callback):
    """Placed last: closes the epoch clock after the checkpointer's epoch end ran."""

    def __init__(self, clock: _EpochClock):
        super().__init__()
        self.clock = clock

    def on_epoch_end(self, epoch, logs=None):
        self.clock.on_epoch_end(epoch)


def _mlp():
    model = keras.Sequential([keras.Input((30,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 30)).astype(np.float32)
    return model, X, (X[:, 0] > 0).astype(np.int64)


def _cnn():
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Flatten(), keras.layers.Dropout(0.3),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 28, 28, 1)).astype(np.float32)
    return model, X, rng.integers(0, 10, size=len(X))


def _fit(make, epochs: int, run_dir: Path | None):
    keras.utils.set_random_seed(0)
    model, X, y = make()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    clock = _EpochClock()
    saver = Checkpointer(run_dir) if run_dir is not None else None
    callbacks = [clock, *([saver] if saver else []), _Stamp(clock)]
    model.fit(X, y, batch_size=64, epochs=epochs, verbose=0, callbacks=callbacks,
              validation_data=(X[:256], y[:256]))
    # The first epoch includes tracing; leave it out.
    return model, clock.seconds[1:], saver


def measure(name: str, make, epochs: int) -> dict:
    """Fit ``make()`` with and without a checkpointer ``PAIRS`` times; return the medians."""
    plain, saved, copies, writes = [], [], [], []
    size, params = 0, 0
    for _ in range(PAIRS):
        _, seconds, _ = _fit(make, epochs, None)
        plain += seconds
        with tempfile.TemporaryDirectory() as folder:
            model, seconds, saver = _fit(make, epochs, Path(folder))
            saved += seconds
            copies += saver.copy_seconds[1:]
            writes += saver.write_seconds[1:]
            meta = json.loads((Path(folder) / "checkpoint.json").read_text())
            size = sum((Path(folder) / name).stat().st_size
                       for name in ("checkpoint.json", meta["arrays"]))
            params = model.count_params()
    result = {"model": name, "params": params, "checkpoint_kib": size / 1024,
              "epoch_ms": 1000 * statistics.median(plain),
              "epoch_with_ms": 1000 * statistics.median(saved),
              "copy_ms": 1000 * statistics.median(copies),
              "write_ms": 1000 * statistics.median(writes)}
    result["ratio"] = result["epoch_ms"] / result["epoch_with_ms"]
    return result


def main() -> None:
    epochs = 4 if "--quick" in sys.argv else 8
    print(f"backend {keras.backend.backend()}, {PAIRS} pairs of {epochs} epochs")
    for name, make in (("MLP 2x64", _mlp), ("small CNN", _cnn)):
        r = measure(name, make, epochs)
        print(f"{r['model']:10s} {r['params']:>7d} params, checkpoint {r['checkpoint_kib']:.0f}"
              f" KiB: epoch {r['epoch_ms']:.1f} ms -> {r['epoch_with_ms']:.1f} ms"
              f" (speed ratio {r['ratio']:.3f}); training waits {r['copy_ms']:.2f} ms"
              f" per epoch, background write {r['write_ms']:.1f} ms")


if __name__ == "__main__":
    main()
