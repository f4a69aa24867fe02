"""Metrics of many bootstrap resamples at once, from counts instead of one scikit-learn call
per resample.

A resample is an array of row indices drawn with replacement. The metrics of a final test
depend on a resample's rows only through counts:

* label metrics (accuracy, balanced accuracy, precision, recall, F1 and its macro and
  weighted averages) through the table of (true answer, given answer) pair counts;
* ranking metrics (ROC AUC, average precision) through how many positive and how many
  negative rows of the resample share each distinct score;
* per-row metrics (log loss, top-2 accuracy) are the mean of a value each row has alone.

So every resample of a batch is counted with one ``np.bincount`` and the formulas run on
arrays of counts, (resamples x classes x classes) or (resamples x distinct scores). The
numbers are scikit-learn's on the same resamples, undefined cases included (NaN where a
resample lacks a class that ROC AUC or average precision needs); the tests check every
metric against ``Metric.values`` to 1e-12. Regression metrics and the expected cost keep
their own one-call batch (``Metric.values``); ``resampled_values`` returns None for them.

Example:
    >>> import numpy as np
    >>> from engine.goal.metrics import prepare
    >>> p = prepare(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 0]))
    >>> resampled_values("accuracy", p, np.array([[0, 1, 2, 3], [1, 1, 1, 1]])).tolist()
    [0.75, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np

from engine.goal.metrics import Prepared


class Resamples:
    """A batch of resamples of prepared inputs, with the counts several metrics share
    (the pair table, the positives and negatives per score) made once."""

    def __init__(self, p: Prepared, rows: np.ndarray,
                 groups: list[np.ndarray] | None = None):
        self.p = p
        self.rows = np.atleast_2d(np.asarray(rows, dtype=np.intp))
        self._groups = groups

    @cached_property
    def groups(self) -> list[np.ndarray]:
        return self._groups if self._groups is not None else all_score_groups(self.p)

    @cached_property
    def pairs(self) -> np.ndarray:
        return pair_counts(self.p, self.rows)

    @cached_property
    def positive_scores(self) -> tuple[np.ndarray, np.ndarray]:
        return group_counts(_is_positive(self.p), self.groups[0], self.rows)


Counted = Callable[[Resamples], np.ndarray]


def counts_metric(name: str, p: Prepared) -> bool:
    """Whether metric ``name`` of ``p`` is scored from counts here (it has a counted form
    and, where it needs them, scores)."""
    if name not in _COUNTED or p.labels is None:
        return False
    return name not in _SCORED or p.y_score is not None


def resampled_values(name: str, p: Prepared, rows: np.ndarray) -> np.ndarray | None:
    """Metric ``name`` on each resample (a row of ``rows``, shape (resamples, size)) of the
    prepared inputs ``p``; None when the metric has no counted form here or lacks its
    scores (the caller then asks ``Metric.values``)."""
    if not counts_metric(name, p):
        return None
    return _COUNTED[name](Resamples(p, rows))


def resampled_table(names: Sequence[str], p: Prepared, rows: np.ndarray,
                    groups: list[np.ndarray] | None = None) -> np.ndarray:
    """Several counted metrics (each ``counts_metric``) on each resample, (metrics,
    resamples), sharing the counts between them; ``groups``: ``all_score_groups(p)``,
    made once for every batch of resamples."""
    batch = Resamples(p, rows, groups)
    return np.stack([_COUNTED[name](batch) for name in names])


# --- label metrics: the table of (true, given) pair counts --------------------------------

def pair_counts(p: Prepared, rows: np.ndarray) -> np.ndarray:
    """(resamples, k, k) counts: rows of true answer i given answer j in each resample."""
    k = len(p.labels)
    pairs = p.y_true.astype(np.intp) * k + p.y_pred.astype(np.intp)
    offsets = np.arange(len(rows), dtype=np.intp)[:, None] * (k * k)
    counts = np.bincount((pairs[rows] + offsets).ravel(), minlength=len(rows) * k * k)
    return counts.reshape(len(rows), k, k).astype(float)


def _divide(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top / bottom``, 0 where ``bottom`` is 0 (scikit-learn's ``zero_division=0``)."""
    out = np.zeros(np.broadcast(top, bottom).shape)
    np.divide(top, bottom, out=out, where=bottom != 0)
    return out


def _accuracy(r: Resamples) -> np.ndarray:
    counts = r.pairs
    return np.trace(counts, axis1=1, axis2=2) / counts.sum(axis=(1, 2))


def _balanced_accuracy(r: Resamples) -> np.ndarray:
    """The mean recall over the classes the resample holds (a class only answered, never
    true, has no recall and is left out, as scikit-learn does)."""
    counts = r.pairs
    support = counts.sum(axis=2)
    recall = _divide(np.diagonal(counts, axis1=1, axis2=2), support)
    held = support > 0
    return np.where(held, recall, 0.0).sum(axis=1) / held.sum(axis=1)


def _class_sums(r: Resamples) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per resample and class: right answers, rows truly of it, rows answered as it."""
    counts = r.pairs
    return np.diagonal(counts, axis1=1, axis2=2), counts.sum(axis=2), counts.sum(axis=1)


def _precision(r: Resamples) -> np.ndarray:
    right, _, given = _class_sums(r)
    pos = r.p.positive_label
    return _divide(right[:, pos], given[:, pos])


def _recall(r: Resamples) -> np.ndarray:
    right, true, _ = _class_sums(r)
    pos = r.p.positive_label
    return _divide(right[:, pos], true[:, pos])


def _f1_each(right: np.ndarray, true: np.ndarray, given: np.ndarray) -> np.ndarray:
    """F1 per class, from counts as scikit-learn computes it: 2 tp / (true + given)."""
    return _divide(2 * right, true + given)


def _f1(r: Resamples) -> np.ndarray:
    right, true, given = _class_sums(r)
    pos = r.p.positive_label
    return _f1_each(right[:, pos], true[:, pos], given[:, pos])


def _f1_macro(r: Resamples) -> np.ndarray:
    return _f1_each(*_class_sums(r)).mean(axis=1)


def _f1_weighted(r: Resamples) -> np.ndarray:
    right, true, given = _class_sums(r)
    return _divide((_f1_each(right, true, given) * true).sum(axis=1), true.sum(axis=1))


# --- ranking metrics: positives and negatives per distinct score --------------------------

def score_groups(score: np.ndarray) -> np.ndarray:
    """Each row's rank among the distinct scores (0 = lowest); rows of equal score share it."""
    return np.unique(score, return_inverse=True)[1].ravel()


def all_score_groups(p: Prepared) -> list[np.ndarray]:
    """``score_groups`` of the scores: one array for yes/no scores, one per class column
    otherwise (none without scores)."""
    if p.y_score is None:
        return []
    if p.y_score.ndim == 1:
        return [score_groups(p.y_score)]
    return [score_groups(p.y_score[:, c]) for c in range(p.y_score.shape[1])]


def group_counts(positive: np.ndarray, group: np.ndarray,
                 rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(resamples, distinct scores) counts of positive and of negative rows at each
    distinct score, scores ascending, from the rows' ``score_groups``."""
    width = int(group.max()) + 1 if len(group) else 0
    offsets = np.arange(len(rows), dtype=np.intp)[:, None] * width
    keys = (group[rows] + offsets) * 2 + positive[rows]
    counts = np.bincount(keys.ravel(), minlength=len(rows) * width * 2)
    counts = counts.reshape(len(rows), width, 2)
    return counts[..., 1], counts[..., 0]


def auc_from_counts(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """ROC AUC per resample from ``group_counts``: the chance that a positive row scores
    above a negative one (ties count half); NaN for a resample without positives or
    without negatives."""
    below = np.cumsum(neg, axis=1) - neg
    twice_pairs = (pos * (2 * below + neg)).sum(axis=1)  # exact integers
    n_pos, n_neg = pos.sum(axis=1), neg.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = twice_pairs / (2.0 * n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)


def _is_positive(p: Prepared) -> np.ndarray:
    return (p.y_true == p.positive_label).astype(np.intp)


def _roc_auc(r: Resamples) -> np.ndarray:
    """Binary: one AUC. Several classes: the mean of each class against the rest, NaN when
    a resample lacks a class (scikit-learn refuses those)."""
    p, rows = r.p, r.rows
    if p.y_score.ndim == 1:
        return auc_from_counts(*r.positive_scores)
    if not np.allclose(1, p.y_score.sum(axis=1)):
        return np.full(len(rows), np.nan)  # not probabilities: scikit-learn refuses them
    each = [auc_from_counts(*group_counts((p.y_true == c).astype(np.intp), r.groups[c], rows))
            for c in range(p.y_score.shape[1])]
    return np.mean(np.stack(each, axis=1), axis=1)


def _average_precision(r: Resamples) -> np.ndarray:
    """The precision at each distinct score (highest first), weighted by the recall gained
    there; NaN for a resample without positives or without negatives."""
    pos, neg = r.positive_scores
    pos, neg = pos[:, ::-1], neg[:, ::-1]
    hits, alarms = np.cumsum(pos, axis=1), np.cumsum(neg, axis=1)
    precision = _divide(hits.astype(float), (hits + alarms).astype(float))
    n_pos, n_neg = hits[:, -1], alarms[:, -1]
    recall = _divide(hits.astype(float), n_pos[:, None].astype(float))
    gained = np.diff(recall, axis=1, prepend=0.0)
    return np.where((n_pos > 0) & (n_neg > 0), (gained * precision).sum(axis=1), np.nan)


# --- per-row metrics ----------------------------------------------------------------------

def row_log_loss(p: Prepared) -> np.ndarray:
    """Each row's log loss, with scikit-learn's clipping of probabilities to
    [eps, 1 - eps] (binary scores are P(positive), widened to two columns first)."""
    score = p.y_score
    if score.ndim == 1:
        score = np.stack([1 - score, score], axis=1)
        truth = _is_positive(p)
    else:
        truth = p.y_true.astype(np.intp)
    eps = np.finfo(score.dtype).eps
    chosen = np.clip(score, eps, 1 - eps)[np.arange(len(truth)), truth]
    return -np.log(chosen)


def _log_loss(r: Resamples) -> np.ndarray:
    p, rows = r.p, r.rows
    if np.max(p.y_score, initial=0.0) > 1 or np.min(p.y_score, initial=0.0) < 0:
        return np.full(len(rows), np.nan)  # not probabilities: scikit-learn refuses them
    return row_log_loss(p)[rows].mean(axis=1)


def _top2_accuracy(r: Resamples) -> np.ndarray:
    """Whether the true class is among the two highest scores (ties broken as scikit-learn
    does: the later class of equal scores ranks higher)."""
    p, rows = r.p, r.rows
    if p.y_score.ndim == 1 or p.y_score.shape[1] <= 2:
        return np.full(len(rows), np.nan)
    order = np.argsort(p.y_score, axis=1, kind="mergesort")[:, ::-1][:, :2]
    hits = (order == p.y_true[:, None]).any(axis=1).astype(float)
    return hits[rows].mean(axis=1)


_COUNTED: dict[str, Counted] = {
    "accuracy": _accuracy,
    "balanced_accuracy": _balanced_accuracy,
    "precision": _precision,
    "recall": _recall,
    "f1": _f1,
    "f1_macro": _f1_macro,
    "f1_weighted": _f1_weighted,
    "roc_auc": _roc_auc,
    "average_precision": _average_precision,
    "log_loss": _log_loss,
    "top2_accuracy": _top2_accuracy,
}
_SCORED = ("roc_auc", "average_precision", "log_loss", "top2_accuracy")

COUNTED = tuple(_COUNTED)
"""The metrics scored from counts here."""
