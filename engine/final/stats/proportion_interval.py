"""Wilson intervals for the metrics that are plain proportions of the test rows.

Accuracy is the share of rows answered right; recall the share of the positive rows
found; precision the share of positive answers that were right; top-2 accuracy the share
of rows whose class is among the two most likely. For such a count ``k`` out of ``n`` the
Wilson score interval (``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``)
holds its confidence level well even on small sets and near 0 or 1, without resampling.
The counts come from scikit-learn (the same calls as the metrics, unnormalised), so ``k / n``
is the metric's value exactly. Other metrics keep their bootstrap interval
(``engine.final.stats.bootstrap``).

Example:
    >>> wilson_interval(160, 200).low
    0.739...
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from sklearn import metrics as skm

from engine.final.stats.bootstrap import Interval
from engine.goal.metrics import Prepared, prepare

PROPORTIONS = ("accuracy", "precision", "recall", "top2_accuracy")
"""The metrics whose value is a count of rows divided by a count of rows."""
WILSON = "Wilson"


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> Interval:
    """The Wilson interval of ``k`` successes out of ``n`` (undefined when ``n`` is 0)."""
    if n <= 0:
        return Interval(math.nan, math.nan, math.nan, confidence, "undefined")
    ci = stats.binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence,
                                                       method="wilson")
    return Interval(k / n, float(ci.low), float(ci.high), confidence, WILSON)


def proportion_counts(name: str, p: Prepared) -> tuple[int, int] | None:
    """``(k, n)`` with ``k / n`` equal to metric ``name`` on prepared inputs, or None when
    the metric is not a proportion (or cannot be computed here)."""
    if name == "accuracy":
        return int(skm.accuracy_score(p.y_true, p.y_pred, normalize=False)), len(p.y_true)
    if name in ("precision", "recall"):
        positive_true = p.y_true == p.positive_label
        positive_pred = p.y_pred == p.positive_label
        tn, fp, fn, tp = skm.confusion_matrix(positive_true, positive_pred,
                                              labels=[False, True]).ravel()
        return (int(tp), int(tp + fp)) if name == "precision" else (int(tp), int(tp + fn))
    if name == "top2_accuracy" and p.y_score is not None and np.ndim(p.y_score) == 2:
        hits = skm.top_k_accuracy_score(p.y_true, p.y_score, k=2, labels=p.labels,
                                        normalize=False)
        return int(round(hits)), len(p.y_true)
    return None


def proportion_intervals(task: str, y_true, y_pred, y_score=None, labels=None,
                         positive_label=None, names=None,
                         confidence: float = 0.95) -> dict[str, Interval]:
    """Wilson intervals of the proportion metrics among ``names`` (default: all of them
    that apply to a classification ``task``); regression has none."""
    if task == "regression":
        return {}
    p = prepare(y_true, y_pred, y_score, labels, positive_label)
    wanted = PROPORTIONS if names is None else [n for n in names if n in PROPORTIONS]
    out = {}
    for name in wanted:
        if name in ("precision", "recall") and task != "binary":
            continue
        if name == "top2_accuracy" and task != "multiclass":
            continue
        counts = proportion_counts(name, p)
        if counts is not None:
            out[name] = wilson_interval(*counts, confidence=confidence)
    return out
