"""The reject option: a classifier may refuse to answer when it is unsure.

The model answers a row only when its confidence (the probability of the class it predicts)
reaches a threshold. A higher threshold answers fewer rows (lower *coverage*) and, usually,
gets more of them right. ``coverage_curve`` traces that trade-off on labelled rows,
``choose_threshold`` picks the threshold that keeps the most rows while the answered ones are
right at least as often as the user asked, and ``abstain_mask`` applies a threshold to new
scores (the Predict step uses it).

Use:
    curve = coverage_curve(confidence, correct)
    choice = choose_threshold(curve, target_accuracy=0.95)
    abstain_mask(new_scores, choice.threshold)   # True where the model refuses
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

from engine.project.parts.test_curves import RejectChoice


@dataclass(frozen=True)
class CoverageCurve:
    """Accuracy on the answered rows for each confidence threshold, highest threshold first.

    ``coverage[i]`` is the share of rows whose confidence is at least ``threshold[i]`` and
    ``accuracy[i]`` the share of those rows that are right; ``answered[i]`` counts them.
    """

    threshold: np.ndarray
    coverage: np.ndarray
    accuracy: np.ndarray
    answered: np.ndarray
    rows: int


def confidence_of(scores: np.ndarray) -> np.ndarray:
    """The probability of the predicted class for each row.

    ``scores`` is the (n, C) class probabilities, or a 1-D array of P(positive) for a binary
    task (then the confidence is ``max(p, 1 - p)``).
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        return np.maximum(scores, 1.0 - scores)
    return scores.max(axis=1)


def abstain_mask(scores: np.ndarray, threshold: float | None) -> np.ndarray:
    """True for the rows the model refuses to answer (confidence below ``threshold``).

    With ``threshold`` None the model answers every row.
    """
    confidence = confidence_of(scores)
    if threshold is None:
        return np.zeros(len(confidence), dtype=bool)
    return confidence < float(threshold)


def coverage_curve(confidence: np.ndarray, correct: np.ndarray) -> CoverageCurve:
    """Coverage and accuracy for every distinct confidence used as a threshold.

    A threshold ``t`` answers the rows with confidence >= ``t``, so rows of equal confidence
    are answered or refused together.
    """
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=bool)
    n = len(confidence)
    if n == 0:
        empty = np.zeros(0)
        return CoverageCurve(empty, empty, empty, np.zeros(0, dtype=int), 0)
    order = np.argsort(-confidence, kind="stable")
    sorted_conf = confidence[order]
    right_so_far = np.cumsum(correct[order])
    # the last row of each group of equal confidence closes that threshold
    last = np.flatnonzero(np.r_[sorted_conf[1:] != sorted_conf[:-1], True])
    answered = last + 1
    return CoverageCurve(threshold=sorted_conf[last], coverage=answered / n,
                         accuracy=right_so_far[last] / answered, answered=answered, rows=n)


def choose_threshold(curve: CoverageCurve, target_accuracy: float) -> RejectChoice | None:
    """The lowest threshold (most rows answered) whose answered rows reach
    ``target_accuracy``; None when no threshold reaches it."""
    reached = np.flatnonzero(curve.accuracy >= target_accuracy)
    if not len(reached):
        return None
    return _choice(curve, int(reached[-1]), target_accuracy)


def at_threshold(curve: CoverageCurve, threshold: float,
                 target_accuracy: float) -> RejectChoice | None:
    """What a threshold chosen elsewhere (on the dev rows, say) gives on these rows; None
    when it answers none of them."""
    kept = np.flatnonzero(curve.threshold >= threshold)
    if not len(kept):
        return None
    choice = _choice(curve, int(kept[-1]), target_accuracy)
    return RejectChoice(**{**choice.to_dict(), "threshold": float(threshold)})


def _choice(curve: CoverageCurve, i: int, target_accuracy: float) -> RejectChoice:
    answered = int(curve.answered[i])
    right = int(round(curve.accuracy[i] * answered))
    interval = binomtest(right, answered).proportion_ci(0.95, method="wilson")
    return RejectChoice(threshold=float(curve.threshold[i]), coverage=float(curve.coverage[i]),
                        accuracy=float(curve.accuracy[i]), answered=answered, rows=curve.rows,
                        target_accuracy=float(target_accuracy),
                        low=float(interval.low), high=float(interval.high))
