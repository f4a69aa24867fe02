"""Paired tests (McNemar, permutation, t-test over seeds) on hand-made cases; which test a
pair gets and the correction are in tests/engine/final/test_one_test_per_pair.py."""

import math

import numpy as np
import pytest
from scipy import stats

from engine.final.comparisons import fmt_p
from engine.final.stats.significance import (mcnemar_exact, paired_permutation, per_example_loss,
                                 seeds_ttest)


def _correct(only_a, only_b, both, neither):
    a = [1] * only_a + [0] * only_b + [1] * both + [0] * neither
    b = [0] * only_a + [1] * only_b + [1] * both + [0] * neither
    return np.array(a, bool), np.array(b, bool)


def test_mcnemar_on_a_hand_made_table_is_the_exact_binomial():
    # 12 rows only A gets right, 3 only B, 70 both, 15 neither: 15 discordant rows.
    a, b = _correct(12, 3, 70, 15)
    result = mcnemar_exact(a, b)
    # By hand: P(X <= 3) for X ~ Bin(15, 1/2) = (1 + 15 + 105 + 455) / 2**15, doubled.
    assert result.p_value == pytest.approx(2 * 576 / 2 ** 15)
    assert result.p_value == pytest.approx(stats.binomtest(12, 15, 0.5).pvalue)
    assert result.direction == 1
    assert result.details == {"only_a_right": 12, "only_b_right": 3, "both_right": 70,
                              "both_wrong": 15}
    assert mcnemar_exact(b, a).direction == -1
    assert mcnemar_exact(b, a).p_value == pytest.approx(result.p_value)


def test_mcnemar_without_discordant_rows_finds_nothing():
    a, b = _correct(0, 0, 40, 10)
    result = mcnemar_exact(a, b)
    assert result.p_value == 1.0 and result.direction == 0


def test_permutation_identical_models_give_p_one():
    loss = np.random.default_rng(0).random(80)
    result = paired_permutation(loss, loss.copy())
    assert result.p_value == 1.0 and result.direction == 0


def test_permutation_clearly_different_models_give_a_small_p():
    rng = np.random.default_rng(1)
    loss_b = rng.random(80)
    loss_a = loss_b * 0.5  # A halves every error
    result = paired_permutation(loss_a, loss_b, n_resamples=2000)
    assert result.p_value < 0.005 and result.direction == 1
    assert result.statistic == pytest.approx(np.mean(loss_a - loss_b))
    flipped = paired_permutation(loss_b, loss_a, n_resamples=2000)
    assert flipped.direction == -1 and flipped.p_value < 0.005


def test_permutation_noise_only_is_not_significant():
    rng = np.random.default_rng(2)
    a, b = rng.random(100), rng.random(100)
    assert paired_permutation(a, b, n_resamples=2000).p_value > 0.05


def test_permutation_on_few_rows_is_exact():
    # 5 rows, all differences +1: 2**5 sign patterns, 2 as extreme (all + or all -).
    result = paired_permutation([2, 2, 2, 2, 2], [1, 1, 1, 1, 1])
    assert result.p_value == pytest.approx(2 / 32)
    assert result.direction == -1  # A's losses are larger: A is worse


def test_seeds_ttest_equals_scipy_and_reads_the_direction_of_the_metric():
    a, b = [0.81, 0.83, 0.80, 0.84], [0.78, 0.80, 0.79, 0.79]
    result = seeds_ttest(a, b, higher_is_better=True)
    assert result.p_value == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert result.direction == 1
    assert seeds_ttest(a, b, higher_is_better=False).direction == -1  # a loss: a is worse
    assert seeds_ttest(a, a).p_value == 1.0
    constant = seeds_ttest([0.9, 0.8], [0.8, 0.7])  # the same difference every seed
    assert math.isnan(constant.p_value)


def test_per_example_loss_by_metric():
    assert per_example_loss("mae", [1, 2], [2, 0]).tolist() == [1, 2]
    assert per_example_loss("rmse", [1, 2], [2, 0]).tolist() == [1, 4]


def test_fmt_p():
    assert fmt_p(0.0004) == "p < 0.001"
    assert fmt_p(0.0031) == "p = 0.003"
    assert fmt_p(0.41) == "p = 0.41"
    assert fmt_p(1.0) == "p = 1"
