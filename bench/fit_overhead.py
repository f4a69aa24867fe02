"""The app's training path against a bare ``model.fit`` on the same data, same process.

Both fit the same MLP for the same epochs on the bundled breast-cancer sample; the app adds
its progress/cancel callback (an event per batch and per epoch). Runs are interleaved in
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

from engine.jobs import CancelToken, EpochEnded  # noqa: E402
from engine.keras_callbacks import ProgressAndCancel  # noqa: E402
from engine.models.mlp import build_mlp
from engine.models.mlp_params import MlpParams  # noqa: E402
from engine.samples import SAMPLES, sample_frame  # noqa: E402

EPOCHS = 20
PAIRS = 5


def _data():
    sample = SAMPLES["breast_cancer"]
    frame = sample_frame(sample.name)
    y = (frame.pop(sample.target) == "malignant").to_numpy(dtype=np.int64)
    X = frame.to_numpy(dtype=np.float32)
    X = (X - X.mean(0)) / X.std(0)
    return X, y


def _fit(X, y, with_app: bool) -> float:
    p = MlpParams(epochs=EPOCHS, batch_size=32, seed=0)
    keras.utils.set_random_seed(0)
    model = build_mlp(X.shape[1], "binary", 2, p)
    callbacks = []
    if with_app:
        events = []
        callbacks = [ProgressAndCancel("bench", EPOCHS, events.append, CancelToken())]
    start = time.perf_counter()
    model.fit(X, y, validation_data=(X[:100], y[:100]), epochs=EPOCHS, batch_size=32,
              verbose=0, callbacks=callbacks)
    seconds = time.perf_counter() - start
    if with_app:
        assert sum(isinstance(e, EpochEnded) for e in events) == EPOCHS
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
