"""The 95% interval of the expected cost per example on the test rows.

The expected cost is the mean of the rows' costs (``engine.goal.costs.row_costs``), so its
interval is the bootstrap of that mean, resampling the rows with replacement: BCa by
``scipy.stats.bootstrap`` on up to ``BCA_MAX_ROWS`` rows, percentile above that, as for the
other metrics (``engine.final.stats.bootstrap``). Above that size the resamples are drawn
as counts: a row's cost is one of the few amounts of the cost table, so a resample is how
many rows of each amount it holds (a multinomial draw), the same bootstrap at a cost that
does not grow with the rows (a few milliseconds past reading the costs). When every row costs the
same (no mistake, or every answer wrong at one price) the interval is that one value.

Example:
    >>> from engine.project.parts.goal import CostTable
    >>> table = CostTable(("no", "yes"), ((0, 1), (10, 0)))
    >>> truth = ["no"] * 80 + ["yes"] * 20
    >>> answer = ["no"] * 70 + ["yes"] * 10 + ["yes"] * 15 + ["no"] * 5
    >>> i = cost_interval(truth, answer, table)
    >>> round(i.estimate, 2), i.low < 0.6 < i.high, i.method
    (0.6, True, 'BCa')
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

from engine.final.stats.bootstrap import BCA_MAX_ROWS, Interval
from engine.goal.costs import row_costs
from engine.project.parts.goal import CostTable


def cost_interval(y_true, y_pred, table: CostTable, confidence: float = 0.95,
                  n_resamples: int = 2000, seed: int = 0) -> Interval:
    """The expected cost per example with its bootstrap interval (NaN bounds on fewer
    than two rows)."""
    costs = row_costs(y_true, y_pred, table)
    if len(costs) < 2:
        estimate = float(costs.mean()) if len(costs) else math.nan
        return Interval(estimate, math.nan, math.nan, confidence, "undefined")
    return mean_interval(costs, confidence, n_resamples, seed)


def mean_interval(values, confidence: float = 0.95, n_resamples: int = 2000,
                  seed: int = 0) -> Interval:
    """The mean of ``values`` (at least two) with its bootstrap interval."""
    values = np.asarray(values, dtype=float)
    estimate = float(values.mean())
    if np.all(values == values[0]):
        return Interval(estimate, estimate, estimate, confidence, "percentile")
    if len(values) > BCA_MAX_ROWS:
        return _percentile_by_counts(values, confidence, n_resamples, seed)
    method = "BCa"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns on degenerate resamples
        result = stats.bootstrap((values,), np.mean, n_resamples=n_resamples,
                                 confidence_level=confidence, method=method,
                                 random_state=np.random.default_rng(seed))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if not (math.isfinite(low) and math.isfinite(high)):
        return Interval(estimate, math.nan, math.nan, confidence, "undefined")
    return Interval(estimate, low, high, confidence, method)


def _percentile_by_counts(values: np.ndarray, confidence: float, n_resamples: int,
                          seed: int) -> Interval:
    """The percentile bootstrap of the mean, each resample drawn as the number of rows of
    each distinct value."""
    amounts, counts = np.unique(values, return_counts=True)
    n = len(values)
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=n_resamples)
    means = draws @ amounts / n
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return Interval(float(values.mean()), float(low), float(high), confidence, "percentile")
