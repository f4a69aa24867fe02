"""Bootstrap intervals: SciPy's own interval, containing the estimate, narrowing with rows."""

import math

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from engine.final.stats.bootstrap import bootstrap_interval, metric_intervals
from engine.core.errors import JobCancelled
from engine.core.jobs import CancelToken, Progress


def _binary(n, seed=0, accuracy=0.8):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, n)
    right = rng.random(n) < accuracy
    y_pred = np.where(right, y_true, 1 - y_true)
    score = np.clip(np.where(y_pred == 1, 0.7, 0.3) + rng.normal(0, 0.15, n), 0.01, 0.99)
    return y_true, y_pred, score


@pytest.mark.parametrize("method", ["BCa", "percentile"])
def test_accuracy_interval_equals_scipy_on_the_mean_of_correct_answers(method):
    y_true, y_pred, _ = _binary(150)
    correct = (y_true == y_pred).astype(float)
    expected = stats.bootstrap((correct,), np.mean, n_resamples=500, confidence_level=0.9,
                               method=method, rng=np.random.default_rng(7))
    got = bootstrap_interval("accuracy", y_true, y_pred, n_resamples=500, confidence=0.9,
                             seed=7, method=method)
    assert got.method == method and got.confidence == 0.9
    assert got.estimate == pytest.approx(correct.mean())
    assert got.low == pytest.approx(expected.confidence_interval.low, abs=1e-12)
    assert got.high == pytest.approx(expected.confidence_interval.high, abs=1e-12)


@pytest.mark.parametrize("name", ["accuracy", "f1", "roc_auc", "log_loss"])
def test_interval_contains_the_estimate(name):
    y_true, y_pred, score = _binary(120, seed=1)
    interval = bootstrap_interval(name, y_true, y_pred, score, positive_label=1,
                                  n_resamples=200)
    assert interval.low < interval.estimate < interval.high
    assert interval.contains(interval.estimate)


def test_interval_narrows_with_more_rows():
    small = bootstrap_interval("accuracy", *_binary(100, seed=2)[:2], n_resamples=500)
    large = bootstrap_interval("accuracy", *_binary(1600, seed=2)[:2], n_resamples=500)
    assert large.width < small.width / 2  # four times narrower in theory (16x the rows)
    assert large.method == "percentile"  # BCa is kept for small sets


def test_same_seed_same_interval_other_seed_other_interval():
    y_true, y_pred, _ = _binary(80, seed=3)
    first = bootstrap_interval("f1", y_true, y_pred, n_resamples=200, seed=1)
    assert first == bootstrap_interval("f1", y_true, y_pred, n_resamples=200, seed=1)
    assert first != bootstrap_interval("f1", y_true, y_pred, n_resamples=200, seed=2)


def test_undefined_on_some_resamples_gives_nan_bounds():
    # 2 positives in 40 rows: many resamples hold no positive at all, AUC is undefined there
    y_true = np.array([1, 1] + [0] * 38)
    score = np.linspace(0.9, 0.1, 40)
    interval = bootstrap_interval("roc_auc", y_true, (score > 0.5).astype(int), score,
                                  n_resamples=200)
    assert interval.estimate == pytest.approx(skm.roc_auc_score(y_true, score))
    assert math.isnan(interval.low) and math.isnan(interval.high)
    assert interval.method == "undefined"


def test_all_resamples_equal_falls_back_to_percentile():
    y = np.array([0, 1] * 20)
    interval = bootstrap_interval("accuracy", y, y, n_resamples=100)
    assert interval.estimate == interval.low == interval.high == 1.0
    assert interval.method == "percentile"


def test_metric_intervals_for_a_task():
    rng = np.random.default_rng(4)
    y_true = rng.normal(size=200)
    y_pred = y_true + rng.normal(scale=0.5, size=200)
    intervals = metric_intervals("regression", y_true, y_pred, n_resamples=300)
    assert set(intervals) == {"mae", "rmse", "r2"}
    assert intervals["rmse"].estimate == pytest.approx(skm.root_mean_squared_error(y_true, y_pred))
    for interval in intervals.values():
        assert interval.low < interval.estimate < interval.high
    chosen = metric_intervals("binary", *_binary(60), names=["recall"], n_resamples=100)
    assert list(chosen) == ["recall"]
    assert chosen["recall"].to_dict()["method"] == "BCa"


def test_metric_intervals_reports_progress_and_can_be_cancelled():
    events = []
    y_true, y_pred, _ = _binary(50)
    metric_intervals("binary", y_true, y_pred, names=["accuracy", "recall"], n_resamples=50,
                     progress=events.append)
    assert [type(e) for e in events] == [Progress, Progress]
    assert [(e.done, e.total) for e in events] == [(0, 2), (1, 2)]
    assert "2 of 2" in events[-1].text and "Recall" in events[-1].text
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        metric_intervals("binary", y_true, y_pred, n_resamples=50, cancel=token)
