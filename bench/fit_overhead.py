"""The app's training path against a bare ``model.fit`` on the same data, same process.

Both fit the same MLP for the same epochs on the bundled breast-cancer sample; the app adds
its callbacks: the goal's metric on training and dev rows at each epoch end (EpochMetric)
and progress/cancel (loss events (throttled to about 20 a second) with its recovered loss, the learning rate every 10
batches, an event and the alert checks per epoch). Runs are interleaved in
pairs so drift of the machine hits both sides alike; the ratio of median epochs per second
is printed (1.00 = no overhead; the design target is >= 0.95).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from engine.training.epoch_metric import EpochMetric, ScoredRows, goal_metric  # noqa: E402
from engine.core.jobs import CancelToken, EpochEnded  # noqa: E402
from engine.training.monitor.callbacks import ProgressAndCancel  # noqa: E402
from engine.models.mlp import build_mlp  # noqa: E402
from engine.models.mlp_params import MlpParams  # noqa: E402
from engine.data.samples import SAMPLES, sample_frame  # noqa: E402
from engine.project.parts.goal import Goal  # noqa: E402

EPOCHS = 20
PAIRS = 5


def _data():
    sample = SAMPLES["breast_cancer"]
    frame = sample_frame(sample.name)
    y = (frame.pop(sample.target) == "malignant").to_numpy(dtype=np.int64)
    X = frame.to_numpy(dtype=np.float32)
    X = (X - X.mean(0)) / X.std(0)
    return X, y


GOAL = Goal(task="binary", metric="f1", labels=("benign", "malignant"),
            positive_label="malignant")


def _app_callbacks(X, y, events: list) -> list:
    names = np.array(GOAL.labels, dtype=object)
    scorer = EpochMetric(ScoredRows(X, goal_metric(GOAL, names[y])),
                         ScoredRows(X[:100], goal_metric(GOAL, names[y[:100]])))
    watcher = ProgressAndCancel("bench", EPOCHS, events.append, CancelToken(), batch_size=32,
                                n_samples=len(X))
    return [scorer, watcher]


def _fit(X, y, with_app: bool) -> float:
    keras.utils.set_random_seed(0)
    model = build_mlp(X.shape[1], "binary", 2, MlpParams())
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    callbacks = []
    if with_app:
        events = []
        callbacks = _app_callbacks(X, y, events)
    start = time.perf_counter()
    model.fit(X, y, validation_data=(X[:100], y[:100]), epochs=EPOCHS, batch_size=32,
              verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    if with_app:
        ends = [e for e in events if isinstance(e, EpochEnded)]
        assert len(ends) == EPOCHS and "val_metric" in ends[-1].logs
    return EPOCHS / seconds


def main() -> None:
    X, y = _data()
    _fit(X, y, False)  # warm-up: tracing and graph building
    bare, app = [], []
    for _ in range(PAIRS):
        bare.append(_fit(X, y, False))
        app.append(_fit(X, y, True))
    b, a = statistics.median(bare), statistics.median(app)
    print(f"fit_overhead: bare model.fit {b:.1f} epochs/s, app fit {a:.1f} epochs/s, "
          f"ratio app/bare = {a / b:.2f} (target >= 0.95; noise here is +-15-25%)")


if __name__ == "__main__":
    main()
