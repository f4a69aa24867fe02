"""How far a model's stated confidence is from how often it is right.

The confidence of an answer is the probability the model gives its most likely class. The
rows are put in ``BINS`` equal-width bins of confidence (0-10%, 10-20%, ... 90-100%); in
each bin the mean confidence is compared with the share of answers that were right. The
expected calibration error (ECE) is the average gap, each bin weighted by its share of the
rows: 0 when "80% sure" means right 80% of the time, in every bin.

Example:
    >>> import numpy as np
    >>> scores = np.array([[0.9, 0.1], [0.9, 0.1], [0.2, 0.8], [0.2, 0.8]])
    >>> y = np.array([0, 1, 1, 1])          # right 1 of 2 at 90%, 2 of 2 at 80%
    >>> round(expected_calibration_error(scores, y), 3)
    0.3
    >>> reliability_bins(scores, y)
    ((0.8, 1.0, 2), (0.9, 0.5, 2))
"""

from __future__ import annotations

import numpy as np

BINS = 10
_EPS = 1e-12


def _confidence_and_right(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=int)
    return scores.max(axis=1), (scores.argmax(axis=1) == y).astype(float)


def _bin_of(confidence: np.ndarray, bins: int) -> np.ndarray:
    # Equal-width bins over [0, 1]; a confidence of exactly 1 falls in the last one.
    return np.minimum((confidence * bins).astype(int), bins - 1)


def reliability_bins(scores: np.ndarray, y: np.ndarray,
                     bins: int = BINS) -> tuple[tuple[float, float, int], ...]:
    """The non-empty bins as ``(mean confidence, share right, rows)``, lowest first.

    ``scores``: class probabilities (n, C); ``y``: the true class of each row as a column
    number.
    """
    confidence, right = _confidence_and_right(scores, y)
    which = _bin_of(confidence, bins)
    out = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            out.append((round(float(confidence[inside].mean()), 6),
                        round(float(right[inside].mean()), 6), int(inside.sum())))
    return tuple(out)


def expected_calibration_error(scores: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    """The rows-weighted mean gap between confidence and share right over ``bins`` bins."""
    rows = reliability_bins(scores, y, bins)
    total = sum(n for _, _, n in rows)
    if not total:
        return float("nan")
    return float(sum(n * abs(conf - right) for conf, right, n in rows) / total)


def log_loss(scores: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-probability of the true class (probabilities clipped away from 0).

    Example:
        >>> round(log_loss(np.array([[0.5, 0.5]]), np.array([0])), 4)
        0.6931
    """
    scores = np.asarray(scores, dtype=float)
    picked = scores[np.arange(len(scores)), np.asarray(y, dtype=int)]
    return float(-np.mean(np.log(np.clip(picked, _EPS, 1.0))))
