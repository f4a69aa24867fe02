"""The interval of the expected cost: the bootstrap of the mean of the rows' costs."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from engine.final.stats.bootstrap import BCA_MAX_ROWS
from engine.final.stats.cost_interval import cost_interval, mean_interval
from engine.goal.costs import row_costs
from engine.project.parts.goal import CostTable

TABLE = CostTable(("no", "yes"), ((0.0, 1.0), (10.0, 0.0)), "euros")


def _answers(n, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.choice(["no", "yes"], n, p=[0.8, 0.2])
    flip = rng.random(n) < 0.15
    answer = np.where(flip, np.where(truth == "no", "yes", "no"), truth)
    return truth, answer


def test_small_sets_get_bca_around_the_mean():
    truth, answer = _answers(200)
    i = cost_interval(truth, answer, TABLE)
    assert i.method == "BCa" and i.low < i.estimate < i.high
    assert i.estimate == pytest.approx(row_costs(truth, answer, TABLE).mean())


def test_large_sets_drawn_as_counts_match_scipys_percentile_bootstrap():
    truth, answer = _answers(4 * BCA_MAX_ROWS, seed=1)
    costs = row_costs(truth, answer, TABLE)
    ours = mean_interval(costs, n_resamples=4000)
    theirs = stats.bootstrap((costs,), np.mean, n_resamples=4000, method="percentile",
                             random_state=np.random.default_rng(5)).confidence_interval
    assert ours.method == "percentile"
    width = theirs.high - theirs.low
    assert abs(ours.low - theirs.low) < 0.1 * width and abs(ours.high - theirs.high) < 0.1 * width


def test_the_interval_narrows_with_more_rows_and_covers_the_truth():
    # the true expected cost of this answering process: 0.8 * 0.15 * 1 + 0.2 * 0.15 * 10
    true_cost = 0.8 * 0.15 * 1 + 0.2 * 0.15 * 10
    small = cost_interval(*_answers(300, seed=2), TABLE)
    large = cost_interval(*_answers(30_000, seed=2), TABLE)
    assert large.width < small.width / 5
    assert large.low <= true_cost <= large.high


def test_degenerate_and_tiny_sets():
    same = cost_interval(["no"] * 10, ["no"] * 10, TABLE)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)
    one = cost_interval(["yes"], ["no"], TABLE)
    assert one.estimate == 10.0 and one.method == "undefined" and np.isnan(one.low)
