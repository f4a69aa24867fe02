"""The goal's optimizing metric on training and dev rows at the end of every epoch.

Keras only knows the loss; the user judges a model by the metric chosen in the Goal step
(F1, R2 ...). ``EpochMetric`` scores both splits with that metric after each epoch and
writes it into the epoch logs as ``metric`` and ``val_metric``, so the history, the
``EpochEnded`` events and the live monitor carry it. To stay cheap each split is scored on
at most ``MAX_ROWS`` rows drawn once with a fixed seed. The number itself comes from the
metric registry (scikit-learn), on the same predictions the run is judged by afterwards.

Use:
    scorer = EpochMetric.for_goal(goal, prep, X, y)   # X, y: {"train": ..., "dev": ...}
    model.fit(X["train"], y["train"], callbacks=[scorer, ...])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from engine.goal.evaluation import to_predictions
from engine.goal.metrics import compute
from engine.kinds.preprocess import Preprocessor
from engine.project.parts.goal import Goal

MAX_ROWS = 2000
SEED = 0

MetricFn = Callable[[np.ndarray], float]  # model outputs on the rows -> metric value


def subsample(n_rows: int, max_rows: int = MAX_ROWS, seed: int = SEED) -> np.ndarray:
    """Sorted indices of at most ``max_rows`` of ``n_rows`` rows, the same for a seed."""
    if n_rows <= max_rows:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, max_rows, replace=False))


@dataclass(frozen=True)
class ScoredRows:
    """Rows scored at every epoch end: model inputs and the metric of model outputs."""

    X: np.ndarray
    metric_of: MetricFn


def goal_metric(goal: Goal, y_true, decode: Callable[[np.ndarray], np.ndarray] | None = None
                ) -> MetricFn:
    """A function from model outputs on some rows to the goal's optimizing metric there.

    Args:
        goal: the project's goal (``task``, ``metric``, ``labels``, ``positive_label``).
        y_true: the true targets of those rows, as the user knows them (labels or values).
        decode: turns raw model outputs into scores (regression: back to target units).

    Returns:
        ``metric_of(outputs) -> float``; NaN when the outputs are not finite numbers.
    """
    truth = pd.Series(np.asarray(y_true, dtype=float if goal.task == "regression"
                                 else object))
    labels = goal.labels or None

    def metric_of(outputs: np.ndarray) -> float:
        scores = decode(outputs) if decode is not None else outputs
        if not np.all(np.isfinite(scores)):
            return math.nan
        p = to_predictions(goal, truth, scores)
        return compute(goal.metric, p.y_true, p.y_pred, p.y_score, labels=labels,
                       positive_label=goal.positive_label, costs=goal.costs)

    return metric_of


class EpochMetric(keras.callbacks.Callback):
    """Write the optimizing metric of the training and dev rows into the epoch logs.

    Place it before callbacks that read the logs (progress events, history).

    Args:
        train: the training rows to score (``logs["metric"]``).
        dev: the dev rows to score (``logs["val_metric"]``).
        batch_size: rows per forward pass (``MAX_ROWS`` rows go in one pass by default).
    """

    def __init__(self, train: ScoredRows, dev: ScoredRows, batch_size: int = MAX_ROWS) -> None:
        super().__init__()
        self.rows = {"metric": train, "val_metric": dev}
        self.batch_size = batch_size

    @classmethod
    def for_goal(cls, goal: Goal, prep: Preprocessor, X: dict, y: dict,
                 max_rows: int = MAX_ROWS, seed: int = SEED) -> "EpochMetric":
        """The callback for a project's goal, from encoded inputs and targets per split.

        Args:
            goal: the project's goal.
            prep: the fitted preprocessor (class order, regression scale).
            X: model inputs with ``"train"`` and ``"dev"`` entries.
            y: encoded targets (class indices or standardized values), same keys.
        """
        decode = None
        if goal.task == "regression":
            def decode(outputs):
                return prep.decode_regression(np.asarray(outputs).reshape(-1))
        names = np.asarray(prep.target.labels, dtype=object)

        def rows(split: str) -> ScoredRows:
            keep = subsample(len(X[split]), max_rows, seed)
            codes = np.asarray(y[split])[keep]
            truth = prep.decode_regression(codes) if decode else names[codes]
            return ScoredRows(np.asarray(X[split])[keep], goal_metric(goal, truth, decode))

        return cls(rows("train"), rows("dev"))

    def _outputs(self, X: np.ndarray) -> np.ndarray:
        # predict_on_batch runs the compiled inference step: about 5x cheaper than an eager
        # call here, and fit's later predict() reuses the same compiled function.
        parts = [self.model.predict_on_batch(X[i:i + self.batch_size])
                 for i in range(0, len(X), self.batch_size)]
        return np.concatenate([keras.ops.convert_to_numpy(part) for part in parts]
                              ).astype(float)

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key, scored in self.rows.items():
            if len(scored.X):
                logs[key] = float(scored.metric_of(self._outputs(scored.X)))
