"""Every metric equals scikit-learn's own value computed directly on the same data."""

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from engine.core.errors import GoalError
from engine.goal.metrics import (METRICS, compute, compute_all, error_of, get_metric, metrics_for,
                            prepare, value_from_error)


@pytest.fixture
def binary():
    rng = np.random.default_rng(1)
    n = 200
    y_true = np.where(rng.random(n) < 0.3, "yes", "no")
    score = np.clip(0.35 * (y_true == "yes") + 0.65 * rng.random(n), 0, 1)
    y_pred = np.where(score > 0.5, "yes", "no")
    return y_true, y_pred, score


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(2)
    n = 300
    labels = ["c", "a", "b"]  # deliberately not sorted: score columns follow this order
    y_true = rng.choice(labels, size=n, p=[0.5, 0.3, 0.2])
    raw = rng.random((n, 3)) + 1.5 * (y_true[:, None] == np.array(labels)[None, :])
    score = raw / raw.sum(axis=1, keepdims=True)
    y_pred = np.array(labels)[score.argmax(axis=1)]
    return y_true, y_pred, score, labels


def test_binary_metrics_equal_sklearn(binary):
    y_true, y_pred, score = binary
    positive = y_true == "yes"
    expected = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "precision": skm.precision_score(y_true, y_pred, pos_label="yes"),
        "recall": skm.recall_score(y_true, y_pred, pos_label="yes"),
        "f1": skm.f1_score(y_true, y_pred, pos_label="yes"),
        "f1_macro": skm.f1_score(y_true, y_pred, average="macro"),
        "f1_weighted": skm.f1_score(y_true, y_pred, average="weighted"),
        "roc_auc": skm.roc_auc_score(positive, score),
        "average_precision": skm.average_precision_score(y_true, score, pos_label="yes"),
        "log_loss": skm.log_loss(y_true, np.c_[1 - score, score], labels=["no", "yes"]),
    }
    got = compute_all("binary", y_true, y_pred, score, positive_label="yes")
    assert set(got) == set(expected) == {m.name for m in metrics_for("binary")}
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-12), name
        assert compute(name, y_true, y_pred, score, positive_label="yes") == pytest.approx(value)


def test_binary_positive_is_the_smaller_label():
    """Positive class 0 (sorted first): scores are P(0); metrics must follow that."""
    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 2, 150)
    p_zero = np.clip(0.4 * (y_true == 0) + 0.6 * rng.random(150), 0, 1)
    y_pred = np.where(p_zero > 0.5, 0, 1)
    assert compute("roc_auc", y_true, y_pred, p_zero, positive_label=0) == pytest.approx(
        skm.roc_auc_score(y_true == 0, p_zero))
    assert compute("recall", y_true, y_pred, positive_label=0) == pytest.approx(
        skm.recall_score(y_true, y_pred, pos_label=0))
    assert compute("log_loss", y_true, y_pred, p_zero, positive_label=0) == pytest.approx(
        skm.log_loss(y_true, np.c_[p_zero, 1 - p_zero]))
    assert compute("average_precision", y_true, y_pred, p_zero, positive_label=0) == \
        pytest.approx(skm.average_precision_score(y_true, p_zero, pos_label=0))
    two_columns = np.c_[p_zero, 1 - p_zero]  # columns in the order of labels [0, 1]
    assert compute("roc_auc", y_true, y_pred, two_columns, labels=[0, 1],
                   positive_label=0) == pytest.approx(skm.roc_auc_score(y_true == 0, p_zero))


def test_multiclass_metrics_equal_sklearn(multiclass):
    y_true, y_pred, score, labels = multiclass
    order = np.argsort(labels)
    ordered, sorted_score = list(np.array(labels)[order]), score[:, order]
    expected = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "f1_macro": skm.f1_score(y_true, y_pred, average="macro"),
        "f1_weighted": skm.f1_score(y_true, y_pred, average="weighted"),
        "roc_auc": skm.roc_auc_score(y_true, sorted_score, multi_class="ovr", average="macro",
                                     labels=ordered),
        "log_loss": skm.log_loss(y_true, sorted_score, labels=ordered),
        "top2_accuracy": skm.top_k_accuracy_score(y_true, sorted_score, k=2, labels=ordered),
    }
    got = compute_all("multiclass", y_true, y_pred, score, labels=labels)
    assert set(got) == set(expected)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-12), name


def test_regression_metrics_equal_sklearn():
    rng = np.random.default_rng(4)
    y_true = rng.normal(10, 3, 120)
    y_pred = y_true + rng.normal(0, 1, 120)
    got = compute_all("regression", y_true, y_pred)
    assert got == pytest.approx({
        "mae": skm.mean_absolute_error(y_true, y_pred),
        "rmse": math.sqrt(skm.mean_squared_error(y_true, y_pred)),
        "r2": skm.r2_score(y_true, y_pred),
    })


def test_undefined_metrics_are_nan_not_errors():
    y_true = np.array([1, 1, 1, 1])
    y_pred = np.array([1, 0, 1, 1])
    score = np.array([0.9, 0.2, 0.8, 0.7])
    got = compute_all("binary", y_true, y_pred, score, labels=[0, 1], positive_label=1)
    assert math.isnan(got["roc_auc"]) and math.isnan(got["average_precision"])
    assert got["accuracy"] == 0.75
    assert math.isnan(compute("r2", [1.0], [2.0]))
    no_scores = compute_all("binary", y_true, y_pred, None, labels=[0, 1])
    assert math.isnan(no_scores["log_loss"]) and no_scores["recall"] == 0.75


@pytest.mark.parametrize("name", list(METRICS))
def test_error_round_trip(name):
    for value in (0.0, 0.25, 0.9, 1.0):
        assert value_from_error(name, error_of(name, value)) == pytest.approx(value)


def test_error_direction():
    assert error_of("accuracy", 0.9) == pytest.approx(0.1)
    assert error_of("roc_auc", 0.75) == pytest.approx(0.25)
    assert error_of("r2", 0.6) == pytest.approx(0.4)
    assert error_of("rmse", 3.5) == 3.5
    assert error_of("log_loss", 0.4) == 0.4


def test_registry_and_texts():
    assert [m.name for m in metrics_for("regression")] == ["mae", "rmse", "r2"]
    assert "top2_accuracy" in {m.name for m in metrics_for("multiclass")}
    assert "precision" not in {m.name for m in metrics_for("multiclass")}
    for metric in METRICS.values():
        assert metric.label and metric.explanation and "{" not in metric.explanation
        assert metric.bounded == (metric.name not in {"log_loss", "mae", "rmse", "r2"})


def test_unknown_and_wrong_task_metrics_raise_goal_error():
    with pytest.raises(GoalError, match="accuracy"):
        get_metric("acuracy")
    with pytest.raises(GoalError, match="mae, rmse, r2"):
        get_metric("accuracy", "regression")
    with pytest.raises(GoalError):
        compute("nonsense", [0, 1], [0, 1])
    assert get_metric("f1", "binary").name == "f1"


@pytest.mark.parametrize("name", ["accuracy", "balanced_accuracy", "precision", "recall", "f1",
                                  "f1_macro", "f1_weighted", "mae", "rmse", "r2"])
def test_many_resamples_at_once_equal_one_by_one(name, binary):
    """``Metric.values`` (used by the bootstrap) gives exactly the one-by-one values."""
    rng = np.random.default_rng(5)
    metric = METRICS[name]
    if "regression" in metric.tasks:
        y_true = rng.normal(size=60)
        p = prepare(y_true, y_true + rng.normal(size=60), regression=True)
    else:
        y_true, y_pred, score = binary
        p = prepare(y_true, y_pred, score, positive_label="yes")
    rows = rng.integers(0, len(p.y_true), (40, len(p.y_true)))
    rows[0] = 0  # a degenerate resample with a single row repeated
    score = None if p.y_score is None else p.y_score[rows]
    together = metric.values(p.y_true[rows], p.y_pred[rows], score, p.labels, p.positive_label)
    alone = [metric.value(p.y_true[r], p.y_pred[r], None if p.y_score is None else p.y_score[r],
                          p.labels, p.positive_label) for r in rows]
    np.testing.assert_allclose(together, alone, rtol=1e-12, atol=1e-12)


def test_positive_label_missing_from_the_rows_gives_nan_not_an_error():
    assert math.isnan(compute("roc_auc", [0, 0, 0], [0, 0, 0], [0.1, 0.2, 0.3],
                              positive_label=1))
    assert compute("recall", [0, 0], [0, 1], positive_label=1) == 0.0
    with pytest.raises(ValueError, match="positive label"):
        compute("recall", [0, 1], [0, 1], labels=[0, 1], positive_label=2)
