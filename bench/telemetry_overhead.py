"""What live monitoring costs: the app's training path against a bare ``model.fit``.

Two workloads: a small MLP on a table (4000 x 20 float rows, two hidden layers of 64) and a
small CNN on images (2000 random 28x28x1 images, two conv blocks). Each is fitted three
ways, with the same Keras, backend, process, seed, loss, base optimizer class (Adam) and
batch size:

* **bare**: ``model.fit`` with a plain ``keras.optimizers.Adam`` and no callbacks;
* **loss-only**: the same plain optimizer, with ``ProgressAndCancel`` (loss of every batch,
  NaN check and cancel check every batch, at most ~20 events a second);
* **full telemetry**: ``make_optimizer("adam", record_gradients=True)`` with
  ``ProgressAndCancel`` and ``Telemetry`` at its default cadence (update ratios and
  gradient norms every 10 steps, activations every 50, filters every epoch, 50 ms and 2 %
  time budgets);
* **bare again**: a second bare model, whose ratio to the first shows the noise floor.

Each variant keeps one model across rounds; each fit's first epoch (tracing, the start of
a fit) is left out of the timing, taken from per-epoch timestamps (a callback with epoch
hooks only, on the bare side too). The four run interleaved in rounds (their order
rotating), so drift of the machine hits all alike; the printed figure is the median over
rounds of each round's throughput ratio app/bare (1.00x = no overhead). Targets:
loss-only >= 0.97x, full telemetry >= 0.95x. The same ratio by process CPU time is printed beside it: on a shared, busy machine the
wall-clock ratio swings by tens of percent from round to round, the CPU-time one much less.
Last, the share of the timed wall time spent inside the app's callbacks' own hooks (the
Python side of the cost; the optimizer's few extra ops run inside the train step).
"""

from __future__ import annotations

import os
import statistics
import time

_CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
# Never more TensorFlow threads than cores (set before Keras loads TensorFlow).
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _CORES)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _CORES)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from engine.core.jobs import CancelToken, EpochEnded, TelemetrySampled  # noqa: E402
from engine.training.monitor.callbacks import ProgressAndCancel  # noqa: E402
from engine.training.monitor.telemetry import Telemetry  # noqa: E402
from engine.training.monitor.optimizer import make_optimizer  # noqa: E402

ROUNDS = os.environ.get("BENCH_ROUNDS")  # overrides each workload's own number
BATCH = 32
LR = 1e-3
VARIANTS = ("bare", "loss-only", "full", "bare again")


def _table(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(4000, 20)).astype("float32")
    y = (X[:, :3].sum(axis=1) > 0).astype("int64")
    return X, y


def _images(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random(size=(2000, 28, 28, 1), dtype=np.float32)
    y = rng.integers(0, 10, size=2000)
    return X, y


def _mlp() -> keras.Model:
    return keras.Sequential([
        keras.Input((20,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(2, activation="softmax"),
    ], name="mlp")


def _cnn() -> keras.Model:
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu", padding="same"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ], name="cnn")


WORKLOADS = {
    # name: (data, model builder, timed epochs, rounds); about 50 s and 85 s on 2 cores
    "mlp table": (_table, _mlp, 4, 7),
    "cnn images": (_images, _cnn, 2, 6),
}


class _EpochClock(keras.callbacks.Callback):
    """Wall and process CPU time at each epoch's end (epoch hooks only: batch ends stay
    untouched, so Keras' batch loop runs as without callbacks), and the seconds spent so
    far inside the app's callbacks (``spent``, filled by ``_own_time``)."""

    def __init__(self) -> None:
        super().__init__()
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.spent = [0.0]
        self.own: list[float] = []

    def on_epoch_end(self, epoch, logs=None):
        self.wall.append(time.perf_counter())
        self.cpu.append(time.process_time())
        self.own.append(self.spent[0])


HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
         "on_epoch_end", "on_train_end")


def _own_time(callbacks: list, spent: list) -> None:
    """Add the wall time of every hook the app's callbacks define to ``spent[0]``."""
    for callback in callbacks:
        for name in HOOKS:
            if any(name in vars(cls) for cls in type(callback).__mro__
                   if cls.__module__.startswith("engine.")):
                hook = getattr(callback, name)

                def timed(*args, _hook=hook, **kwargs):
                    start = time.perf_counter()
                    try:
                        return _hook(*args, **kwargs)
                    finally:
                        spent[0] += time.perf_counter() - start

                setattr(callback, name, timed)


def _callbacks(variant: str, X, epochs: int, events: list) -> list:
    if variant.startswith("bare"):
        return []
    watcher = ProgressAndCancel("bench", epochs, events.append, CancelToken(),
                                batch_size=BATCH, n_samples=len(X))
    if variant == "loss-only":
        return [watcher]
    return [watcher, Telemetry("bench", X[:64], events.append)]


def _model(variant: str, build) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = build()
    optimizer = (make_optimizer("adam", LR, record_gradients=True) if variant == "full"
                 else keras.optimizers.Adam(learning_rate=LR))
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


def _fit(variant: str, model: keras.Model, X, y, epochs: int) -> tuple[float, float, float]:
    """Fit ``1 + epochs`` epochs; rows per wall second and per CPU second (all threads
    of this process) over all but the first, and the share of that wall time spent inside
    the app's callbacks.

    The first epoch takes the one-off costs (tracing on the first round, and each fit's
    start: the data pipeline, the telemetry probe's compiled function) and is left out.
    """
    events: list = []
    clock = _EpochClock()
    app = _callbacks(variant, X, 1 + epochs, events)
    _own_time(app, clock.spent)
    model.fit(X, y, batch_size=BATCH, epochs=1 + epochs, verbose=0, callbacks=[*app, clock])
    if not variant.startswith("bare"):  # the app side really did its work
        assert sum(isinstance(e, EpochEnded) for e in events) == 1 + epochs
    if variant == "full":
        assert any(isinstance(e, TelemetrySampled) and e.activations for e in events)
    rows, wall = epochs * len(X), clock.wall[-1] - clock.wall[0]
    own = (clock.own[-1] - clock.own[0]) / wall
    return rows / wall, rows / (clock.cpu[-1] - clock.cpu[0]), own


def measure(name: str, rounds: int | None = None) -> dict[str, list[float]]:
    """Throughput ratios app/bare of each round for one workload, by wall time and by
    CPU time (``<variant>`` and ``<variant> cpu``), and the bare rows per second.

    Each variant keeps its own model (built and traced once) across the rounds.
    """
    data, build, epochs, default_rounds = WORKLOADS[name]
    rounds = rounds or int(ROUNDS or default_rounds)
    X, y = data()
    models = {v: _model(v, build) for v in VARIANTS}
    found: dict[str, list[float]] = {}
    for r in range(rounds):
        order = VARIANTS[r % len(VARIANTS):] + VARIANTS[:r % len(VARIANTS)]
        rate = {v: _fit(v, models[v], X, y, epochs) for v in order}
        found.setdefault("bare_rows_per_s", []).append(rate["bare"][0])
        for v in VARIANTS[1:]:
            found.setdefault(v, []).append(rate[v][0] / rate["bare"][0])
            found.setdefault(f"{v} cpu", []).append(rate[v][1] / rate["bare"][1])
            found.setdefault(f"{v} own", []).append(rate[v][2])
    return found


def main() -> None:
    print(f"telemetry_overhead: {keras.backend.backend()} backend, {_CORES} cores; "
          "interleaved rounds, median of the paired throughput ratios app/bare")
    for name in WORKLOADS:
        start = time.perf_counter()
        found = measure(name)
        med = {k: statistics.median(v) for k, v in found.items()}
        spread = ", ".join(f"{r:.2f}" for r in found["full"])
        print(f"{name}: loss-only {med['loss-only']:.2f}x, full telemetry {med['full']:.2f}x "
              f"bare (targets >= 0.97x, >= 0.95x; bare vs bare {med['bare again']:.2f}x)\n"
              f"    by CPU time: loss-only {med['loss-only cpu']:.2f}x, full telemetry "
              f"{med['full cpu']:.2f}x, bare vs bare {med['bare again cpu']:.2f}x; "
              f"time inside the app's callbacks: loss-only {100 * med['loss-only own']:.1f} %, "
              f"full {100 * med['full own']:.1f} %\n"
              f"    full per round (wall) {spread}; "
              f"{len(found['full'])} rounds; bare {med['bare_rows_per_s']:.0f} rows/s; "
              f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
