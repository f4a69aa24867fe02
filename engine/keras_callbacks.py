"""The Keras callback that reports progress and honours the cancel token mid-epoch.

``fit`` resets ``model.stop_training`` when it starts, so a cancel requested before or
during start-up lives in our own token and is checked at train, epoch and batch starts.
"""

from __future__ import annotations

import math

import keras

from engine.jobs import BatchEnded, CancelFlag, EpochEnded, ProgressFn


class ProgressAndCancel(keras.callbacks.Callback):
    """Emit ``EpochEnded``/``BatchEnded`` events and stop the fit when ``cancel`` is set.

    Args:
        run_id: the run these events belong to.
        epochs: the planned number of epochs.
        progress: receives the events.
        cancel: checked before training, at every epoch start and after every batch.
        batch_every: emit a ``BatchEnded`` every this many batches.
    """

    def __init__(self, run_id: str, epochs: int, progress: ProgressFn, cancel: CancelFlag,
                 batch_every: int = 1) -> None:
        super().__init__()
        self.run_id = run_id
        self.epochs = epochs
        self.progress = progress
        self.cancel = cancel
        self.batch_every = max(1, batch_every)
        self.cancelled = False
        self.non_finite = False
        self._step = 0

    def _check(self) -> None:
        if self.cancel.is_set():
            self.cancelled = True
            self.model.stop_training = True

    def on_train_begin(self, logs=None):
        self._check()

    def on_epoch_begin(self, epoch, logs=None):
        self._check()

    def on_train_batch_begin(self, batch, logs=None):
        # A cancel that arrives while fit() is starting still stops before the first update.
        self._check()

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        loss = float((logs or {}).get("loss", math.nan))
        if not math.isfinite(loss):
            self.non_finite = True
            self.model.stop_training = True
        if self._step % self.batch_every == 0:
            self.progress(BatchEnded(self.run_id, self._step, loss))
        self._check()

    def on_epoch_end(self, epoch, logs=None):
        clean = {k: float(v) for k, v in (logs or {}).items()}
        self.progress(EpochEnded(self.run_id, epoch + 1, self.epochs, clean))
        self._check()
