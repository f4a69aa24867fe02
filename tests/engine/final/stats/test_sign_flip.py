"""The sign-flip (paired permutation) test against SciPy and an enumeration by hand:
exact on few rows, random flips with a fixed seed and ``(b + 1) / (m + 1)`` on more."""

import itertools

import numpy as np
import pytest
from scipy import stats

from engine.final.stats.sign_flip import EXACT, RANDOM, sign_flip_test
from engine.final.stats.significance import paired_permutation


def _scipy_exact(a, b) -> float:
    """SciPy's paired permutation test, every pattern counted (``n_resamples=inf``)."""
    def mean_difference(x, y, axis=-1):
        return np.mean(x - y, axis=axis)

    return stats.permutation_test((np.asarray(a, float), np.asarray(b, float)),
                                  mean_difference, permutation_type="samples",
                                  vectorized=True, n_resamples=np.inf,
                                  alternative="two-sided").pvalue


def _by_hand(differences) -> float:
    """Every sign pattern written out with itertools: share with |sum| >= |observed|."""
    d = [x for x in differences if x != 0]
    observed = abs(sum(d))
    patterns = list(itertools.product((1, -1), repeat=len(d)))
    hits = sum(abs(sum(s * x for s, x in zip(signs, d))) >= observed - 1e-9
               for signs in patterns)
    return hits / len(patterns)


HAND_MADE = [
    # (losses of A, losses of B)
    ([2, 2, 2, 2, 2], [1, 1, 1, 1, 1]),                    # every row worse: 2 of 32
    ([0.5, 1.0, 0.2, 0.9, 0.4, 0.3], [0.6, 0.7, 0.5, 1.2, 0.4, 0.8]),  # one tie row
    ([1, 3, 2, 5, 4, 2, 1, 0], [2, 1, 2, 4, 6, 1, 3, 1]),  # mixed, with a tie
    ([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1],
     [0.3, 0.1, 0.6, 0.2, 0.9, 0.4, 1.0, 0.5, 1.3, 0.6, 1.4]),
]


@pytest.mark.parametrize("a, b", HAND_MADE)
def test_few_rows_are_exact_and_equal_scipy_and_a_hand_enumeration(a, b):
    result = paired_permutation(a, b)
    d = np.subtract(a, b, dtype=float)
    assert result.details["method"] == EXACT
    assert result.details["patterns"] == 2 ** int(np.count_nonzero(d))
    assert result.p_value == pytest.approx(_scipy_exact(a, b), abs=1e-12)
    assert result.p_value == pytest.approx(_by_hand(d), abs=1e-12)
    assert result.p_value > 0


def test_the_random_flips_use_b_plus_one_over_m_plus_one_and_never_give_zero():
    # 40 rows where A is always worse: no random pattern reaches the observed total.
    d = np.linspace(0.5, 2.0, 40)
    result = sign_flip_test(d, n_resamples=999, seed=3)
    assert result.method == RANDOM and result.patterns == 999
    assert result.as_extreme == 0
    assert result.p_value == pytest.approx(1 / 1000)
    # A weaker effect: the p-value is (b + 1) / (m + 1) with b counted by the test.
    rng = np.random.default_rng(8)
    d = rng.normal(0.2, 1.0, 60)
    result = sign_flip_test(d, n_resamples=1999, seed=0)
    assert result.p_value == pytest.approx((result.as_extreme + 1) / 2000)
    assert 0 < result.as_extreme < 1999


def test_the_random_flips_are_fixed_by_the_seed():
    d = np.random.default_rng(4).normal(0.1, 1.0, 50)
    first = sign_flip_test(d, n_resamples=500, seed=0)
    assert sign_flip_test(d, n_resamples=500, seed=0) == first
    assert paired_permutation(d, np.zeros(50), n_resamples=500).p_value == first.p_value


def test_the_random_flips_approach_the_exact_p_value():
    # 18 differing rows: exact (262,144 patterns, by SciPy) against 20,000 random flips.
    rng = np.random.default_rng(11)
    a, b = rng.normal(0.0, 1.0, 18), rng.normal(0.4, 1.0, 18)
    exact = _scipy_exact(a, b)
    assert 0.01 < exact < 0.9
    drawn = sign_flip_test(a - b, n_resamples=20000, seed=1)
    assert drawn.method == RANDOM
    assert drawn.p_value == pytest.approx(exact, abs=0.015)  # ~4 standard errors
    forced = sign_flip_test(a - b, exact_max_rows=18)
    assert forced.method == EXACT and forced.p_value == pytest.approx(exact, abs=1e-12)


def test_rows_that_do_not_differ_change_nothing():
    d = [0.4, -0.1, 0.3, 0.2]
    padded = d + [0.0] * 30  # 34 rows, but only 4 differ: still exact
    assert sign_flip_test(padded) == sign_flip_test(d)
    assert sign_flip_test([0.0, 0.0]).p_value == 1.0
    same = paired_permutation([1.0, 2.0], [1.0, 2.0])
    assert same.p_value == 1.0 and same.direction == 0
