"""The 95% interval of the expected cost per example on the test rows.

The expected cost is the mean of the rows' costs (``engine.goal.costs.row_costs``), so its
interval is the bootstrap of that mean: ``scipy.stats.bootstrap`` resamples the rows'
costs with replacement (BCa on up to ``BCA_MAX_ROWS`` rows, percentile above that, as for
the other metrics in ``engine.final.stats.bootstrap``). A mean is cheap to resample, so
this takes milliseconds even on many rows. When every row costs the same (no mistake, or
every mistake priced the same and every answer wrong) the interval is that one value.

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
    method = "BCa" if len(values) <= BCA_MAX_ROWS else "percentile"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns on degenerate resamples
        result = stats.bootstrap((values,), np.mean, n_resamples=n_resamples,
                                 confidence_level=confidence, method=method,
                                 random_state=np.random.default_rng(seed))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if not (math.isfinite(low) and math.isfinite(high)):
        return Interval(estimate, math.nan, math.nan, confidence, "undefined")
    return Interval(estimate, low, high, confidence, method)
