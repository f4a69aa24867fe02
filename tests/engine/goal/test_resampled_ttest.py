"""The corrected resampled t-test of Nadeau and Bengio, against numbers worked by hand."""

import math

import pytest
from scipy import stats

from engine.goal.resampled_ttest import corrected_resampled_ttest


def test_matches_a_hand_computation():
    # 5 folds of 20 rows out of 100: each model trained on 80, scored on 20.
    d = [0.05, 0.02, 0.04, 0.01, 0.03]
    # mean = 0.15 / 5 = 0.03
    # squared deviations: 0.0004, 0.0001, 0.0001, 0.0004, 0 -> sum 0.001
    # s2 = 0.001 / (5 - 1) = 0.00025
    # correction = 1/5 + 20/80 = 0.2 + 0.25 = 0.45
    # t = 0.03 / sqrt(0.45 * 0.00025) = 0.03 / sqrt(0.0001125) = 0.03 / 0.0106066 = 2.828427
    result = corrected_resampled_ttest(d, n_test=20, n_train=80)
    assert result.mean_difference == pytest.approx(0.03)
    assert result.t == pytest.approx(2.828427, abs=1e-6)
    assert result.dof == 4
    # two-sided p from Student's t with 4 degrees of freedom: 2 * P(T > 2.828427) = 0.04742
    assert result.p_value == pytest.approx(0.04742, abs=5e-5)


def test_the_correction_makes_the_test_more_cautious_than_the_plain_paired_test():
    d = [0.05, 0.02, 0.04, 0.01, 0.03]
    plain = stats.ttest_1samp(d, 0.0)  # variance scaled by 1/K only
    corrected = corrected_resampled_ttest(d, n_test=20, n_train=80)
    assert plain.statistic == pytest.approx(corrected.t * math.sqrt(0.45 / 0.2))
    assert corrected.p_value > plain.pvalue


def test_the_sign_follows_the_difference_and_no_spread_is_handled():
    assert corrected_resampled_ttest([-0.1, -0.3], 10, 10).t < 0
    same = corrected_resampled_ttest([0.0, 0.0, 0.0], 10, 20)
    assert same.p_value == 1.0 and same.t == 0.0
    assert corrected_resampled_ttest([0.1, 0.1, 0.1], 10, 20).p_value == 0.0
    with pytest.raises(ValueError):
        corrected_resampled_ttest([0.1], 10, 20)
