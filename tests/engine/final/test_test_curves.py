"""The final test's curves agree with scikit-learn and stay small enough to store."""

from dataclasses import replace
import json

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from engine.goal.evaluation import Predictions
from engine.final.test_curves import (MAX_POINTS, MAX_SCATTER, curve_bundle,
                                expected_calibration_error, reject_threshold,
                                target_accuracy)
from engine.project.parts.goal import Goal


def binary_case(n=120, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(["no", "yes"], n, p=[0.7, 0.3]).astype(object)
    p = np.clip(np.where(y == "yes", 0.65, 0.35) + rng.normal(0, 0.2, n), 0, 1)
    pred = np.where(p >= 0.5, "yes", "no").astype(object)
    goal = Goal(task="binary", labels=("no", "yes"), positive_label="yes", metric="f1")
    return goal, Predictions(y, pred, p, np.c_[1 - p, p])


def multiclass_case(n=400, classes=7, seed=1):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, classes, n)
    logits = rng.normal(0, 1, (n, classes))
    logits[np.arange(n), codes] += 1.2
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = [f"k{i}" for i in range(classes)]
    names = np.array(labels, dtype=object)
    goal = Goal(task="multiclass", labels=tuple(labels), positive_label=None,
                metric="accuracy")
    return goal, Predictions(names[codes], names[proba.argmax(1)], proba, proba)


def test_binary_curves_match_sklearn():
    goal, preds = binary_case()
    bundle = curve_bundle(goal, preds)
    json.dumps(bundle.to_dict(), allow_nan=False)  # plain, standard JSON
    positive = preds.y_true == "yes"
    roc = bundle.roc.curves
    assert [c.label for c in roc] == ["yes"]
    fpr, tpr, _ = skm.roc_curve(positive, preds.y_score)
    assert roc[0].fpr == pytest.approx(fpr, abs=1e-6) and roc[0].tpr == pytest.approx(tpr, abs=1e-6)
    assert roc[0].auc == pytest.approx(skm.roc_auc_score(positive, preds.y_score))
    assert bundle.roc.macro_auc == roc[0].auc
    pr = bundle.pr.curves[0]
    precision, recall, _ = skm.precision_recall_curve(positive, preds.y_score)
    assert pr.precision == pytest.approx(precision, abs=1e-6) and pr.recall == pytest.approx(recall, abs=1e-6)
    assert pr.average_precision == pytest.approx(
        skm.average_precision_score(positive, preds.y_score))
    assert pr.base_rate == pytest.approx(positive.mean())
    cal = bundle.calibration
    observed, predicted = calibration_curve(positive, preds.y_score, n_bins=10)
    assert cal.kind == "positive"
    assert cal.observed == pytest.approx(observed, abs=1e-6) and cal.predicted == pytest.approx(
        predicted, abs=1e-6)
    assert sum(cal.counts) == len(positive) and len(cal.counts) == len(observed)
    p, r, f, s = skm.precision_recall_fscore_support(preds.y_true, preds.y_pred,
                                                     labels=["no", "yes"], zero_division=0)
    rows = bundle.per_class
    assert [row.label for row in rows] == ["no", "yes"]
    assert [row.recall for row in rows] == pytest.approx(r)
    assert [row.precision for row in rows] == pytest.approx(p)
    assert [row.f1 for row in rows] == pytest.approx(f)
    assert [row.support for row in rows] == list(s)
    assert bundle.top_k is None  # two classes: top-k says nothing


def test_multiclass_one_vs_rest_macro_and_top_k_match_sklearn():
    goal, preds = multiclass_case()
    bundle = curve_bundle(goal, preds)
    labels = goal.labels
    for i, curve in enumerate(bundle.roc.curves):
        is_class = preds.y_true == labels[i]
        assert curve.label == labels[i]
        assert curve.auc == pytest.approx(skm.roc_auc_score(is_class, preds.proba[:, i]))
        assert bundle.pr.curves[i].average_precision == pytest.approx(
            skm.average_precision_score(is_class, preds.proba[:, i]))
    assert bundle.roc.macro_auc == pytest.approx(skm.roc_auc_score(
        preds.y_true, preds.proba, multi_class="ovr", average="macro", labels=labels))
    indicator = preds.y_true[:, None] == np.array(labels)[None, :]
    assert bundle.pr.macro_average_precision == pytest.approx(
        skm.average_precision_score(indicator, preds.proba, average="macro"))
    for k in (1, 3, 5):
        assert bundle.top_k[str(k)] == pytest.approx(
            skm.top_k_accuracy_score(preds.y_true, preds.proba, k=k, labels=labels))
    assert bundle.top_k["1"] == pytest.approx(skm.accuracy_score(preds.y_true, preds.y_pred))
    cal = bundle.calibration
    correct = preds.y_true == preds.y_pred
    observed, _ = calibration_curve(correct, preds.proba.max(1), n_bins=10)
    assert cal.kind == "confidence" and cal.observed == pytest.approx(observed, abs=1e-6)


def test_few_classes_have_no_top_k_and_a_missing_class_has_no_auc():
    goal, preds = multiclass_case(n=120, classes=4)
    absent = preds.y_true != "k2"
    preds = Predictions(preds.y_true[absent], preds.y_pred[absent], preds.proba[absent],
                        preds.proba[absent])
    bundle = curve_bundle(goal, preds)
    assert bundle.top_k is None
    aucs = {c.label: c.auc for c in bundle.roc.curves}
    assert aucs["k2"] is None and all(aucs[k] is not None for k in ("k0", "k1", "k3"))
    assert bundle.pr.macro_average_precision is not None
    json.dumps(bundle.to_dict(), allow_nan=False)


def test_a_diverged_model_gets_labels_only_curves():
    goal, preds = binary_case()
    bad = preds.proba.copy()
    bad[3] = np.nan
    bundle = curve_bundle(goal, Predictions(preds.y_true, preds.y_pred, bad[:, 1], bad))
    assert bundle.roc.curves == () and bundle.calibration is None
    assert bundle.coverage is None and len(bundle.per_class) == 2
    json.dumps(bundle.to_dict(), allow_nan=False)


def test_long_curves_are_thinned_but_keep_their_ends():
    goal, preds = multiclass_case(n=3000, classes=3)
    bundle = curve_bundle(goal, preds)
    for curve in bundle.roc.curves:
        assert 50 < len(curve.fpr) <= MAX_POINTS
        assert curve.fpr[0] == 0.0 and curve.fpr[-1] == 1.0 and curve.tpr[-1] == 1.0
    coverage = bundle.coverage
    assert len(coverage.coverage) <= MAX_POINTS and coverage.coverage[-1] == 1.0
    assert len(json.dumps(bundle.to_dict())) < 100_000


def test_expected_calibration_error_by_hand():
    # bin 0.1-0.2: two rows at 0.15, half positive -> gap 0.35, weight 1/2
    # bin 0.8-0.9: 0.85, positive -> gap 0.15, weight 1/4; bin 0.9-1: 0.95 -> 0.05, 1/4
    ece = expected_calibration_error([0, 1, 1, 1], [0.15, 0.15, 0.85, 0.95])
    assert ece == pytest.approx(0.35 / 2 + 0.15 / 4 + 0.05 / 4)
    assert expected_calibration_error([1, 0], [1.0, 0.0]) == pytest.approx(0.0)


def test_reject_option_reaches_the_asked_accuracy():
    goal, preds = multiclass_case()
    goal = replace(goal, abstain_accuracy=0.8)
    coverage = curve_bundle(goal, preds).coverage
    chosen = coverage.chosen
    assert coverage.target_accuracy == 0.8 and coverage.target_source == "abstain_accuracy"
    answered = preds.proba.max(1) >= chosen.threshold
    assert chosen.coverage == pytest.approx(answered.mean())
    assert chosen.accuracy == pytest.approx(
        skm.accuracy_score(preds.y_true[answered], preds.y_pred[answered]))
    assert chosen.accuracy >= 0.8 > skm.accuracy_score(preds.y_true, preds.y_pred)
    assert coverage.full_accuracy == pytest.approx(
        skm.accuracy_score(preds.y_true, preds.y_pred))
    # a threshold chosen elsewhere is reported as it is
    again = curve_bundle(goal, preds, threshold=0.5).coverage
    assert again.chosen_here is False and again.chosen.threshold == 0.5
    assert again.chosen.coverage == pytest.approx((preds.proba.max(1) >= 0.5).mean())


def test_a_threshold_chosen_on_dev_is_applied_to_test():
    goal, dev = multiclass_case(seed=4)
    _, test = multiclass_case(seed=5)
    goal = replace(goal, abstain_accuracy=0.8)
    threshold = reject_threshold(goal, dev)
    assert threshold == curve_bundle(goal, dev).coverage.chosen.threshold
    coverage = curve_bundle(goal, test, threshold=threshold).coverage
    answered = test.proba.max(1) >= threshold
    assert coverage.chosen.accuracy == pytest.approx(
        skm.accuracy_score(test.y_true[answered], test.y_pred[answered]))
    assert reject_threshold(replace(goal, abstain_accuracy=None), dev) is None


def test_target_accuracy_comes_from_the_goal_or_the_target_error():
    assert target_accuracy(Goal(metric="accuracy", abstain_accuracy=0.9), 0.2) == (
        0.9, "abstain_accuracy")
    assert target_accuracy(Goal(metric="f1"), 0.05) == (pytest.approx(0.95), "target_error")
    assert target_accuracy(Goal(metric="log_loss"), 0.3) == (None, None)
    assert target_accuracy(Goal(metric="accuracy"), None) == (None, None)
    goal, preds = binary_case()
    assert curve_bundle(goal, preds).coverage.chosen is None
    assert curve_bundle(goal, preds, target_error=0.1).coverage.target_accuracy == \
        pytest.approx(0.9)


def test_regression_points_and_residual_quantiles():
    rng = np.random.default_rng(3)
    y = rng.normal(10, 3, 1000)
    pred = y + rng.normal(0.5, 1, 1000)
    bundle = curve_bundle(Goal(task="regression", metric="rmse"),
                          Predictions(y, pred, None, None))
    reg = bundle.regression
    assert len(reg.true) == len(reg.predicted) == MAX_SCATTER
    assert set(reg.true) <= set(np.round(y, 6))  # stored to 6 decimals
    assert reg.residual_quantiles["0.5"] == pytest.approx(np.quantile(pred - y, 0.5))
    assert reg.abs_residual_quantiles["0.95"] == pytest.approx(
        np.quantile(np.abs(pred - y), 0.95))
    json.dumps(bundle.to_dict(), allow_nan=False)
