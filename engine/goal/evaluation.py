"""Turn model scores into predictions and score them with the metric registry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.goal.metrics import compute_all, error_of
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class Predictions:
    """What a model said about some rows, in the form the metrics expect.

    ``y_score`` is P(positive) for binary tasks, the (n, C) probabilities for multiclass,
    and None for regression.
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None
    proba: np.ndarray | None


def to_predictions(goal: Goal, y_true: pd.Series, scores: np.ndarray) -> Predictions:
    """Predictions from raw model ``scores`` (see ``Predictor.scores``)."""
    task = goal.task
    if task == "regression":
        return Predictions(y_true.to_numpy(dtype=float), np.asarray(scores, dtype=float),
                           None, None)
    labels = np.array(goal.labels, dtype=object)
    y_pred = labels[np.argmax(scores, axis=1)]
    if task == "binary":
        pos = goal.labels.index(goal.positive_label)
        y_score = scores[:, pos]
    else:
        y_score = scores
    return Predictions(y_true.to_numpy(dtype=object), y_pred, y_score, scores)


def score(goal: Goal, p: Predictions) -> dict[str, float]:
    """Every metric of the task on these predictions (NaN where undefined); with the goal's
    cost table, the expected cost per example (``expected_cost``) too."""
    return compute_all(goal.task, p.y_true, p.y_pred, p.y_score,
                       labels=goal.labels or None,
                       positive_label=goal.positive_label,
                       costs=goal.costs if goal.is_classification else None)


def optimizing_error(goal: Goal, metrics: dict[str, float]) -> float:
    """The optimizing metric as an error (lower is better), for the error ladder."""
    return float(error_of(goal.metric, metrics[goal.metric]))
