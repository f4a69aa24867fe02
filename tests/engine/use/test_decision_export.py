"""The decision rule travels with the model: predictions from the project and from an
export answer by the same calibration and threshold, and the manifest says so."""

from __future__ import annotations

import json
import numpy as np
import pytest

from engine.decision.threshold import set_threshold
from engine.goal.decision import calibrated
from engine.project.parts.decision_rule import CalibrationFit, DecisionRule
from engine.project.project import open_project
from engine.use.model_export import export_model
from engine.use.prediction import predict_file
from engine.use.prediction_job import predict_to_csv
from engine.use.usable_model import load_usable
from tests.conftest import make_mixed_frame
from tests.engine.use.test_prediction import _project, own_scores


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("rule")
    return _project(root, make_mixed_frame(n=300), models=("linear",), abstain_accuracy=0.8)


def test_export_and_reload_answer_by_the_same_threshold_and_calibration(trained, tmp_path):
    project, (run,) = trained
    fit = CalibrationFit("platt", {"a": -1.7, "b": 0.4}, "cross_fit_5")
    project.decision_rule = DecisionRule(run=run, calibration=fit)
    project.save()
    result = set_threshold(project, "manual", value=0.3)
    assert result.rule.calibration == fit  # the calibration is kept
    project = open_project(project.root)

    new = tmp_path / "new.csv"
    frame = make_mixed_frame(n=80, seed=9).drop(columns="bought")
    frame.to_csv(new, index=False)
    here = predict_file(project, new)
    export_model(project, tmp_path / "export")
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["decision_rule"]["threshold"]["value"] == 0.3
    assert manifest["decision_rule"]["calibration"]["method"] == "platt"
    readme = (tmp_path / "export" / "README.txt").read_text()
    assert "0.3" in readme and "platt" in readme
    there = predict_file(tmp_path / "export", new)
    assert load_usable(tmp_path / "export").decision == project.decision_rule

    assert here["prediction"].tolist() == there["prediction"].tolist()
    assert here["abstain"].tolist() == there["abstain"].tolist()
    for col in ("confidence", "probability yes"):
        assert here[col].to_numpy() == pytest.approx(there[col].to_numpy())
    # The answers are the rule's: calibrated P(yes) >= 0.3, not the most likely class.
    raw = own_scores(project, run, frame)
    p_yes = calibrated(raw, fit)[:, project.goal.positive_index]
    assert there["probability yes"].to_numpy() == pytest.approx(p_yes)
    assert (there["prediction"] == "yes").tolist() == (p_yes >= 0.3).tolist()
    assert (p_yes >= 0.3).sum() > (raw[:, project.goal.positive_index] >= 0.5).sum()
    # The confidence is the calibrated probability of the answer given.
    want = np.where(p_yes >= 0.3, p_yes, 1 - p_yes)
    assert there["confidence"].to_numpy() == pytest.approx(want)
    summary = predict_to_csv(tmp_path / "export", new, tmp_path / "out.csv")
    assert summary.decision_threshold == 0.3 and summary.calibration == "platt"
    assert "0.3" in summary.sentence() and "platt" in summary.sentence()
    usable = load_usable(project)
    if usable.threshold is not None:
        assert (there["abstain"] == (want < usable.threshold)).all()


def test_without_a_rule_the_export_says_none_and_answers_the_most_likely_class(trained,
                                                                             tmp_path):
    project, (run,) = trained
    project.decision_rule = DecisionRule(run="someone-else")  # not this run's
    project.save()
    export_model(open_project(project.root), tmp_path / "plain")
    manifest = json.loads((tmp_path / "plain" / "manifest.json").read_text())
    assert manifest["decision_rule"] is None
    new = tmp_path / "new.csv"
    frame = make_mixed_frame(n=40, seed=5).drop(columns="bought")
    frame.to_csv(new, index=False)
    out = predict_file(tmp_path / "plain", new)
    raw = own_scores(project, run, frame)
    labels = np.array(project.goal.labels, dtype=object)
    assert out["prediction"].tolist() == labels[raw.argmax(axis=1)].tolist()
