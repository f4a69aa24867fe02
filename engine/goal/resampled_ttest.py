"""The corrected resampled t-test of Nadeau and Bengio (2003), for k-fold scores.

Two models scored on the same K folds give K paired differences ``d_1 .. d_K``. The plain
paired t-test treats them as independent, but the K training sets overlap (each pair shares
``(K - 2) / (K - 1)`` of its rows) and so the differences are correlated: their spread
underestimates the true variance, and the plain test finds differences too often. Nadeau
and Bengio widen the variance by a term that grows with the share of rows held out::

    d_mean = (1 / K) * sum_j d_j
    s2     = (1 / (K - 1)) * sum_j (d_j - d_mean) ** 2
    t      = d_mean / sqrt((1 / K + n_test / n_train) * s2)

with ``n_test`` the rows of one validation fold and ``n_train`` the rows each model is
trained on; ``t`` is read against Student's t with ``K - 1`` degrees of freedom, two-sided.
For 5 folds ``n_test / n_train = 1/4``, which more than doubles the plain ``1/K = 1/5``.

Even corrected, the test is approximate: it is a heuristic, known to stay somewhat
optimistic when K is large; a small p-value is a hint, not a proof.

Example:
    >>> round(corrected_resampled_ttest([0.02, 0.04, 0.03], 10, 20).t, 3)
    3.286
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class ResampledTTest:
    """The corrected t statistic, its degrees of freedom and two-sided p-value."""

    mean_difference: float
    t: float
    dof: int
    p_value: float


def corrected_resampled_ttest(differences: Sequence[float], n_test: float,
                              n_train: float) -> ResampledTTest:
    """Nadeau and Bengio's corrected resampled t-test of paired per-fold differences.

    Args:
        differences: per fold, the score of model A minus that of model B (at least 2).
        n_test: rows of a validation fold (the mean when folds differ by a row).
        n_train: rows each model was trained on.

    Returns:
        The mean difference, ``t``, ``K - 1`` degrees of freedom and the two-sided p-value;
        with no spread at all (up to rounding), p is 1 for a zero mean and 0 otherwise.
    """
    # Imported here to keep SciPy out of start-up.
    from scipy import stats

    d = [float(x) for x in differences]
    k = len(d)
    if k < 2 or n_test <= 0 or n_train <= 0:
        raise ValueError("the corrected t-test needs at least two folds and rows on both sides")
    mean = sum(d) / k
    s2 = sum((x - mean) ** 2 for x in d) / (k - 1)
    scale = math.sqrt((1.0 / k + float(n_test) / float(n_train)) * s2)
    if math.sqrt(s2) <= 1e-12 * max(1.0, abs(mean)):  # equal differences, up to rounding
        return ResampledTTest(mean, 0.0 if mean == 0 else math.copysign(math.inf, mean),
                              k - 1, 1.0 if mean == 0 else 0.0)
    t = mean / scale
    return ResampledTTest(mean, t, k - 1, float(2.0 * stats.t.sf(abs(t), k - 1)))
