"""Metrics counted over many resamples at once equal scikit-learn's on each resample."""

import numpy as np
import pytest

from engine.final.stats.resampled_metrics import COUNTED, resampled_values
from engine.goal.metrics import get_metric, metrics_for, prepare


def _binary(n, rng, ties=True):
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + rng.random(n) * 0.65, 0, 1)
    if ties:
        score = np.round(score, 1)  # many rows share a score
    return prepare(y, (score > 0.5).astype(int), score, labels=[0, 1], positive_label=1)


def _multiclass(n, rng, k=4):
    y = rng.integers(0, k, n)
    raw = rng.random((n, k)) + np.eye(k)[y] * 0.8
    raw[: n // 5] = np.round(raw[: n // 5], 1)  # some equal scores within a row
    score = raw / raw.sum(axis=1, keepdims=True)
    return prepare(y, score.argmax(axis=1), score, labels=list(range(k)))


def _resamples(n, rng, count=60):
    rows = rng.integers(0, n, (count, n))
    rows[0] = 0  # one resample of a single row: one class only
    rows[1, : n // 2] = rows[1, n - n // 2:]  # duplicates
    return rows


@pytest.mark.parametrize("task,n", [("binary", 40), ("binary", 300), ("multiclass", 25),
                                    ("multiclass", 200)])
def test_every_counted_metric_matches_scikit_learn_on_each_resample(task, n):
    rng = np.random.default_rng(n)
    p = _binary(n, rng) if task == "binary" else _multiclass(n, rng)
    rows = _resamples(n, rng)
    checked = 0
    for metric in metrics_for(task):
        fast = resampled_values(metric.name, p, rows)
        if metric.name not in COUNTED:
            assert fast is None
            continue
        slow = np.array([metric.value(p.y_true[r], p.y_pred[r], p.y_score[r], p.labels,
                                      p.positive_label) for r in rows])
        np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12, err_msg=metric.name)
        assert np.array_equal(np.isnan(fast), np.isnan(slow)), metric.name
        checked += 1
    assert checked == len([m for m in metrics_for(task) if m.name in COUNTED]) >= 7


def test_undefined_resamples_are_nan_as_in_scikit_learn():
    rng = np.random.default_rng(3)
    p = _binary(30, rng)
    one_class = np.flatnonzero(p.y_true == 1)[:5]
    rows = np.stack([one_class, np.arange(5)])
    auc = resampled_values("roc_auc", p, rows)
    assert np.isnan(auc[0]) and np.isnan(get_metric("roc_auc").value(
        p.y_true[one_class], p.y_pred[one_class], p.y_score[one_class], p.labels, 1))
    assert np.isnan(resampled_values("average_precision", p, rows)[0])


def test_regression_and_missing_scores_are_left_to_the_metric():
    p = prepare(np.arange(5.0), np.arange(5.0) + 1, regression=True)
    assert resampled_values("rmse", p, np.array([[0, 1, 2]])) is None
    q = prepare(np.array([0, 1, 1]), np.array([0, 1, 0]))
    assert resampled_values("roc_auc", q, np.array([[0, 1, 2]])) is None


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_intervals_from_counts_equal_those_from_scikit_learn_per_resample(task, monkeypatch):
    """Above 500 rows the counted metrics share one pass over the same resamples; their
    intervals are those scikit-learn gives resample by resample."""
    from engine.final.stats import bootstrap
    rng = np.random.default_rng(11)
    p = _binary(620, rng) if task == "binary" else _multiclass(620, rng)
    score = p.y_score
    fast = bootstrap.metric_intervals(task, p.y_true, p.y_pred, score, p.labels,
                                      n_resamples=200)
    monkeypatch.setattr(bootstrap, "counts_metric", lambda *a: False)
    monkeypatch.setattr(bootstrap, "resampled_values", lambda *a: None)
    slow = bootstrap.metric_intervals(task, p.y_true, p.y_pred, score, p.labels,
                                      n_resamples=200)
    assert fast.keys() == slow.keys() and len(fast) >= 7
    for name in fast:
        assert fast[name].method == slow[name].method == "percentile", name
        assert fast[name].estimate == slow[name].estimate
        assert fast[name].low == pytest.approx(slow[name].low, abs=1e-12), name
        assert fast[name].high == pytest.approx(slow[name].high, abs=1e-12), name
