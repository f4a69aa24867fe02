"""The loss of each training batch, recovered from the running mean Keras reports.

Keras' batch-callback ``logs["loss"]`` is the mean loss since the epoch began (weighted by
the number of rows in each batch), not the loss of the batch that just ran. The batch's own
loss follows by differencing two running means:

    loss_k = (N_k * m_k - N_{k-1} * m_{k-1}) / n_k

where ``m_k`` is the running mean after batch ``k`` (1-based), ``n_k`` the rows in batch
``k`` and ``N_k`` the rows seen so far this epoch. With equal batches this is
``k * m_k - (k - 1) * m_{k-1}``. The batch losses are noisy, so an exponential moving
average (bias-corrected, as in Adam) gives the line a person can read.

Example:
    >>> tracker = BatchLossTracker(smoothing=0.5)
    >>> tracker.update(0, 4.0)
    (4.0, 4.0)
    >>> tracker.update(1, 3.0)  # the second batch's loss was 2.0
    (2.0, 2.6666666666666665)
"""

from __future__ import annotations

import math


class BatchLossTracker:
    """Turns Keras' running epoch mean into per-batch losses and their smoothed line.

    Args:
        smoothing: weight of the past in the moving average (0 = no smoothing).
        batch_size: rows per batch; with ``n_samples`` it makes the last, smaller batch
            of an epoch exact. Without them all batches count as equal.
        n_samples: training rows per epoch.
    """

    def __init__(self, smoothing: float = 0.9, batch_size: int | None = None,
                 n_samples: int | None = None) -> None:
        if not 0.0 <= smoothing < 1.0:
            raise ValueError("smoothing must be in [0, 1)")
        self.smoothing = smoothing
        self.batch_size = batch_size if batch_size and n_samples else None
        self.n_samples = n_samples if self.batch_size else None
        self._mean_before = 0.0   # running mean after the last batch fed
        self._last_batch = -1
        self._average = 0.0
        self._count = 0

    def _rows_after(self, batch: int) -> float:
        """Rows seen this epoch once batch ``batch`` (0-based) has run."""
        if self.batch_size is None:
            return float(batch + 1)
        return float(min((batch + 1) * self.batch_size, self.n_samples))

    def update(self, batch: int, running_mean: float) -> tuple[float, float]:
        """Feed the ``batch``-th (0-based, within the epoch) running mean.

        Args:
            batch: the batch index Keras passes to ``on_train_batch_end``; 0 starts an epoch.
            running_mean: ``logs["loss"]`` of that batch.

        Returns:
            ``(batch_loss, smoothed)``: this batch's own loss and the moving average. A
            loss that is not finite is returned as is and leaves the average untouched.
        """
        if batch == 0 or batch <= self._last_batch:  # a new epoch began
            rows_before, mean_before = 0.0, 0.0
        else:  # differencing from the last batch fed also covers a batch never fed
            rows_before, mean_before = self._rows_after(self._last_batch), self._mean_before
        rows = self._rows_after(batch)
        if rows > rows_before:
            batch_loss = (rows * running_mean - rows_before * mean_before) / (rows - rows_before)
        else:  # more batches than ``n_samples`` allows: the sizes given were wrong
            batch_loss = running_mean
        self._mean_before, self._last_batch = running_mean, batch
        if math.isfinite(batch_loss):
            self._count += 1
            self._average = self.smoothing * self._average + (1 - self.smoothing) * batch_loss
        return batch_loss, self.smoothed

    @property
    def smoothed(self) -> float:
        """The bias-corrected moving average so far (NaN before any finite loss)."""
        if self._count == 0:
            return math.nan
        return self._average / (1 - self.smoothing ** self._count)
