"""Reading a learning-rate range test's curve (engine.baseline.lr_curve) on synthetic batch
losses: smoothing, the valley, and the guard that keeps the default rate."""

import math

import numpy as np
import pytest

from engine.baseline.lr_curve import (DEFAULT_RATE, LossAverage, longest_descent,
                                      read_curve, smoothed)

RATES = np.geomspace(1e-6, 1.0, 100)
"""The test's usual schedule: 100 batches over six decades."""


def valley_curve(centre: float, noise: float = 0.05, seed: int = 0, blow_up: float = 0.3,
                 rates=RATES) -> np.ndarray:
    """Batch losses of a network that learns: flat at 1.0 for tiny rates, falling to 0.1
    over about two decades around ``centre`` (a power of ten), rising fast past
    ``blow_up``; each batch adds noise of standard deviation ``noise``."""
    x = np.log10(rates)
    clean = 0.1 + 0.9 / (1 + np.exp(3.0 * (x - centre)))
    clean = clean + np.where(rates > blow_up, 10.0 * (x - math.log10(blow_up)) ** 2, 0.0)
    rng = np.random.default_rng(seed)
    return clean + noise * rng.normal(size=len(rates))


def test_the_average_is_bias_corrected_and_matches_the_whole_curve():
    avg = LossAverage(0.9)
    assert avg.add(2.0) == pytest.approx(2.0)  # no pull toward the 0 it starts from
    values = [2.0, 1.0, 3.0, 0.5]
    expected, a = [], 0.0
    for t, v in enumerate(values, start=1):
        a = 0.9 * a + 0.1 * v
        expected.append(a / (1 - 0.9 ** t))
    assert smoothed(values, 0.9) == pytest.approx(expected)
    # A constant curve stays constant after correction.
    assert smoothed([0.7] * 20) == pytest.approx([0.7] * 20)


def test_the_longest_descent_skips_bumps_and_stops_at_the_bottom():
    curve = np.array([3.0, 3.2, 2.5, 2.7, 2.0, 1.5, 1.6, 1.0, 4.0])
    # 3.2 -> 2.7 -> 2.0 -> 1.5 -> 1.0 (or 3.0 -> 2.5 -> ...): five points ending at index 7.
    start, end, points = longest_descent(curve)
    assert end == 7 and start in (0, 1) and points == 5
    assert longest_descent(np.array([1.0, 2.0, 3.0])) is None  # nothing falls
    assert longest_descent(np.array([1.0])) is None


@pytest.mark.parametrize("seed", range(5))
def test_a_noisy_curve_with_a_valley_gives_a_rate_in_its_falling_part(seed):
    # The loss falls between about 10^-2.5 and 10^-0.5 (centre 10^-1.5): the default 1e-3
    # is on the flat start, too small; the suggestion lies where the loss falls.
    raw = valley_curve(-1.5, noise=0.08, seed=seed)
    reading = read_curve(RATES, raw)
    assert reading.code == "found", reading
    assert reading.suggested == reading.candidate
    assert 10 ** -2.5 <= reading.suggested <= 10 ** -0.8
    low, high = reading.valley
    assert low < reading.suggested < high
    assert reading.suggested <= reading.lowest / 3 * (1 + 1e-9)  # well below the bottom
    assert reading.suggested > 3 * DEFAULT_RATE


@pytest.mark.parametrize("seed", range(5))
def test_an_early_noisy_dip_does_not_become_the_suggestion(seed):
    # The failure behind issue 15: a lucky run of batches at tiny rates made a steep drop
    # of the noisy curve, and the old rule read its steepest point there (about 1e-5).
    raw = valley_curve(-1.5, noise=0.05, seed=seed)
    dip = (RATES > 5e-6) & (RATES < 2e-5)
    raw[dip] -= 0.4
    reading = read_curve(RATES, raw)
    assert reading.code == "found"
    assert reading.suggested > 1e-3 and reading.valley[0] > 1e-4


@pytest.mark.parametrize("seed", range(3))
def test_a_smaller_rate_is_not_suggested_while_the_default_is_in_the_fall(seed):
    # The loss falls from about 1e-5 and blows up past 0.03: the valley's middle is below
    # 1e-3, but 1e-3 itself is still in the steady fall; a smaller rate only learns slower.
    reading = read_curve(RATES, valley_curve(-4.0, noise=0.05, seed=seed, blow_up=0.03))
    assert reading.code == "keep_default" and reading.why == "default_inside"
    assert reading.suggested is None and reading.candidate < DEFAULT_RATE
    low, high = reading.valley
    assert low <= DEFAULT_RATE <= high and low < reading.candidate < high


@pytest.mark.parametrize("seed", range(3))
def test_a_smaller_rate_is_suggested_when_the_default_is_past_the_valley(seed):
    # The loss blows up from 1e-3 on: the default is too large.
    reading = read_curve(RATES, valley_curve(-5.0, noise=0.05, seed=seed, blow_up=1e-3))
    assert reading.code == "found"
    assert reading.valley[1] < DEFAULT_RATE and reading.suggested < reading.valley[1]


@pytest.mark.parametrize("seed", range(3))
def test_a_candidate_close_to_the_default_keeps_the_default(seed):
    reading = read_curve(RATES, valley_curve(-3.3, noise=0.05, seed=seed, blow_up=0.1))
    assert reading.code == "keep_default" and reading.why == "close"
    assert DEFAULT_RATE <= reading.candidate <= 2 * DEFAULT_RATE


@pytest.mark.parametrize("seed", range(5))
def test_a_flat_noisy_curve_gives_no_suggestion(seed):
    rng = np.random.default_rng(seed)
    raw = 0.69 + 0.05 * rng.normal(size=len(RATES))
    reading = read_curve(RATES, raw)
    assert reading.code == "no_decrease" and reading.suggested is None
    assert reading.candidate is None


def test_a_curve_that_only_rises_gives_no_suggestion():
    raw = 0.5 + np.linspace(0, 3, len(RATES)) + 0.02 * np.random.default_rng(0).normal(
        size=len(RATES))
    assert read_curve(RATES, raw).code == "no_decrease"


def test_a_jagged_fall_is_no_steady_valley():
    # The loss ends lower, but by jumps between plateaus with noise: no long steady fall.
    rng = np.random.default_rng(1)
    steps = np.repeat([1.0, 0.75, 0.9, 0.55, 0.7, 0.45, 0.6, 0.5, 0.65, 0.4], 10)
    raw = steps + 0.03 * rng.normal(size=len(RATES))
    reading = read_curve(RATES, raw)
    assert reading.code == "keep_default" and reading.why == "short_valley"
    assert reading.suggested is None


def test_losses_that_are_not_numbers_end_the_curve():
    raw = valley_curve(-1.5, noise=0.02)
    raw[90:] = np.nan  # blew up: the test stopped here
    reading = read_curve(RATES, raw[:91])
    assert reading.code == "found" and reading.lowest < RATES[90]
    assert read_curve(RATES, [math.nan]).code == "not_finite"
    assert read_curve(RATES, [1.0, 1.0, math.inf]).code == "no_decrease"
