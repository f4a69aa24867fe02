"""Bootstrap confidence intervals for metrics, so a test score comes with its uncertainty.

The rows are resampled with replacement as whole examples (true label, prediction and score
stay together): ``scipy.stats.bootstrap`` resamples an array of row indices and the
statistic scores a whole batch of resamples at once: classification metrics from counts
(``engine.final.stats.resampled_metrics``, the same numbers as scikit-learn's), the others
with one scikit-learn call per batch where the metric allows it (``Metric.values``).
SciPy computes the
interval itself (BCa by default on up to ``BCA_MAX_ROWS`` rows, percentile above that,
because BCa needs one extra metric evaluation per row for its jackknife).

When the metric is undefined on some resamples (ROC AUC on a resample holding one class
only), the bounds are NaN and ``method`` says ``"undefined"``; when BCa cannot be computed
because every resample gives the same value, the percentile interval of the same resamples
is used instead.

Use:
    bootstrap_interval("accuracy", y_true, y_pred).low
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag, Event, Progress, ignore
from engine.final.stats.resampled_metrics import (counts_metric, resampled_table,
                                                 resampled_values, all_score_groups)
from engine.goal.metrics import Metric, get_metric, metrics_for, prepare
from engine.core.texts import text

BCA_MAX_ROWS = 500
"""Above this many rows the percentile method is used (BCa's jackknife costs n evaluations)."""
MAX_RESAMPLE_CELLS = 2_000_000
"""Resampled indices held in memory at once (SciPy's ``batch``)."""


@dataclass(frozen=True)
class Interval:
    """A metric value with its bootstrap confidence interval.

    Args:
        estimate: the metric on all rows.
        low, high: the interval bounds (NaN when they cannot be computed).
        confidence: the confidence level, e.g. 0.95.
        method: ``"BCa"``, ``"percentile"`` or ``"undefined"``.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    method: str

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def width(self) -> float:
        return self.high - self.low

    def to_dict(self) -> dict:
        return {"estimate": self.estimate, "low": self.low, "high": self.high,
                "confidence": self.confidence, "method": self.method}


def bootstrap_interval(metric_name: str, y_true, y_pred, y_score=None, labels=None,
                       positive_label=None, n_resamples: int = 1000,
                       confidence: float = 0.95, seed: int = 0,
                       method: str = "auto") -> Interval:
    """Confidence interval of one metric by resampling the rows.

    Args:
        metric_name: a name from ``engine.goal.metrics.METRICS``.
        y_true, y_pred, y_score, labels, positive_label: as in ``engine.goal.metrics.compute``.
        n_resamples: number of bootstrap resamples.
        confidence: confidence level of the interval.
        seed: seed of the resampling, so the same inputs give the same interval.
        method: ``"BCa"``, ``"percentile"``, ``"basic"`` or ``"auto"`` (BCa on small sets).

    Returns:
        An ``Interval``; bounds are NaN when the metric is undefined on some resamples.
    """
    metric = get_metric(metric_name)
    prepared = prepare(y_true, y_pred, y_score, labels, positive_label,
                       regression=metric.tasks == ("regression",))
    return _interval(metric, prepared, n_resamples, confidence, seed, method)


def metric_intervals(task: str, y_true, y_pred, y_score=None, labels=None,
                     positive_label=None, names=None, n_resamples: int = 1000,
                     confidence: float = 0.95, seed: int = 0, method: str = "auto",
                     progress: Callable[[Event], None] = ignore,
                     cancel: CancelFlag = NEVER) -> dict[str, Interval]:
    """Intervals for several metrics of ``task`` (all of the task's metrics by default).

    With the percentile method the metrics scored from counts share one set of resamples
    and one pass (``_counted_intervals``); the others cost up to ``n_resamples``
    scikit-learn calls each. It is a job: it reports a ``Progress`` event per metric and
    stops with ``JobCancelled`` between metrics when ``cancel`` is set.
    """
    chosen = [get_metric(n, task) for n in names] if names is not None else metrics_for(task)
    prepared = prepare(y_true, y_pred, y_score, labels, positive_label,
                       regression=task == "regression")
    percentile = method == "percentile" or (method == "auto"
                                            and len(prepared.y_true) > BCA_MAX_ROWS)
    together = ([m for m in chosen if counts_metric(m.name, prepared)] if percentile else [])
    if together:
        progress(Progress(0, len(chosen), text("metric.interval_progress_counted",
                                               count=len(together), total=len(chosen))))
        counted = _counted_intervals(together, prepared, n_resamples, confidence, seed)
    intervals = {}
    for done, metric in enumerate(chosen):
        if together and metric.name in counted:
            intervals[metric.name] = counted[metric.name]
            continue
        if cancel.is_set():
            raise JobCancelled("metric intervals cancelled")
        progress(Progress(done, len(chosen), text("metric.interval_progress",
                                                  label=metric.label, done=done + 1,
                                                  total=len(chosen))))
        intervals[metric.name] = _interval(metric, prepared, n_resamples, confidence, seed,
                                           method)
    return intervals


def _counted_intervals(metrics: list[Metric], p, n_resamples: int, confidence: float,
                       seed: int) -> dict[str, Interval]:
    """Percentile intervals of metrics scored from counts, all on the same resamples in one
    pass (the resamples each metric alone would get, since they share the seed)."""
    n = len(p.y_true)
    estimates = {m.name: m.value(p.y_true, p.y_pred, p.y_score, p.labels, p.positive_label)
                 for m in metrics}
    names = [m.name for m in metrics if n >= 2 and math.isfinite(estimates[m.name])]
    bounds: dict[str, tuple[float, float]] = {}
    if names:
        groups = all_score_groups(p)

        def statistic(rows: np.ndarray, axis: int = -1) -> np.ndarray:
            table = resampled_table(names, p, np.atleast_2d(rows), groups)
            return table[:, 0] if rows.ndim == 1 else table

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate resamples are handled below
            result = stats.bootstrap((np.arange(n),), statistic, method="percentile",
                                     rng=np.random.default_rng(seed), vectorized=True,
                                     n_resamples=n_resamples, batch=_batch(n_resamples, n),
                                     confidence_level=confidence)
        finite = np.all(np.isfinite(result.bootstrap_distribution), axis=-1)
        low, high = result.confidence_interval
        bounds = {name: (float(low[i]), float(high[i]))
                  for i, name in enumerate(names) if finite[i]}
    out = {}
    for m in metrics:
        low_m, high_m = bounds.get(m.name, (math.nan, math.nan))
        method = "percentile" if m.name in bounds else "undefined"
        out[m.name] = Interval(estimates[m.name], low_m, high_m, confidence, method)
    return out


def _batch(n_resamples: int, n: int) -> int | None:
    """Resamples drawn at once, so that at most ``MAX_RESAMPLE_CELLS`` indices are held."""
    return None if n_resamples * n <= MAX_RESAMPLE_CELLS else max(1, MAX_RESAMPLE_CELLS // n)


def _interval(metric: Metric, p, n_resamples: int, confidence: float, seed: int,
              method: str) -> Interval:
    n = len(p.y_true)
    estimate = metric.value(p.y_true, p.y_pred, p.y_score, p.labels, p.positive_label)
    undefined = Interval(estimate, math.nan, math.nan, confidence, "undefined")
    if n < 2 or not math.isfinite(estimate) or (metric.needs_scores and p.y_score is None):
        return undefined
    if method == "auto":
        method = "BCa" if n <= BCA_MAX_ROWS else "percentile"

    def statistic(rows: np.ndarray, axis: int = -1) -> np.ndarray:
        matrix = np.atleast_2d(rows)  # (resamples, n); SciPy resamples along the last axis
        counted = resampled_values(metric.name, p, matrix)
        if counted is not None:
            return counted[0] if rows.ndim == 1 else counted
        score = None if p.y_score is None else p.y_score[matrix]
        result = metric.values(p.y_true[matrix], p.y_pred[matrix], score, p.labels,
                               p.positive_label)
        return result[0] if rows.ndim == 1 else result

    common = dict(n_resamples=n_resamples, batch=_batch(n_resamples, n), vectorized=True,
                  confidence_level=confidence)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns on degenerate resamples; handled below
        result = stats.bootstrap((np.arange(n),), statistic, method=method,
                                 rng=np.random.default_rng(seed), **common)
        if not np.all(np.isfinite(result.bootstrap_distribution)):
            return undefined
        low, high = result.confidence_interval
        if not (math.isfinite(low) and math.isfinite(high)) and method != "percentile":
            method = "percentile"
            common["n_resamples"] = 0  # reuse the same resamples
            result = stats.bootstrap((np.arange(n),), statistic, method=method,
                                     bootstrap_result=result, **common)
            low, high = result.confidence_interval
    if not (math.isfinite(low) and math.isfinite(high)):
        return undefined
    return Interval(estimate, float(low), float(high), confidence, method)
