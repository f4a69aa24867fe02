"""Holm and Bonferroni against cases worked out by hand."""

import math

import pytest

from engine.final.stats.multiple_testing import adjust, bonferroni, holm


def test_bonferroni_multiplies_by_the_number_of_tests_and_caps_at_one():
    # 3 tests: 0.01*3 = 0.03, 0.02*3 = 0.06, 0.4*3 = 1.2 -> 1.
    assert bonferroni([0.01, 0.02, 0.4]) == pytest.approx([0.03, 0.06, 1.0])


def test_holm_steps_down_in_the_order_given():
    # Sorted: 0.01 (x4 = 0.04), 0.015 (x3 = 0.045), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04,
    # raised to the running maximum 0.06). Returned in the input order.
    p = [0.03, 0.01, 0.04, 0.015]
    assert holm(p) == pytest.approx([0.06, 0.04, 0.06, 0.045])
    # At 5%: Holm rejects the two smallest, Bonferroni (0.04, 0.06, 0.12, 0.16) only one.
    assert sum(q < 0.05 for q in holm(p)) == 2
    assert sum(q < 0.05 for q in bonferroni(p)) == 1


def test_holm_keeps_the_order_of_the_p_values_and_caps_at_one():
    # 0.2 x3 = 0.6, 0.5 x2 = 1.0, 0.9 x1 = 0.9 -> running max 1.0.
    assert holm([0.9, 0.2, 0.5]) == pytest.approx([1.0, 0.6, 1.0])


def test_one_test_is_left_as_it_is():
    assert holm([0.03]) == [0.03] and bonferroni([0.03]) == [0.03]


def test_undefined_p_values_stay_undefined_and_do_not_count():
    # Two real tests: 0.01 x2 = 0.02, 0.04 x1 -> 0.04.
    out = holm([0.04, math.nan, 0.01])
    assert out[0] == pytest.approx(0.04) and math.isnan(out[1]) and out[2] == pytest.approx(0.02)
    b = bonferroni([0.04, math.nan])
    assert b[0] == pytest.approx(0.04) and math.isnan(b[1])


def test_adjust_names_the_method():
    assert adjust([0.01, 0.02], "bonferroni") == pytest.approx([0.02, 0.04])
    assert adjust([0.01, 0.02], "holm") == pytest.approx([0.02, 0.02])
    with pytest.raises(ValueError, match="holm"):
        adjust([0.01], "sidak")
