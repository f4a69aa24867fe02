"""The Keras callback that reports progress and honours the cancel token mid-epoch.

``fit`` resets ``model.stop_training`` when it starts, so a cancel requested before or
during start-up lives in our own token and is checked at train, epoch and batch starts.
Every batch sends its own loss (recovered from Keras' running mean, see
``engine.batch_loss``); every few batches the learning rate too; every epoch end is checked
for problems (``engine.training_alerts``) that are sent as ``AlertRaised``.
"""

from __future__ import annotations

import math

import keras

from engine.batch_loss import BatchLossTracker
from engine.jobs import (AlertRaised, BatchEnded, CancelFlag, EpochEnded, ProgressFn,
                         StageStarted)
from engine.texts import text
from engine.training_alerts import NON_FINITE, check_alerts, non_finite_alert


class ProgressAndCancel(keras.callbacks.Callback):
    """Emit ``EpochEnded``/``BatchEnded``/``AlertRaised`` events and stop the fit when
    ``cancel`` is set.

    Args:
        run_id: the run these events belong to.
        epochs: the planned number of epochs.
        progress: receives the events.
        cancel: checked before training, at every epoch start and after every batch.
        batch_every: emit a ``BatchEnded`` every this many batches.
        lr_every: read the optimizer's learning rate every this many batches and at each
            epoch's first (reading it waits for the device, so not at every batch).
        batch_size: rows per batch and ``n_samples`` training rows, so the last, smaller
            batch of an epoch gets its exact loss (see ``BatchLossTracker``).
        n_samples: training rows per epoch.
    """

    def __init__(self, run_id: str, epochs: int, progress: ProgressFn, cancel: CancelFlag,
                 batch_every: int = 1, lr_every: int = 10, batch_size: int | None = None,
                 n_samples: int | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.epochs = epochs
        self.progress = progress
        self.cancel = cancel
        self.batch_every = max(1, batch_every)
        self.lr_every = max(1, lr_every)
        self.cancelled = False
        self.non_finite = False
        self.history: list[dict[str, float]] = []
        self._tracker = BatchLossTracker(batch_size=batch_size, n_samples=n_samples)
        self._first_loss: float | None = None
        self._learning_rate: float | None = None
        self._sent: set[str] = set()
        self._step = 0

    def _check(self) -> None:
        if self.cancel.is_set():
            if not self.cancelled:
                # Tell the GUI the stop was seen: the run is now being saved, not stuck.
                self.progress(StageStarted("stopping", text("stage.stopping")))
            self.cancelled = True
            self.model.stop_training = True

    def _read_learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return None
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate))

    def _alert(self, alert) -> None:
        self._sent.add(alert.code)
        self.progress(AlertRaised(self.run_id, alert.code, alert.severity, alert.text))

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
        batch_loss, smoothed = self._tracker.update(batch, loss)
        if self._first_loss is None:
            self._first_loss = batch_loss
        learning_rate = None
        if batch == 0 or (self._step - 1) % self.lr_every == 0:
            learning_rate = self._learning_rate = self._read_learning_rate()
        if self._step % self.batch_every == 0 or learning_rate is not None:
            self.progress(BatchEnded(self.run_id, self._step, loss, batch_loss, smoothed,
                                     learning_rate))
        if not math.isfinite(loss):
            self.non_finite = True
            self.model.stop_training = True
            if NON_FINITE not in self._sent:
                self._alert(non_finite_alert(self._learning_rate))
        self._check()

    def on_epoch_end(self, epoch, logs=None):
        clean = {k: float(v) for k, v in (logs or {}).items()}
        self.history.append(clean)
        self.progress(EpochEnded(self.run_id, epoch + 1, self.epochs, clean))
        for alert in check_alerts(self.history, self._sent, initial_loss=self._first_loss,
                                  learning_rate=self._learning_rate):
            self._alert(alert)
        self._check()
