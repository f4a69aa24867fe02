"""The answer to "will more data help?" on hand-made learning curves."""

import numpy as np
import pytest
from scipy import stats

from engine.diagnosis.learning_curve_verdict import SizeSummary, judge_curve
from engine.core.texts import text

ROWS = (100, 200, 400, 800)


def _curve(train, dev, wobble=0.0, seeds=3, rows=ROWS):
    """Summaries and points: each seed's dev error is the given one plus +/- ``wobble``."""
    offsets = np.linspace(-wobble, wobble, seeds) if seeds > 1 else np.zeros(1)
    points, summary = [], []
    for n, t, d in zip(rows, train, dev):
        devs = [d + o for o in offsets]
        points += [(n, e) for e in devs]
        summary.append(SizeSummary(n / rows[-1], n, seeds, t, 0.0, float(np.mean(devs)),
                                   float(np.std(devs, ddof=1)) if seeds > 1 else 0.0))
    return summary, points


def test_still_falling_steeply_with_a_large_gap_is_yes():
    summary, points = _curve(train=[0.02, 0.03, 0.04, 0.05], dev=[0.30, 0.26, 0.22, 0.18],
                             wobble=0.005)
    v = judge_curve(summary, points, target=0.05)
    assert v.verdict == "yes"
    assert v.drop == pytest.approx(0.04)
    assert v.answer.startswith("Yes:") and "4.0 points" in v.answer
    assert text("learning_curve.answer.gap_large", gap="13.0 points") in v.answer
    # 13 points above the target at 4 points per doubling: 3.25 doublings, ~10 times the data.
    assert v.doublings == pytest.approx(3.25)
    assert "about 10 times the training data" in v.explanation


def test_the_drop_is_the_least_squares_slope_over_the_last_three_sizes():
    summary, points = _curve(train=[0.0] * 4, dev=[0.40, 0.25, 0.22, 0.21], wobble=0.01)
    v = judge_curve(summary, points)
    last = [(np.log2(n), e) for n, e in points if n >= 200]
    slope, _ = np.polyfit([x for x, _ in last], [e for _, e in last], 1)
    assert v.drop == pytest.approx(-slope)  # the steep first step is left out
    expected = stats.linregress([x for x, _ in last], [e for _, e in last]).stderr
    assert v.noise == pytest.approx(expected)


def test_errors_that_have_met_above_the_target_call_for_work_on_bias():
    summary, points = _curve(train=[0.10, 0.14, 0.16, 0.17], dev=[0.19, 0.182, 0.181, 0.18],
                             wobble=0.002)
    v = judge_curve(summary, points, target=0.05)
    assert v.verdict == "no_bias"
    assert v.answer.startswith("No:") and "5.0%" in v.answer and "18.0%" in v.answer
    assert "bias" in v.answer
    without_target = judge_curve(summary, points)
    assert without_target.verdict == "no_bias" and "target" not in without_target.answer


def test_a_flat_curve_far_above_the_training_error_asks_for_regularization():
    summary, points = _curve(train=[0.0, 0.0, 0.01, 0.01], dev=[0.22, 0.201, 0.2, 0.2],
                             wobble=0.002)
    v = judge_curve(summary, points, target=0.02)
    assert v.verdict == "flat_gap"
    assert v.gap == pytest.approx(0.19)
    assert "Regularization" in v.answer


def test_a_small_real_drop_is_only_a_little():
    summary, points = _curve(train=[0.05] * 4, dev=[0.200, 0.195, 0.190, 0.185],
                             wobble=0.0005)
    v = judge_curve(summary, points)
    assert v.verdict == "little"
    assert v.answer.startswith("Only a little") and "0.5 points" in v.answer


def test_a_drop_within_the_seed_noise_is_not_clear():
    summary, points = _curve(train=[0.05] * 4, dev=[0.24, 0.22, 0.20, 0.18], wobble=0.12)
    v = judge_curve(summary, points)
    assert v.drop == pytest.approx(0.02)
    assert v.noise > v.drop / 2
    assert v.verdict == "noisy"
    same_without_noise = judge_curve(*_curve([0.05] * 4, [0.24, 0.22, 0.20, 0.18]))
    assert same_without_noise.verdict == "yes"


def test_target_reached_and_too_few_sizes():
    summary, points = _curve(train=[0.01] * 4, dev=[0.10, 0.07, 0.05, 0.04], wobble=0.002)
    assert judge_curve(summary, points, target=0.05).verdict == "reached"
    one, one_points = _curve(train=[0.01], dev=[0.1], rows=(500,))
    v = judge_curve(one, one_points)
    assert v.verdict == "unclear" and v.drop is None
    assert v.answer == text("learning_curve.answer.unclear")


def test_one_seed_and_two_sizes_has_no_noise_estimate():
    summary, points = _curve(train=[0.0, 0.0], dev=[0.3, 0.2], seeds=1, rows=(100, 200))
    v = judge_curve(summary, points)
    assert v.noise is None and v.drop == pytest.approx(0.1) and v.verdict == "yes"
    assert text("learning_curve.explain.no_noise") in v.explanation


def test_a_gap_within_chance_for_few_rows_counts_as_met():
    # 8 points apart: a real gap on large sets, within chance with 200 training and 50 dev rows.
    summary, points = _curve(train=[0.12] * 4, dev=[0.20] * 4, wobble=0.001,
                             rows=(25, 50, 100, 200))
    assert judge_curve(summary, points).verdict == "flat_gap"
    v = judge_curve(summary, points, dev_rows=50)
    assert v.verdict == "no_bias" and v.gap_threshold > 0.08


def test_unbounded_errors_are_judged_against_their_scale():
    # RMSE in the units of the target (spread 10): 1% of that is the step, 0.1 per doubling.
    summary, points = _curve(train=[1.0, 1.2, 1.4, 1.5], dev=[5.0, 4.4, 3.8, 3.2], wobble=0.02)
    v = judge_curve(summary, points, scale=10.0)
    assert v.verdict == "yes" and v.step == pytest.approx(0.1)
    assert "0.6 each time" in v.answer and "%" not in v.answer and "points" not in v.answer
    flat = judge_curve(*_curve([3.15] * 4, [3.2, 3.19, 3.18, 3.18], wobble=0.01), scale=10.0)
    assert flat.verdict == "no_bias"
