"""The Keras callback that reports progress and honours the cancel token mid-epoch.

``fit`` resets ``model.stop_training`` when it starts, so a cancel requested before or
during start-up lives in our own token and is checked at train, epoch and batch starts and
after every batch. Every batch's own loss is recovered from Keras' running mean (see
``engine.training.monitor.batch_loss``); a running mean that blew up (NaN, inf, or a
million times the first batch's loss: ``alerts.blown_up``) stops the fit at once, as does
a dev loss that is not a number at an epoch's end. A ``BatchEnded`` goes out at most
about 20 times a second: for an epoch's first and last batch, for a loss that blew up, and
otherwise only when ``min_interval`` (50 ms) has passed since the last one. A batch
held back is sent anyway when the epoch ends or the fit stops, so the live line always
ends at the true last step. The learning rate (reading it waits for the device) rides on
each epoch's first event, and on a later one once ``lr_every`` steps and ``LR_INTERVAL``
seconds have passed since it was last read; it is read when the batch begins, on the
training thread. Every epoch end is checked for problems (``engine.training.monitor.alerts``)
that are sent as ``AlertRaised``.

The callback is ``async_safe``: on backends that dispatch batch-end callbacks to a thread
pool (JAX, PyTorch), batch ends are processed one at a time in the order the batches ran.
Batch ends never touch ``self.model``: on JAX reading that property puts the training
state back into the model, which from another thread races with the running step.
"""

from __future__ import annotations

import bisect
import math
import threading
import time

import keras

from engine.training.monitor.batch_loss import BatchLossTracker
from engine.core.jobs import (AlertRaised, BatchEnded, CancelFlag, EpochEnded, ProgressFn,
                         StageStarted)
from engine.core.texts import text
from engine.training.monitor.alerts import (NON_FINITE, blown_up, check_alerts,
                                            non_finite_alert)

MIN_EVENT_INTERVAL = 0.05
"""Seconds between two ``BatchEnded`` events (at most ~20 a second)."""

LR_INTERVAL = 0.5
"""Seconds between two reads of the learning rate within an epoch at least."""

ORDER_TIMEOUT = 30.0
"""Seconds a batch end waits for the one before it before going ahead anyway."""


class ProgressAndCancel(keras.callbacks.Callback):
    """Emit ``EpochEnded``/``BatchEnded``/``AlertRaised`` events and stop the fit when
    ``cancel`` is set.

    Args:
        run_id: the run these events belong to.
        epochs: the planned number of epochs.
        progress: receives the events.
        cancel: checked before training, at every epoch start and before and after every
            batch.
        lr_every: attach the optimizer's learning rate to a sent ``BatchEnded`` when this
            many batches and ``LR_INTERVAL`` seconds have passed since it was last read,
            and at each epoch's first batch.
        batch_size: rows per batch and ``n_samples`` training rows, so the last, smaller
            batch of an epoch gets its exact loss (see ``BatchLossTracker``).
        n_samples: training rows per epoch.
        min_interval: seconds between two ``BatchEnded`` events other than an epoch's
            first and last; None means ``MIN_EVENT_INTERVAL``, 0 sends every batch.

    Use:
        watcher = ProgressAndCancel("run-1", 10, events.append, CancelToken())
        model.fit(X, y, epochs=10, callbacks=[watcher])
    """

    async_safe = True

    def __init__(self, run_id: str, epochs: int, progress: ProgressFn, cancel: CancelFlag,
                 lr_every: int = 10, batch_size: int | None = None,
                 n_samples: int | None = None, min_interval: float | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.epochs = epochs
        self.progress = progress
        self.cancel = cancel
        self.lr_every = max(1, lr_every)
        self.min_interval = MIN_EVENT_INTERVAL if min_interval is None else min_interval
        self.cancelled = False
        self._acknowledged = False
        self.non_finite = False
        self.history: list[dict[str, float]] = []
        self._tracker = BatchLossTracker(batch_size=batch_size, n_samples=n_samples)
        self._first_loss: float | None = None
        self._learning_rate: float | None = None
        self._sent: set[str] = set()
        self._step = 0
        self._lr_time = -math.inf
        self._begun = 0                 # batches begun in the run
        self._lr_begun = -self.lr_every  # ... when the learning rate was last read
        self._lr_next: tuple[int, float | None] | None = None  # (begin batch, rate)
        self._trainer = None
        self._epoch_batches = 0
        self._last_batch = math.inf  # index of an epoch's last batch, when Keras knows it
        self._last_sent = -math.inf
        self._pending: tuple | None = None  # a BatchEnded's fields, held back
        # Order of batch ends under asynchronous dispatch: begins are recorded in order on
        # the training thread; a batch end waits until every earlier batch was processed.
        self._check_lock = threading.Lock()
        self._turn = threading.Condition()
        self._begins: list[int] = []
        self._epoch_base = 0
        self._served = 0
        self._training_thread = threading.get_ident()

    def _check(self) -> None:
        if self.cancel.is_set():
            with self._check_lock:
                if not self._acknowledged and self._step > 0:
                    # Tell the GUI the stop was seen: the run is being saved, not stuck.
                    # Not before a batch has run: the first one still traces the model
                    # (seconds), so a stop then waits for the GUI's deadline instead.
                    self.progress(StageStarted("stopping", text("stage.stopping")))
                    self._acknowledged = True
                self.cancelled = True
            self._trainer.stop_training = True

    def set_model(self, model):
        super().set_model(model)
        self._trainer = model  # read without a JAX state sync, unlike ``self.model``

    def _read_learning_rate(self) -> float | None:
        """The optimizer's current rate. Training thread only: on JAX ``self.model`` first
        puts the training state back into the variables, so the value is current."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return None
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate))

    def _alert(self, alert) -> None:
        self._sent.add(alert.code)
        self.progress(AlertRaised(self.run_id, alert.code, alert.severity, alert.text))

    def _flush(self) -> None:
        """Send the batch held back, if any."""
        if self._pending is not None:
            self.progress(BatchEnded(*self._pending))
            self._pending = None
            self._last_sent = time.monotonic()

    def on_train_begin(self, logs=None):
        self._training_thread = threading.get_ident()
        self._check()

    def on_epoch_begin(self, epoch, logs=None):
        # Every batch end of the last epoch has been processed (Keras waits for them).
        self._epoch_base += len(self._begins)
        self._begins = []
        self._epoch_batches = 0
        steps = (self.params or {}).get("steps")
        self._last_batch = math.inf if steps is None else steps - 1
        self._check()

    def on_train_batch_begin(self, batch, logs=None):
        first = not self._begins
        self._begins.append(batch)
        self._begun += 1
        # A cancel that arrives while fit() is starting stops after the first batch.
        self._check()
        if self._begun - self._lr_begun < self.lr_every and not first:
            return
        now = time.monotonic()
        if first or (now - self._lr_time >= LR_INTERVAL
                     and now - self._last_sent >= self.min_interval):
            self._learning_rate = self._read_learning_rate()
            self._lr_begun, self._lr_time = self._begun, now
            self._lr_next = (batch, self._learning_rate)  # rides on this batch's event

    def on_train_batch_end(self, batch, logs=None):
        if threading.get_ident() == self._training_thread:  # called in line: in order
            self._batch_end(batch, logs)
            return
        index = bisect.bisect_right(self._begins, batch) - 1
        ticket = None if index < 0 else self._epoch_base + index
        with self._turn:
            if ticket is not None:
                self._turn.wait_for(lambda: self._served >= ticket, timeout=ORDER_TIMEOUT)
            try:
                self._batch_end(batch, logs)
            finally:
                if ticket is not None:
                    self._served = max(self._served, ticket + 1)
                    self._turn.notify_all()

    def _batch_end(self, batch, logs) -> None:
        if self.non_finite:
            # A batch that began before an asynchronous batch end (JAX, PyTorch) saw the
            # loss blow up: the run has already stopped there, so it is not reported.
            return
        self._step += 1
        loss = float((logs or {}).get("loss", math.nan))
        batch_loss, smoothed = self._tracker.update(batch, loss)
        if self._first_loss is None:
            self._first_loss = batch_loss
        first = self._epoch_batches == 0 or batch == 0
        self._epoch_batches += 1
        finite = not blown_up(loss, self._first_loss)
        now = time.monotonic()
        rate = self._lr_next
        if rate is not None and rate[0] <= batch:  # read when this batch began
            self._lr_next = None
        else:
            rate = None
        if (now - self._last_sent >= self.min_interval or first or not finite
                or rate is not None or batch >= self._last_batch):
            learning_rate = None if rate is None else rate[1]
            self._pending = None
            self._last_sent = now
            self.progress(BatchEnded(self.run_id, self._step, loss, batch_loss, smoothed,
                                     learning_rate))
        else:
            self._pending = (self.run_id, self._step, loss, batch_loss, smoothed)
        if not finite:
            self.non_finite = True
            self._trainer.stop_training = True
            if NON_FINITE not in self._sent:
                self._alert(non_finite_alert(self._learning_rate))
        self._check()
        if self._trainer.stop_training:
            self._flush()

    def on_test_batch_end(self, batch, logs=None):
        # After a cancel the validation that fit() still runs stops after one batch
        # (fit's validation obeys stop_evaluating, not stop_training).
        if self.cancelled:
            self._trainer.stop_evaluating = True

    def on_epoch_end(self, epoch, logs=None):
        self._flush()
        clean = {k: float(v) for k, v in (logs or {}).items()}
        self.history.append(clean)
        self.progress(EpochEnded(self.run_id, epoch + 1, self.epochs, clean))
        for alert in check_alerts(self.history, self._sent, initial_loss=self._first_loss,
                                  learning_rate=self._learning_rate):
            self._alert(alert)
            if alert.code == NON_FINITE:  # the dev loss: the run cannot go on either
                self.non_finite = True
                self._trainer.stop_training = True
        self._check()
