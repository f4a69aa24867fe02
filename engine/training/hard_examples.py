"""Hard examples: after every epoch, the training rows the model gets most wrong count more.

With strength ``s`` (``TrainParams.hard_examples``, 0 = off, up to 1), the weight of training
row ``i`` for the next epoch is ``1 - s + s * loss_i / mean(loss)``: at ``s = 1`` a row counts
in proportion to its current loss, at ``s = 0.5`` half way between that and 1. Weights are
capped at ``MAX_WEIGHT`` (one row must not drown all others) and scaled back to a mean of 1,
so the loss keeps its usual scale and the learning rate still fits. The first epoch uses
weight 1 everywhere: an untrained model's losses say nothing.

The losses are recomputed from the current model on the training rows only (``model.predict``
in numpy, so any Keras backend works); the dev rows are never weighted or looked at here.
A wrong label is a row the model keeps getting "wrong", so this also amplifies label errors:
check the labels first (``engine.diagnosis.hard_examples_check``).

Use:
    feed = HardExampleBatches(X, y, batch_size=32, seed=0)
    model.fit(feed, epochs=10, callbacks=[HardExampleMining(feed, strength=0.8,
                                                            task="binary")])
"""

from __future__ import annotations

import math

import keras
import numpy as np

from engine.training.resampled_batches import RESAMPLING, resampled_indices
from engine.training.imbalance import class_indices

MAX_WEIGHT = 10.0   # no row counts more than ten average rows
EPSILON = 1e-7      # as Keras clips probabilities in its cross-entropy
PREDICT_BATCH = 256


def per_row_loss(predicted: np.ndarray, y: np.ndarray, task: str) -> np.ndarray:
    """Each row's training loss: cross-entropy for classes, squared error for numbers.

    Args:
        predicted: the model's output, class probabilities ``(n, C)`` or numbers ``(n, ...)``.
        y: class indices ``(n,)``/``(n, 1)``, or the target numbers.
        task: ``binary``, ``multiclass`` or ``regression``.

    Example:
        >>> per_row_loss(np.array([[0.9, 0.1], [0.5, 0.5]]), np.array([0, 1]), "binary").round(3)
        array([0.105, 0.693])
    """
    predicted = np.asarray(predicted, dtype=np.float64)
    n = len(predicted)
    if task == "regression":
        diff = predicted.reshape(n, -1) - np.asarray(y, dtype=np.float64).reshape(n, -1)
        return np.mean(diff ** 2, axis=1)
    labels = class_indices(y)
    p = np.clip(predicted.reshape(n, -1)[np.arange(n), labels], EPSILON, 1.0)
    return -np.log(p)


def hard_weights(losses: np.ndarray, strength: float, cap: float = MAX_WEIGHT) -> np.ndarray:
    """Row weights with mean 1 that grow with each row's loss (see the module text).

    Args:
        losses: each training row's current loss.
        strength: 0 (all weights 1) to 1 (weights in proportion to the loss).
        cap: the largest weight a row may get, in average rows.

    Example:
        >>> hard_weights(np.array([1.0, 1.0, 1.0, 5.0]), 1.0).round(3)
        array([0.5, 0.5, 0.5, 2.5])
    """
    losses = np.asarray(losses, dtype=np.float64)
    n = len(losses)
    if n == 0 or strength <= 0:
        return np.ones(n)
    finite = np.where(np.isfinite(losses), losses, np.nan)
    mean = float(np.nanmean(finite)) if np.isfinite(finite).any() else 0.0
    if not math.isfinite(mean) or mean <= 0:
        return np.ones(n)  # nothing wrong anywhere (or nothing usable): all rows alike
    relative = np.nan_to_num(finite / mean, nan=cap, posinf=cap)
    weights = (1.0 - strength) + strength * relative
    for _ in range(20):  # capping lowers the mean; scale back up and cap again
        weights = np.minimum(weights / weights.mean(), cap)
        if abs(weights.mean() - 1.0) < 1e-9:
            break
    return weights


class HardExampleBatches(keras.utils.PyDataset):
    """Training batches ``(x, y, sample_weight)`` whose weights ``HardExampleMining`` sets.

    Args:
        X, y: the training rows only.
        batch_size: rows per batch.
        seed: the rows of epoch ``e`` are shuffled by ``default_rng([seed, e])``.
        start_epoch: the first epoch's number (``initial_epoch`` when resuming).
        strategy: ``""``, or ``"oversample"``/``"undersample"`` to balance classes too
            (``engine.training.resampled_batches``).
        base_weights: a weight per row that always applies too (class weights), or None.

    ``weights`` holds the current hard-example weight of every training row (mean 1).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int = 32, seed: int = 0,
                 start_epoch: int = 0, strategy: str = "",
                 base_weights: np.ndarray | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if strategy and strategy not in RESAMPLING:
            raise ValueError(f"strategy must be empty or one of {RESAMPLING}, not {strategy!r}")
        self.X = np.asarray(X)
        self.y = np.asarray(y)
        if len(self.X) != len(self.y):
            raise ValueError(f"{len(self.X)} rows but {len(self.y)} targets")
        self.batch_size = max(1, int(batch_size))
        self.seed, self.epoch, self.strategy = int(seed), int(start_epoch), strategy
        self._labels = class_indices(self.y) if strategy else None
        self.base = (np.ones(len(self.X)) if base_weights is None
                     else np.asarray(base_weights, dtype=np.float64))
        self.weights = np.ones(len(self.X))
        self._in_use = False
        self._indices = self._draw()

    def _draw(self) -> np.ndarray:
        rng = np.random.default_rng([self.seed, self.epoch])
        if self.strategy:
            return resampled_indices(self._labels, self.strategy, rng)
        return rng.permutation(len(self.X))

    def __len__(self) -> int:
        return math.ceil(len(self._indices) / self.batch_size)

    def __getitem__(self, index: int):
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} out of range 0..{len(self) - 1}")
        rows = self._indices[index * self.batch_size:(index + 1) * self.batch_size]
        weight = (self.weights[rows] * self.base[rows]).astype("float32")
        return self.X[rows], self.y[rows], weight

    def on_epoch_begin(self) -> None:
        self._in_use = True

    def on_epoch_end(self) -> None:
        """Shuffle the next epoch's rows (Keras also calls it once before the first epoch)."""
        if not self._in_use:
            return
        self._in_use = False
        self.epoch += 1
        self._indices = self._draw()


class HardExampleMining(keras.callbacks.Callback):
    """Before every epoch but the first, weigh the training rows of ``feed`` by their loss
    under the current model (``hard_weights``).

    ``history`` keeps, per reweighting, the epoch, the largest weight and the share of all
    weight the hardest tenth of the rows carry (a tenth of it when all rows count alike).
    """

    def __init__(self, feed: HardExampleBatches, strength: float, task: str) -> None:
        super().__init__()
        self.feed, self.strength, self.task = feed, float(strength), task
        self.history: list[dict[str, float]] = []

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        if epoch == 0 or self.strength <= 0:
            return
        predicted = self.model.predict(self.feed.X, batch_size=PREDICT_BATCH, verbose=0)
        weights = hard_weights(per_row_loss(predicted, self.feed.y, self.task), self.strength)
        self.feed.weights = weights
        top = max(1, len(weights) // 10)
        self.history.append({"epoch": epoch + 1, "max_weight": float(weights.max()),
                             "top_tenth_share": float(np.sort(weights)[-top:].sum()
                                                      / weights.sum())})

    def summary(self) -> dict[str, float]:
        """The last reweighting's figures, for the run's settings (empty before any)."""
        if not self.history:
            return {}
        last = self.history[-1]
        return {"hard_examples_max_weight": round(last["max_weight"], 3),
                "hard_examples_top_tenth_share": round(last["top_tenth_share"], 3)}
