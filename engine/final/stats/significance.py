"""Paired significance tests between two models scored on the same test rows or seeds.

Three tests, each answering "could a difference this large come from chance alone?":

* ``mcnemar_exact`` (classes): only the rows where exactly one model is right tell the
  models apart; under "no difference" each such row is a fair coin, so the count won by
  model A is binomial (``scipy.stats.binomtest``), the exact form of McNemar's test;
* ``paired_permutation`` (numbers): the per-row losses of the two models are swapped
  within each row, which flips the sign of the row's difference
  (``engine.final.stats.sign_flip``); the p-value is the share of sign patterns whose mean
  difference is at least as far from zero as the observed one, exact on few rows and
  ``(b + 1) / (m + 1)`` over ``m`` random patterns otherwise;
* ``seeds_ttest``: the metric of each training seed, paired by seed, compared by the paired
  t-test (``scipy.stats.ttest_rel``); only for two models both trained again with the
  same seeds.

Every test is two-sided; ``direction`` says which model did better (+1: model A, -1:
model B, 0: a tie), so a sentence can say "better" or "worse".

Example:
    >>> mcnemar_exact([1, 1, 1, 1], [0, 0, 0, 0]).p_value
    0.125
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from engine.final.stats.sign_flip import DEFAULT_RESAMPLES, DEFAULT_SEED, sign_flip_test

MCNEMAR, PERMUTATION, SEEDS_TTEST = "mcnemar", "permutation", "seeds_ttest"
TESTS = (MCNEMAR, PERMUTATION, SEEDS_TTEST)


@dataclass(frozen=True)
class PairedTest:
    """The outcome of one paired test of model A against model B.

    Args:
        test: ``"mcnemar"``, ``"permutation"`` or ``"seeds_ttest"``.
        p_value: two-sided p-value (NaN when the test is not defined on these data).
        direction: +1 when A did better, -1 when B did, 0 for a tie.
        statistic: the test's own number: rows won by A (McNemar), the mean loss of A
            minus that of B (permutation), the t statistic (t-test).
        details: the counts behind it (discordant rows, pairs, means).
    """

    test: str
    p_value: float
    direction: int
    statistic: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def mcnemar_exact(correct_a, correct_b) -> PairedTest:
    """Exact McNemar test on which rows each model got right (booleans, same rows)."""
    a = np.asarray(correct_a, dtype=bool)
    b = np.asarray(correct_b, dtype=bool)
    if a.shape != b.shape:
        raise ValueError("both models must be scored on the same rows")
    only_a = int(np.sum(a & ~b))
    only_b = int(np.sum(~a & b))
    discordant = only_a + only_b
    # Imported here to keep SciPy out of start-up (the GUI lists the tests by name).
    from scipy import stats

    p = 1.0 if discordant == 0 else float(stats.binomtest(only_a, discordant, 0.5).pvalue)
    details = {"only_a_right": only_a, "only_b_right": only_b,
               "both_right": int(np.sum(a & b)), "both_wrong": int(np.sum(~a & ~b))}
    return PairedTest(MCNEMAR, p, int(np.sign(only_a - only_b)), float(only_a), details)


def paired_permutation(loss_a, loss_b, n_resamples: int = DEFAULT_RESAMPLES,
                       seed: int = DEFAULT_SEED) -> PairedTest:
    """Paired permutation test on per-row losses (lower is better), same rows in both.

    The two losses of a row are swapped at random, which flips the sign of the row's
    difference (``engine.final.stats.sign_flip``): exact over every sign pattern when at
    most ``EXACT_MAX_ROWS`` rows differ, else ``n_resamples`` random patterns with a fixed
    ``seed`` and ``p = (b + 1) / (m + 1)``, never 0.
    """
    a = np.asarray(loss_a, dtype=float)
    b = np.asarray(loss_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("both models must be scored on the same rows")
    diff = float(np.mean(a - b)) if len(a) else 0.0
    flips = sign_flip_test(a - b, n_resamples=n_resamples, seed=seed)
    details = {"mean_loss_a": _mean(a), "mean_loss_b": _mean(b), "rows": int(len(a)),
               "differing_rows": flips.differing_rows, "method": flips.method,
               "patterns": flips.patterns}
    direction = 0 if flips.differing_rows == 0 else int(-np.sign(diff))
    return PairedTest(PERMUTATION, float(flips.p_value), direction, diff, details)


def seeds_ttest(scores_a, scores_b, higher_is_better: bool = True) -> PairedTest:
    """Paired t-test of a metric over training seeds (the i-th values share a seed).

    Only meaningful when both models were trained again with the same seeds: against a
    model that does not depend on a seed, repeating its one score for every seed would
    make this a one-sample test that ignores the noise of the test rows
    (``engine.final.comparisons.pair_test`` never does that).

    With identical values on both sides the p-value is 1; when the differences do not
    vary at all (but are not zero) or there are fewer than two seeds, the test is not
    defined (p = NaN).
    """
    a = np.asarray(scores_a, dtype=float)
    b = np.asarray(scores_b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("both sides need one value per seed")
    diff = a - b
    sign = int(np.sign(np.mean(diff))) if len(diff) else 0
    direction = sign if higher_is_better else -sign
    details = {"seeds": int(len(a)), "mean_a": _mean(a), "mean_b": _mean(b)}
    if len(a) and np.allclose(diff, 0.0, rtol=0.0, atol=1e-12):
        return PairedTest(SEEDS_TTEST, 1.0, 0, 0.0, details)
    if len(a) < 2 or np.ptp(diff) <= 1e-12 * max(1.0, float(np.max(np.abs(diff)))):
        return PairedTest(SEEDS_TTEST, math.nan, direction, math.nan, details)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # precision notes on near-ties
        # Imported here to keep SciPy out of start-up.
        from scipy import stats

        result = stats.ttest_rel(a, b)
    return PairedTest(SEEDS_TTEST, float(result.pvalue), direction, float(result.statistic),
                      details)


def per_example_loss(metric: str, y_true, y_pred) -> np.ndarray:
    """The loss of each row for a regression metric: absolute error for MAE, squared
    error for RMSE and R² (both rank models as the mean squared error does)."""
    err = np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)
    return np.abs(err) if metric == "mae" else err ** 2


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else math.nan
