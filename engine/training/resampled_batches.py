"""Batches with balanced classes, drawn again every epoch (over- or undersampling).

``ResampledBatches`` is a ``keras.utils.PyDataset``: ``model.fit`` asks it for batches by
number, and calls ``on_epoch_end`` after every epoch, where a new epoch's rows are drawn.

- ``"oversample"``: every row is used once and each smaller class is topped up with rows
  drawn again at random (with replacement) until it has as many rows as the largest.
- ``"undersample"``: every class is cut down to the size of the smallest one, keeping a
  fresh random subset of each larger class every epoch, so over the epochs the model still
  sees most of their rows. The smallest class is used whole.

The rows of an epoch depend only on ``seed`` and the epoch number, so a resumed run
(``start_epoch``) draws the same rows as an uninterrupted one.

Use:
    batches = ResampledBatches(X, y, batch_size=32, strategy="undersample", seed=0)
    model.fit(batches, validation_data=(X_dev, y_dev), epochs=10)
"""

from __future__ import annotations

import math

import keras
import numpy as np

from engine.core.errors import DataError
from engine.training.imbalance import class_indices
from engine.core.texts import text

RESAMPLING = ("oversample", "undersample")


def resampled_indices(labels: np.ndarray, strategy: str, rng: np.random.Generator
                      ) -> np.ndarray:
    """One epoch's row indices with the same number of rows in every present class.

    Args:
        labels: flat class index of every row.
        strategy: ``"oversample"`` or ``"undersample"`` (see the module text).
        rng: where the random draws come from.

    Returns:
        The indices, shuffled.

    Use:
        resampled_indices(np.array([0, 0, 0, 1]), "oversample",
                          np.random.default_rng(0)).size
    """
    groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
    sizes = [len(g) for g in groups]
    parts = []
    if strategy == "oversample":
        target = max(sizes)
        for rows in groups:
            parts.append(rows)
            if len(rows) < target:
                parts.append(rng.choice(rows, target - len(rows), replace=True))
    else:
        target = min(sizes)
        for rows in groups:
            parts.append(rows if len(rows) == target
                         else rng.choice(rows, target, replace=False))
    return rng.permutation(np.concatenate(parts))


class ResampledBatches(keras.utils.PyDataset):
    """Training batches in which every class has the same number of rows per epoch.

    Args:
        X: the inputs, a numpy array of any rank with one row per example.
        y: the class index of every row (``(n,)`` or ``(n, 1)``); returned as given,
            except 64-bit integers come back as int32 (JAX has no int64 by default and
            warns that it truncates them; class indices always fit).
        batch_size: rows per batch (the last batch of an epoch may be smaller).
        strategy: ``"oversample"`` or ``"undersample"``.
        seed: the rows of epoch ``e`` are drawn from ``default_rng([seed, e])``.
        start_epoch: the first epoch's number; pass ``initial_epoch`` when resuming.
        **kwargs: passed on to ``PyDataset`` (``workers``, ``use_multiprocessing``,
            ``max_queue_size``; the defaults load batches in the training thread).

    Raises:
        DataError: ``X`` and ``y`` differ in length, ``y`` is not class indices or has a
            single class (nothing to balance).

    Use:
        batches = ResampledBatches(X, y, 64, "oversample", seed=1)
        model.fit(batches, validation_data=(X_dev, y_dev), epochs=5)
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int = 32,
                 strategy: str = "oversample", seed: int = 0, start_epoch: int = 0,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if strategy not in RESAMPLING:
            raise ValueError(f"strategy must be one of {RESAMPLING}, not {strategy!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        self.X = np.asarray(X)
        self.y = np.asarray(y)
        if self.y.dtype.kind in "iu" and self.y.dtype.itemsize > 4:
            self.y = self.y.astype(np.int32)
        if len(self.X) != len(self.y):
            raise DataError(text("imbalance.length_mismatch", rows=len(self.X),
                                 labels=len(self.y)))
        self._labels = class_indices(self.y)
        if len(np.unique(self._labels)) < 2:
            raise DataError(text("imbalance.one_class"))
        self.batch_size = int(batch_size)
        self.strategy = strategy
        self.seed = int(seed)
        self.epoch = int(start_epoch)
        self._in_use = False
        self._served: set[int] = set()
        self._indices = self._draw()

    def _draw(self) -> np.ndarray:
        rng = np.random.default_rng([self.seed, self.epoch])
        return resampled_indices(self._labels, self.strategy, rng)

    def epoch_indices(self) -> np.ndarray:
        """The row indices of the current epoch, in the order the batches use them.

        Returns:
            A copy of the indices (changing it changes nothing here).

        Use:
            np.bincount(y[batches.epoch_indices()])   # the same count for every class
        """
        return self._indices.copy()

    def __len__(self) -> int:
        """Batches per epoch.

        Returns:
            ``ceil(rows this epoch / batch_size)``.
        """
        return math.ceil(len(self._indices) / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch ``index`` of the current epoch.

        Args:
            index: ``0 .. len(self) - 1``.

        Returns:
            ``(X rows, y rows)`` of that batch.
        """
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} out of range 0..{len(self) - 1}")
        rows = self._indices[index * self.batch_size:(index + 1) * self.batch_size]
        if self._in_use:
            self._served.add(index)
        return self.X[rows], self.y[rows]

    def on_epoch_begin(self) -> None:
        """Note that an epoch uses the current rows (Keras calls it before each epoch)."""
        self._in_use = True
        self._served = set()

    def on_epoch_end(self) -> None:
        """Move on to the next epoch and draw its rows (Keras calls it after each epoch).

        The rows move on only after an epoch has begun with them, and not after one that
        asked for some of its batches but not all, so epoch ``e`` of a fit always uses the
        rows of ``e``: ``fit`` on TensorFlow calls this once before the first epoch, and on
        JAX it begins and ends an "epoch" in which it only peeks at the first batch to build
        the model.
        """
        partial = 0 < len(self._served) < len(self)
        complete = self._in_use and not partial
        self._in_use = False
        self._served = set()
        if not complete:
            return
        self.epoch += 1
        self._indices = self._draw()
