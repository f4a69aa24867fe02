"""The decision threshold in the final test: chosen on dev for ``recall >= 0.9``, used on
the test rows (recall with its interval at that threshold), fixed once the vault opens."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from sklearn import metrics as skm

from engine.decision.threshold import ThresholdError, load_curve, set_threshold
from engine.diagnosis.step import diagnose_project
from engine.final.gate import vault_gate
from engine.final.step import run_final_test
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import load_predictor


def _project(trained_dir, tmp_path, model="linear"):
    folder = tmp_path / "p"
    shutil.copytree(trained_dir, folder)
    project = open_project(folder)
    run = next(r for r in project.runs if r.model == model)
    diagnose_project(project, run.id)
    return project


def _p_yes(project, part):
    run = project.run(project.chosen_run)
    prep = load_preprocessor(project)
    frame = split_frame(project, part)
    scores = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(frame))
    y = target_values(project, frame).astype(str).to_numpy() == "yes"
    return scores[:, project.goal.positive_index], y


def test_recall_constraint_holds_on_dev_and_the_final_test_reports_it(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    result = set_threshold(project, "constraint", meet="recall >= 0.9")
    choice = result.choice
    p, y = _p_yes(project, "dev")
    dev_recall = skm.recall_score(y, p >= choice.value)
    assert choice.met and dev_recall >= 0.9 and choice.dev["recall"] == pytest.approx(dev_recall)
    assert choice.value < 0.5  # recall 0.9 needs more "yes" than the most likely class gives
    # Stored, logged, and the curve saved for the page and the report.
    again = open_project(project.root)
    assert again.decision_rule.threshold == choice and not again.decision_rule.after_test_seen
    logged = [d for d in again.decisions if d.kind == "decision_threshold"]
    assert logged and "recall >= 0.9" in logged[-1].text
    assert load_curve(again).thresholds

    final = run_final_test(again, seeds=1, n_resamples=50)
    assert final.decision is not None and final.decision.threshold.value == choice.value
    tp, ty = _p_yes(again, "test")
    answer = tp >= choice.value
    recall = final.metrics["recall"]
    assert recall.value == pytest.approx(skm.recall_score(ty, answer))
    assert final.metrics["precision"].value == pytest.approx(skm.precision_score(ty, answer))
    assert recall.low <= recall.value <= recall.high and recall.high - recall.low > 0
    assert final.confusion.matrix[1][1] == int(np.sum(ty & (tp >= choice.value)))
    raw = json.loads((again.root / "project.json").read_text())
    assert raw["final_test"]["decision"]["threshold"]["value"] == choice.value


def test_after_the_vault_opened_a_change_is_refused_or_marked(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    first = set_threshold(project, "manual", value=0.25).choice
    final = run_final_test(project, seeds=1, n_resamples=20)
    tp, ty = _p_yes(project, "test")
    assert (tp >= 0.25).sum() > (tp >= 0.5).sum()  # the threshold, not the most likely class
    assert final.metrics["recall"].value == pytest.approx(skm.recall_score(ty, tp >= 0.25))
    assert final.metrics["recall"].value > skm.recall_score(ty, tp >= 0.5)
    with pytest.raises(ThresholdError, match="new experiment"):
        set_threshold(project, "manual", value=0.2)
    assert open_project(project.root).decision_rule.threshold == first
    # A preview (nothing saved) stays possible; it reads dev rows only.
    assert not set_threshold(project, "manual", value=0.2, save=False).saved
    late = set_threshold(project, "manual", value=0.2, new_experiment="the cost of a miss changed")
    again = open_project(project.root)
    assert late.rule.after_test_seen and again.decision_rule.after_test_seen
    entry = [d for d in again.decisions if d.kind == "decision_threshold"][-1]
    assert entry.details["after_test_seen"] and entry.details["reason"]
    assert "after the test set was seen" in entry.text


def test_a_rule_for_another_run_does_not_apply_and_the_gate_says_so(trained_dir, tmp_path,
                                                                    capsys):
    project = _project(trained_dir, tmp_path)
    set_threshold(project, "manual", value=0.1)
    other = next(r for r in project.runs if r.model == "mlp")
    diagnose_project(project, other.id)
    notes = vault_gate(project).notes
    assert len(notes) == 1 and "does not apply" in notes[0]
    final = run_final_test(project, seeds=1, n_resamples=20)
    assert final.decision is None
    from engine.cli.commands import _print_outcome

    _print_outcome(project)
    assert "does not apply" in capsys.readouterr().out


def test_multiclass_and_missing_costs_are_refused(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    with pytest.raises(ThresholdError):
        set_threshold(project, "cost")
    with pytest.raises(ThresholdError):
        set_threshold(project, "constraint", meet="roc_auc >= 0.9")
    from dataclasses import replace

    project.goal = replace(project.goal, task="multiclass")
    with pytest.raises(ThresholdError, match="yes/no tasks only"):
        set_threshold(project, "metric")


def test_run_until_test_uses_the_threshold_set_with_the_cli(trained_dir, tmp_path, capsys):
    from engine.cli.main import main

    project = _project(trained_dir, tmp_path)
    root = str(project.root)
    assert main(["threshold", root, "--meet", "recall>=0.9"]) == 0
    out = capsys.readouterr().out
    chosen = open_project(root).decision_rule.threshold
    assert chosen.constraint == "recall >= 0.9" and f"{chosen.value:.3g}" in out
    assert main(["run", root, "--until", "test", "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    final = open_project(root).final_test
    assert final.decision.threshold == chosen and "decision threshold" in out
    # Once the test set was seen: one line, exit 2, nothing changed.
    assert main(["threshold", root, "--value", "0.2"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "new experiment" in err
    assert open_project(root).decision_rule.threshold == chosen


def test_the_report_says_how_the_model_decides(trained_dir, tmp_path):
    import pandas as pd
    from pypdf import PdfReader

    from engine.core.texts import text
    from engine.report import build_report

    project = _project(trained_dir, tmp_path)
    before = build_report(project, pdf_path=tmp_path / "a.pdf", csv_dir=tmp_path / "a")
    pages = " ".join(" ".join((p.extract_text() or "").split())
                     for p in PdfReader(str(before.pdf)).pages)
    assert text("report.threshold.title") in pages and "0.5 or more" in pages
    assert not (tmp_path / "a" / "threshold.csv").exists()

    choice = set_threshold(project, "constraint", meet="recall >= 0.9").choice
    final = run_final_test(project, seeds=1, n_resamples=30)
    after = build_report(project, pdf_path=tmp_path / "b.pdf", csv_dir=tmp_path / "b")
    pages = " ".join(" ".join((p.extract_text() or "").split())
                     for p in PdfReader(str(after.pdf)).pages)
    assert "recall >= 0.9" in pages and f"{choice.value:.3g}" in pages
    assert text("report.threshold.caption", rows=load_curve(project).rows) in pages
    csv = pd.read_csv(tmp_path / "b" / "threshold.csv")
    recall = csv.set_index("figure").loc["recall"]
    assert recall["dev"] == pytest.approx(choice.dev["recall"])
    assert recall["test"] == pytest.approx(final.metrics["recall"].value)
    assert recall["test_low"] == pytest.approx(final.metrics["recall"].low)
    assert recall["threshold"] == choice.value and recall["rule"] == "constraint"
    # The test predictions CSV answers by the same threshold.
    preds = pd.read_csv(tmp_path / "b" / "predictions_test.csv")
    assert ((preds["probability yes"] >= choice.value) == (preds["prediction"] == "yes")).all()


def test_the_threshold_is_chosen_on_calibrated_scores_and_keeps_the_calibration(trained_dir,
                                                                               tmp_path):
    from engine.decision.calibration import calibrate_run
    from engine.goal.decision import calibrated

    project = _project(trained_dir, tmp_path)
    calibrate_run(project, "isotonic")
    fit = project.decision_rule.calibration
    result = set_threshold(project, "constraint", meet="recall >= 0.9")
    assert result.rule.calibration == fit and result.curve.calibration == "isotonic"
    run = project.run(project.chosen_run)
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    raw = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(dev))
    p = calibrated(raw, fit)[:, project.goal.positive_index]
    y = target_values(project, dev).astype(str).to_numpy() == "yes"
    answer = p >= result.choice.value
    recall = skm.recall_score(y, answer)
    assert result.choice.dev["recall"] == pytest.approx(recall) and recall >= 0.9
    final = run_final_test(project, seeds=1, n_resamples=20)
    assert final.decision.calibration == fit
