"""The dev curve of a yes/no model: what each decision threshold would give on the dev rows.

For every candidate threshold ``t`` (each distinct P(yes) of a dev row) the model answers
"yes" where P(yes) >= ``t``; the curve holds, at each ``t``, the precision, the recall, the
project's optimizing metric (when it depends on the answers rather than on the scores alone:
accuracy, balanced accuracy, F1 and its averages, precision, recall) and, when the goal has
a cost table, the expected cost per example. Everything is counted from the four cells of
the confusion matrix at each threshold (sorted scores and cumulative sums), so a curve over
every distinct score of many thousand rows takes milliseconds and gives the very numbers
scikit-learn gives (``tests/engine/decision`` checks it); a figure that is undefined at a
threshold (precision when nothing is answered "yes") is NaN.

Use:
    counts = threshold_counts(y_true == "yes", p_yes)
    figures_at(counts, "recall")          # one value per candidate threshold
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.project.parts.goal import CostTable

# The figures that follow from the four counts (what a threshold can change).
COUNTED = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "f1_macro",
           "f1_weighted")
EXPECTED_COST = "expected_cost"
MAX_POINTS = 300   # points kept for the drawn curve (the choice uses every candidate)


@dataclass(frozen=True)
class Counts:
    """The confusion counts at each candidate threshold (ascending thresholds)."""

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.tp[0] + self.fp[0] + self.fn[0] + self.tn[0]) if len(self.tp) else 0


def threshold_counts(positive: np.ndarray, p_yes: np.ndarray,
                     thresholds: np.ndarray | None = None) -> Counts:
    """Counts at ``thresholds`` (default: every distinct value of ``p_yes``), the answer
    being "yes" where ``p_yes >= t``; ``positive`` is True where the truth is "yes"."""
    positive = np.asarray(positive, dtype=bool)
    p = np.asarray(p_yes, dtype=float)
    t = np.unique(p) if thresholds is None else np.asarray(thresholds, dtype=float)
    pos_sorted, neg_sorted = np.sort(p[positive]), np.sort(p[~positive])
    n_pos, n_neg = len(pos_sorted), len(neg_sorted)
    tp = n_pos - np.searchsorted(pos_sorted, t, side="left")
    fp = n_neg - np.searchsorted(neg_sorted, t, side="left")
    return Counts(t, tp.astype(float), fp.astype(float), (n_pos - tp).astype(float),
                  (n_neg - fp).astype(float))


def figures_at(c: Counts, name: str, costs: CostTable | None = None,
               labels: tuple[str, str] = ("no", "yes")) -> np.ndarray:
    """Figure ``name`` (one of ``COUNTED`` or ``expected_cost``) at each threshold; NaN
    where undefined. ``labels`` are (negative, positive) as the cost table names them."""
    with np.errstate(divide="ignore", invalid="ignore"):
        n = c.tp + c.fp + c.fn + c.tn
        precision = np.where(c.tp + c.fp > 0, c.tp / (c.tp + c.fp), np.nan)
        recall = np.where(c.tp + c.fn > 0, c.tp / (c.tp + c.fn), np.nan)
        f1_pos = _f1(c.tp, c.fp, c.fn)
        f1_neg = _f1(c.tn, c.fn, c.fp)
        if name == "accuracy":
            return (c.tp + c.tn) / n
        if name == "balanced_accuracy":
            specificity = np.where(c.tn + c.fp > 0, c.tn / (c.tn + c.fp), np.nan)
            return (recall + specificity) / 2
        if name == "precision":
            return precision
        if name == "recall":
            return recall
        if name == "f1":
            return f1_pos
        if name == "f1_macro":
            return (f1_pos + f1_neg) / 2
        if name == "f1_weighted":
            return (f1_pos * (c.tp + c.fn) + f1_neg * (c.tn + c.fp)) / n
        if name == EXPECTED_COST and costs is not None:
            neg, pos = (costs.labels.index(str(v)) for v in labels)
            m = np.asarray(costs.matrix, dtype=float)
            return (c.tp * m[pos, pos] + c.fn * m[pos, neg] + c.fp * m[neg, pos]
                    + c.tn * m[neg, neg]) / n
    return np.full(len(c.thresholds), np.nan)


def counted(name: str, costs: CostTable | None = None) -> bool:
    """Whether figure ``name`` depends on the threshold and follows from the counts."""
    return name in COUNTED or (name == EXPECTED_COST and costs is not None)


def _f1(tp, fp, fn):
    return np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)


@dataclass(frozen=True)
class ThresholdCurve:
    """What each threshold gives on the dev rows of ``run`` (thinned to ``MAX_POINTS``).

    ``metric`` is the optimizing metric (``values``: its value at each threshold; empty when
    it does not depend on the threshold), ``costs`` the expected cost per example (empty
    without a cost table, ``cost_unit`` its unit), ``calibration`` the calibration the scores
    went through first ("" for none), ``rows`` the dev rows, ``positive`` the "yes" class.
    """

    run: str
    label: str
    positive: str
    metric: str
    rows: int
    thresholds: tuple[float, ...]
    precision: tuple[float, ...]
    recall: tuple[float, ...]
    values: tuple[float, ...] = ()
    costs: tuple[float, ...] = ()
    cost_unit: str = ""
    calibration: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("run", "label", "positive", "metric", "rows",
                                              "cost_unit", "calibration")}
        for k in ("thresholds", "precision", "recall", "values", "costs"):
            out[k] = [None if not np.isfinite(v) else float(v) for v in getattr(self, k)]
        out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ThresholdCurve:
        def floats(key):
            return tuple(float("nan") if v is None else float(v) for v in d.get(key) or ())
        return cls(run=str(d["run"]), label=str(d.get("label") or ""),
                   positive=str(d.get("positive") or ""), metric=str(d.get("metric") or ""),
                   rows=int(d.get("rows") or 0), thresholds=floats("thresholds"),
                   precision=floats("precision"), recall=floats("recall"),
                   values=floats("values"), costs=floats("costs"),
                   cost_unit=str(d.get("cost_unit") or ""),
                   calibration=str(d.get("calibration") or ""),
                   extra=dict(d.get("extra") or {}))


def thinned(n: int, keep: int = MAX_POINTS) -> np.ndarray:
    """Indexes of at most ``keep`` points spread evenly over ``n`` (first and last kept)."""
    if n <= keep:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, keep).round().astype(int))
