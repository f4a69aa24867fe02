"""Several classes with a cost table: the model answers the class of lowest expected cost,
measured on dev, fixed before the vault, used by the final test and said in the report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.decision.cost_answers import set_cost_answers
from engine.decision.threshold import ThresholdError
from engine.goal.decision import cheapest_answers, decided
from engine.goal.step import GoalChoice, new_project
from engine.project.parts.goal import CostTable, Goal
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training


def _project(tmp_path):
    """Three overlapping classes; missing a "c" costs 20, every other mistake 1."""
    rng = np.random.default_rng(5)
    n = 450
    centre = rng.integers(0, 3, n)
    x = centre[:, None] * 1.0 + rng.normal(0, 0.9, (n, 2))
    frame = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1],
                          "kind": np.array(["a", "b", "c"])[centre]})
    frame.to_csv(tmp_path / "data.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(
        data=str(tmp_path / "data.csv"), target="kind", metric="accuracy",
        costs=("c:a=20", "c:b=20")))
    split_project(project, seed=1)
    run = run_training(TrainingSpec(str(project.root), "linear", {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def test_the_cheapest_class_under_the_probabilities():
    goal = Goal(target="y", task="multiclass", metric="accuracy", labels=("a", "b", "c"),
                costs=CostTable(("a", "b", "c"), ((0, 1, 1), (1, 0, 1), (20, 20, 0))))
    probs = np.array([[0.9, 0.08, 0.02], [0.6, 0.1, 0.3], [0.05, 0.93, 0.02]])
    # row 1: answering a costs 0.08 + 0.02 * 20 = 0.48, answering c costs 0.98;
    # row 2: answering a costs 0.1 + 0.3 * 20 = 6.1, answering c costs 0.7
    assert cheapest_answers(goal, probs).tolist() == ["a", "c", "b"]
    assert decided(goal, None, pd.Series(["a", "c", "b"]), probs).y_pred.tolist() == \
        ["a", "a", "b"]


def test_answering_by_cost_lowers_the_dev_cost_and_the_final_test_uses_it(tmp_path):
    project = _project(tmp_path)
    result = set_cost_answers(project)
    before, after = result.answers.before, result.answers.after
    assert after["expected_cost"] < before["expected_cost"]
    assert after["accuracy"] <= before["accuracy"]  # cheaper, not more often right
    assert 0 < result.answers.changed < 1
    project = open_project(project.root)
    assert project.decision_rule.cost_answers == result.answers
    assert [d.kind for d in project.decisions][-1] == "decision_cost_answers"

    from engine.diagnosis.step import diagnose_project
    from engine.final.step import run_final_test

    diagnose_project(project)
    final = run_final_test(project, n_resamples=50, seeds=1)
    assert final.decision is not None and final.decision.cost_answers == result.answers
    test_cost = final.metrics["expected_cost"]
    assert test_cost.low <= test_cost.value <= test_cost.high
    # answering by cost says "c" more often on the test rows than the most likely class
    answered_c = sum(row[2] for row in final.confusion.matrix)
    truly_c = sum(final.confusion.matrix[2])
    assert answered_c > truly_c

    project = open_project(project.root)
    with pytest.raises(ThresholdError, match="test set"):
        set_cost_answers(project)
    late = set_cost_answers(project, new_experiment="costs were revised by the client")
    assert late.rule.after_test_seen


def test_a_yes_no_task_or_no_costs_is_refused(tmp_path):
    project = _project(tmp_path)
    from dataclasses import replace

    project.goal = replace(project.goal, costs=None)
    with pytest.raises(ThresholdError, match="cost table"):
        set_cost_answers(project, save=False)
    project.goal = replace(project.goal, task="binary")
    with pytest.raises(ThresholdError, match="several classes"):
        set_cost_answers(project, save=False)


def test_the_cli_answers_by_cost_for_several_classes(tmp_path, capsys):
    from engine.cli.main import main

    project = _project(tmp_path)
    assert main(["threshold", str(project.root), "--rule", "cost"]) == 0
    out = capsys.readouterr().out
    assert "class whose expected cost is lowest" in out and "expected_cost" in out
    assert open_project(project.root).decision_rule.cost_answers is not None


def test_an_export_answers_by_cost_like_the_project(tmp_path):
    from engine.use.model_export import export_model
    from engine.use.prediction import predict_file

    project = _project(tmp_path)
    set_cost_answers(project)
    project = open_project(project.root)
    rng = np.random.default_rng(11)
    new = tmp_path / "new.csv"
    pd.DataFrame({"x1": rng.normal(1, 1.2, 120), "x2": rng.normal(1, 1.2, 120)}).to_csv(
        new, index=False)
    here = predict_file(project, new)
    export_model(project, tmp_path / "export")
    readme = (tmp_path / "export" / "README.txt").read_text()
    assert "expected cost is lowest" in readme
    there = predict_file(tmp_path / "export", new)
    assert here["prediction"].tolist() == there["prediction"].tolist()
    # answering by cost says "c" more often than the most likely class would
    likely = there[["probability a", "probability b", "probability c"]].to_numpy().argmax(1)
    assert (there["prediction"] == "c").sum() > (likely == 2).sum()
