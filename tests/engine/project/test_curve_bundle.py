"""The typed curves of a final test (``engine.project.parts.test_curves``): they read the
release before's bundle into frozen records with tuples of floats, give the same JSON back,
read older or partial forms with defaults, and are what ``curve_bundle`` builds."""

import dataclasses
import json
from pathlib import Path

import pytest

from engine.final.test_curves import curve_bundle
from engine.goal.evaluation import Predictions
from engine.project.parts.goal import Goal
from engine.project.parts.test_curves import (Calibration, RejectChoice, ClassScores,
                                              CurveBundle, PrCurve, PrCurves, RegressionPoints,
                                              RejectCurve, RocCurve, RocCurves)
from tests.engine.final.test_test_curves import binary_case, multiclass_case

OLD = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1" / "project.json"


@pytest.fixture(scope="module")
def raw():
    return json.loads(OLD.read_text())["final_test"]["curves"]


def test_the_old_release_reads_into_typed_sections_and_back(raw):
    bundle = CurveBundle.from_dict(raw)
    assert bundle.to_dict() == raw
    assert json.dumps(bundle.to_dict(), sort_keys=True) == json.dumps(raw, sort_keys=True)
    assert CurveBundle.from_dict(bundle.to_dict()) == bundle
    assert (bundle.task, bundle.rows, bundle.labels, bundle.positive_label) == (
        "binary", 114, ("benign", "malignant"), "malignant")
    assert isinstance(bundle.roc, RocCurves) and isinstance(bundle.pr, PrCurves)
    assert all(isinstance(c, RocCurve) for c in bundle.roc.curves)
    assert all(isinstance(c, PrCurve) for c in bundle.pr.curves)
    assert isinstance(bundle.calibration, Calibration) and isinstance(bundle.coverage, RejectCurve)
    assert all(isinstance(r, ClassScores) for r in bundle.per_class)
    assert bundle.regression is None and bundle.top_k is None
    roc = bundle.roc.curves[0]
    assert isinstance(roc.fpr, tuple) and all(type(v) is float for v in roc.fpr + roc.tpr)
    assert roc.auc == raw["roc"]["curves"][0]["auc"]
    assert bundle.calibration.counts == tuple(raw["calibration"]["counts"])
    assert bundle.coverage.chosen is None and bundle.coverage.chosen_here is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        bundle.task = "regression"
    with pytest.raises(dataclasses.FrozenInstanceError):
        roc.auc = 1.0


def test_partial_and_older_forms_take_defaults():
    bundle = CurveBundle.from_dict({"task": "multiclass", "roc": {"curves": [{"label": 3}]},
                                    "pr": "not a mapping", "per_class": [{"label": "a"}, 7]})
    assert bundle.roc == RocCurves(curves=(RocCurve(label="3"),))
    assert bundle.pr is None and bundle.calibration is None and bundle.coverage is None
    assert bundle.per_class == (ClassScores("a", None, None, None, 0),)
    assert bundle.rows == 0 and bundle.labels == () and bundle.positive_label is None
    coverage = RejectCurve.from_dict({"coverage": [1], "accuracy": [1]})
    assert coverage.coverage == (1.0,) and coverage.chosen is None and coverage.chosen_here
    assert Calibration.from_dict({}).counts == () and Calibration.from_dict({}).bins == 10


def test_a_regression_keeps_its_three_keys():
    stored = {"task": "regression", "rows": 3, "regression": {
        "true": [1.0, 2.0], "predicted": [1.5, 2.5],
        "residual_quantiles": {"0.5": 0.5, "0.95": None},
        "abs_residual_quantiles": {"0.5": 0.5}}}
    bundle = CurveBundle.from_dict(stored)
    assert bundle.is_regression and bundle.to_dict() == stored
    reg = bundle.regression
    assert isinstance(reg, RegressionPoints) and reg.true == (1.0, 2.0)
    assert reg.residual(0.5) == 0.5 and reg.residual(0.95) is None
    assert reg.abs_residual(0.5) == 0.5 and reg.abs_residual(0.05) is None


def test_curve_bundle_builds_the_types_and_they_survive_json():
    goal, preds = binary_case()
    goal = dataclasses.replace(goal, abstain_accuracy=0.8)
    bundle = curve_bundle(goal, preds)
    assert isinstance(bundle, CurveBundle) and isinstance(bundle.coverage.chosen, RejectChoice)
    again = CurveBundle.from_dict(json.loads(json.dumps(bundle.to_dict(), allow_nan=False)))
    assert again == bundle
    goal, preds = multiclass_case()
    bundle = curve_bundle(goal, preds)
    assert set(bundle.top_k) == {"1", "3", "5"}
    assert CurveBundle.from_dict(json.loads(json.dumps(bundle.to_dict()))) == bundle
    reg = curve_bundle(Goal(task="regression", metric="rmse"),
                       Predictions(preds.proba[:, 0], preds.proba[:, 1], None, None))
    assert set(reg.to_dict()) == {"task", "rows", "regression"}
    assert CurveBundle.from_dict(json.loads(json.dumps(reg.to_dict()))) == reg
