"""Early stopping that can continue an interrupted run without forgetting what it saw.

Keras' ``EarlyStopping`` starts from scratch in every ``fit`` call (``on_train_begin``
resets its best value and its count of epochs without improvement). A run resumed from a
checkpoint must instead carry on counting: the best value so far, the epochs waited since,
the best epoch and, with ``restore_best_weights``, the best weights.

``stopper_state`` reads that state from any ``EarlyStopping``; ``ResumableEarlyStopping``
takes it back with ``resume_from`` and keeps it through the next ``on_train_begin``.

Use:
    stopper = ResumableEarlyStopping(monitor="val_loss", patience=5,
                                     restore_best_weights=True)
    stopper.resume_from(checkpoint.stopper_state)
    model.fit(..., initial_epoch=checkpoint.epoch, callbacks=[stopper, checkpointer])
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np


def stopper_state(stopper: keras.callbacks.EarlyStopping) -> dict[str, Any]:
    """What an early-stopping callback has learned so far, as plain values and arrays.

    Args:
        stopper: any ``keras.callbacks.EarlyStopping`` (after some epochs of a fit).

    Returns:
        ``{"monitor": str, "best": float | None, "wait": int, "best_epoch": int,
        "best_weights": list[np.ndarray] | None}`` (``best_epoch`` counts from 0, as
        Keras does). The arrays are copies.

    Use:
        stopper_state(stopper)["wait"]   # epochs since the last improvement
    """
    best = stopper.best
    best = None if best is None else float(keras.ops.convert_to_numpy(best))
    if best is not None and not math.isfinite(best):
        best = None
    weights = stopper.best_weights
    if weights is not None:
        weights = [np.array(keras.ops.convert_to_numpy(w), copy=True) for w in weights]
    return {"monitor": stopper.monitor, "best": best, "wait": int(stopper.wait),
            "best_epoch": int(stopper.best_epoch), "best_weights": weights}


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """``EarlyStopping`` whose state can be restored before a resumed ``fit``.

    Takes the same arguments as ``keras.callbacks.EarlyStopping``. After ``resume_from``
    the next ``on_train_begin`` keeps the restored state instead of resetting it; later
    ``fit`` calls reset as usual. ``last_epoch_end`` is the last epoch it has judged, so a
    ``Checkpointer`` can check that it runs after this callback.

    Use:
        stopper = ResumableEarlyStopping(patience=3)
        stopper.resume_from({"monitor": "val_loss", "best": 0.41, "wait": 1,
                             "best_epoch": 4, "best_weights": None})
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[str, Any] | None = None
        self.last_epoch_end: int | None = None

    def resume_from(self, state: dict[str, Any]) -> None:
        """Take over the state saved by ``stopper_state`` for the next ``fit``.

        Args:
            state: a dict as returned by ``stopper_state`` (``monitor`` may be missing).

        Raises:
            ValueError: the state was saved while watching another quantity.
        """
        saved = state.get("monitor")
        if saved is not None and saved != self.monitor:
            raise ValueError(f"the saved state watched {saved!r}, this one {self.monitor!r}")
        self._pending = dict(state)
        self._apply(self._pending)

    def _apply(self, state: dict[str, Any]) -> None:
        best = state.get("best")
        self.best = None if best is None else float(best)
        self.wait = int(state.get("wait", 0))
        self.best_epoch = int(state.get("best_epoch", 0))
        weights = state.get("best_weights")
        self.best_weights = None if weights is None else [np.asarray(w) for w in weights]
        self.stopped_epoch = 0

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self._pending is not None:
            self._apply(self._pending)
            self._pending = None

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        self.last_epoch_end = epoch
