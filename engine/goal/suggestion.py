"""Suggest the single optimizing metric from the task and the target's balance.

Thresholds (module constants, so tests and the help text can name them):

* ``RARE_SHARE`` = 10%: a binary target whose smaller class is rarer than this is a "rare
  event". Always answering the common class already scores over 90% accuracy, so accuracy
  says nothing; the suggestion is ``average_precision`` (area under the precision/recall
  curve), which only rewards finding the rare cases and being right when flagging them,
  and does not depend on a decision threshold chosen in advance.
* ``UNEVEN_SHARE`` = 35%: between 10% and 35% the classes are uneven but not rare;
  accuracy still leans toward the common class, so the suggestion is ``f1`` on the smaller
  class (one number combining how many of them are found and how often a flag is right).
* From 35% up the two classes are roughly balanced and plain ``accuracy`` is fair and the
  easiest number to explain.
* Multiclass: when the most common class is more than ``MULTICLASS_RATIO`` (3) times as
  frequent as the rarest, ``f1_macro`` (every class counts the same); otherwise ``accuracy``.
* Regression: when more than ``OUTLIER_SHARE`` (1%) of the values lie beyond
  ``OUTLIER_FENCE`` (3) interquartile ranges from the quartiles, ``mae`` (a few extreme rows
  cannot dominate it); otherwise ``rmse`` (penalises large misses more, same unit as target).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.core.errors import GoalError
from engine.goal.tasks import check_task
from engine.core.texts import text

RARE_SHARE = 0.10
UNEVEN_SHARE = 0.35
MULTICLASS_RATIO = 3.0
OUTLIER_FENCE = 3.0
OUTLIER_SHARE = 0.01


@dataclass(frozen=True)
class MetricSuggestion:
    """The suggested optimizing metric and the reason, in plain words."""

    name: str
    reason: str


def positive_label(y: pd.Series):
    """The class treated as "positive" in a binary target: the rarer one.

    On a tie the later value in sorted order is chosen (1 over 0, True over False).

    Raises:
        GoalError: ``y`` does not hold exactly two distinct values.
    """
    counts = _class_counts(y)
    if len(counts) != 2:
        raise GoalError(text("goal.not_binary", name=_name(y), n=len(counts)))
    return counts.index[0]


def suggest_metric(task: str, y: pd.Series) -> MetricSuggestion:
    """Suggest the metric to optimize for target ``y`` of kind ``task`` (see module doc)."""
    check_task(task)
    name = _name(y)
    if task == "regression":
        return _suggest_regression(y.dropna().to_numpy(dtype=float), name)
    counts = _class_counts(y)
    shares = counts / counts.sum()
    if task == "binary":
        positive = positive_label(y)
        share = float(shares.iloc[0])
        values = dict(name=name, positive=positive, share=_pct(share),
                      other_share=_pct(1 - share), other=counts.index[1])
        if share < RARE_SHARE:
            return MetricSuggestion("average_precision", text("goal.suggest_rare", **values))
        if share < UNEVEN_SHARE:
            return MetricSuggestion("f1", text("goal.suggest_uneven", **values))
        return MetricSuggestion("accuracy", text("goal.suggest_balanced", **values))
    ratio = float(shares.iloc[-1] / shares.iloc[0])
    values = dict(name=name, n=len(counts), rarest=counts.index[0],
                  rarest_share=_pct(float(shares.iloc[0])), common=counts.index[-1],
                  common_share=_pct(float(shares.iloc[-1])), ratio=f"{ratio:.0f}")
    if ratio > MULTICLASS_RATIO:
        return MetricSuggestion("f1_macro", text("goal.suggest_multiclass_uneven", **values))
    return MetricSuggestion("accuracy", text("goal.suggest_multiclass_balanced", **values))


def _suggest_regression(values: np.ndarray, name: str) -> MetricSuggestion:
    if len(values) == 0:
        raise GoalError(text("goal.target_empty", name=name))
    q1, q3 = np.percentile(values, [25, 75])
    spread = q3 - q1
    far = (values < q1 - OUTLIER_FENCE * spread) | (values > q3 + OUTLIER_FENCE * spread)
    share = float(far.mean()) if spread > 0 else 0.0
    if share > OUTLIER_SHARE:
        return MetricSuggestion("mae", text("goal.suggest_outliers", name=name,
                                            share=_pct(share), count=int(far.sum())))
    return MetricSuggestion("rmse", text("goal.suggest_regression", name=name))


def _class_counts(y: pd.Series) -> pd.Series:
    """Counts per class, rarest first; ties put the later label (in sorted order) first."""
    counts = y.dropna().value_counts(sort=False)
    try:
        counts = counts.sort_index(ascending=False)
    except TypeError:  # labels of mixed types cannot be sorted; keep their first-seen order
        pass
    return counts.sort_values(kind="stable")


def _name(y: pd.Series) -> str:
    return str(y.name) if y.name is not None else text("goal.target_unnamed")


def _pct(share: float) -> str:
    """A share as a short percentage: '3%', '0.4%', '12%', '99.6%'."""
    percent = 100 * share
    if percent < 10 or 99 < percent < 100:
        return f"{percent:.1f}".rstrip("0").rstrip(".") + "%"
    return f"{percent:.0f}%"
