"""The tuning benchmarks (bench/tuning_search.py, bench/tuning_workers.py) run on a tiny
budget and hand back their figures and ratios."""

from __future__ import annotations

import math

import pytest

from bench import tuning_search, tuning_workers

# Each runs a real (tiny) search, 15-25 s on 2 cores; `make test-slow` and `make bench` run them.
pytestmark = pytest.mark.slow


def test_the_search_bench_counts_epochs_and_compares_with_random_search():
    lines = []
    result = tuning_search.run_bench(seeds=1, trials=2, epochs=2, cap=2, rows=300,
                                     variants=("tpe+hyperband",), report=lines.append,
                                     warm=False)
    seed = result.seeds[0]
    # Random search prunes nothing: every trial trains all its epochs.
    assert seed.random_all_epochs == 2 * 2
    assert seed.random_epochs == (seed.random_best_at + 1) * 2
    assert 0 < seed.random_seconds <= seed.random_all_seconds
    pruned = seed.pruned["tpe+hyperband"]
    assert 1 <= pruned.trials <= 2
    if pruned.reached_at is None:
        assert math.isinf(pruned.epoch_ratio) and pruned.best > seed.target
    else:
        assert pruned.best <= seed.target
        assert pruned.trials == pruned.reached_at + 1  # the search stopped once it got there
        assert 1 <= pruned.epochs <= pruned.trials * 2
        assert pruned.epoch_ratio == pytest.approx(pruned.epochs / seed.random_epochs)
        assert pruned.time_ratio == pytest.approx(pruned.seconds / seed.random_seconds)
    assert result.epoch_ratio == {"tpe+hyperband": pruned.epoch_ratio}
    assert result.reached == {"tpe+hyperband": int(pruned.reached_at is not None)}
    assert lines and lines[0].startswith("  seed 0: random search best dev log loss")
    assert set(result.to_dict()) >= {"epoch_ratio", "time_ratio", "reached", "seeds"}


def test_the_workers_bench_shares_one_budget_between_two_processes():
    lines = []
    result = tuning_workers.run_bench(trials=2, epochs=1, repeats=1, rows=300,
                                      report=lines.append, warm=False)
    one, two = result.runs
    assert (one.workers, one.trials, one.mine, one.helper_start_s) == (1, 2, 2, None)
    assert two.workers == 2
    assert 2 <= two.trials <= 3  # both processes drew on one budget of 2 trials
    assert one.per_minute == pytest.approx(2 / one.seconds * 60)
    assert (result.one_per_min, result.two_per_min) == (one.per_minute, two.per_minute)
    assert result.ratio == pytest.approx(two.per_minute / one.per_minute)
    assert all(0.5 < ceiling < 2.5 for ceiling in result.cpu_scaling)
    assert [line.split(":")[0] for line in lines] == ["  a plain Python loop", "  1 worker",
                                                      "  2 workers", "  a plain Python loop"]
