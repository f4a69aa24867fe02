import math

import pytest

from engine.diagnosis.ladder import diagnose
from engine.diagnosis.gap_noise import gap_noise


def test_band_is_the_95_percent_binomial_band_of_the_difference():
    bands = gap_noise({"train": 0.1, "train_dev": 0.2, "dev": 0.25},
                      {"train": 1000, "train_dev": 200, "dev": 400})
    expected = 1.959964 * math.sqrt(0.1 * 0.9 / 1000 + 0.2 * 0.8 / 200)
    assert bands["variance"] == pytest.approx(expected)
    assert bands["avoidable_bias"] == pytest.approx(1.959964 * math.sqrt(0.09 / 1000))
    assert bands["dev_overfit"] == 0.0  # no test error yet


def test_small_sets_turn_a_chance_gap_into_no_verdict():
    """Train 1%, train-dev 7% on 57 rows, dev 0%: the demo's case is within chance."""
    errors = {"train": 0.0106, "train_dev": 0.0702, "dev": 0.0}
    sizes = {"train": 284, "train_dev": 57, "dev": 114}
    plain = diagnose(train=errors["train"], dev=errors["dev"], train_dev=errors["train_dev"])
    assert plain.verdict == "variance"
    aware = diagnose(train=errors["train"], dev=errors["dev"], train_dev=errors["train_dev"],
                     noise=gap_noise(errors, sizes))
    assert aware.verdict == "none"
    assert "chance" in aware.explanation


def test_big_sets_keep_the_seeds_verdicts():
    sizes = {"train": 100_000, "train_dev": 20_000, "dev": 20_000}
    errors = {"train": 0.01, "train_dev": 0.015, "dev": 0.10}
    d = diagnose(train=0.01, dev=0.10, train_dev=0.015, noise=gap_noise(errors, sizes))
    assert d.verdict == "mismatch"


def test_unbounded_metrics_get_no_band():
    assert set(gap_noise({"train": 3.0, "dev": 5.0}, {"train": 10, "dev": 10},
                         bounded=False).values()) == {0.0}


def test_regression_ladder_reads_in_the_metric_units():
    d = diagnose(train=26122.0, dev=27000.0, target=20000.0, scale=40000.0)
    assert d.verdict == "bias"
    assert d.threshold == 2000.0  # 10% of the target beats 1% of the spread (400)
    assert "26,122" in d.explanation and "6,122" in d.explanation
    assert "%" not in d.explanation.split("reachable")[0]
