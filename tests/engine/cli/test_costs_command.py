"""``practica new --cost`` and ``practica costs``: the costs of mistakes from the command line,
the expected cost as the metric through the final test, and the report and CSV that carry
it."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from engine.cli.main import main as cli_main
from engine.core.texts import text
from engine.diagnosis.importance import load_importance
from engine.goal.cost_table import false_alarm_and_miss
from engine.project.project import open_project
from engine.report import build_report
from tests.pdf_text import pdf_text


def _data(tmp_path, classes=("no", "yes"), cuts=(0.7,)):
    """One useful column, one of noise; "yes" is the rarer class (the one looked for)."""
    rng = np.random.default_rng(0)
    n = 240
    signal = rng.normal(size=n)
    noisy = signal + rng.normal(0, 0.6, n)
    label = np.array(classes)[np.searchsorted(np.quantile(noisy, cuts), noisy)]
    path = tmp_path / "data.csv"
    pd.DataFrame({"signal": signal, "noise": rng.normal(size=n), "label": label}).to_csv(
        path, index=False)
    return path


def test_new_with_costs_then_the_final_test_states_the_expected_cost(tmp_path, capsys):
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(_data(tmp_path)), "--target", "label",
                     "--metric", "expected_cost", "--cost", "yes:no=8", "--cost", "no:yes=2",
                     "--cost-unit", "euros", "--constraint", "expected_cost <= 5"]) == 0
    out = capsys.readouterr().out
    assert "A miss (the model says no, the truth is yes) costs 8 euros." in out
    goal = open_project(root).goal
    assert goal.metric == "expected_cost" and false_alarm_and_miss(goal.costs, "yes") == (2, 8)
    assert cli_main(["run", str(root), "--until", "split"]) == 0
    for model in ("majority", "linear"):
        assert cli_main(["train", str(root), "--model", model]) == 0
    # which inputs matter, judged by the expected cost (its base is the run's dev cost)
    linear = next(r for r in open_project(root).runs if r.model == "linear")
    assert cli_main(["explain", str(root), "--run", linear.id, "--repeats", "2"]) == 0
    importance = load_importance(open_project(root), linear.id)
    assert importance.metric == "expected_cost"
    assert importance.base == pytest.approx(linear.metrics["dev"]["expected_cost"])
    assert importance.inputs[0].name == "signal"
    assert cli_main(["run", str(root), "--until", "final", "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert "Expected cost on the test rows:" in out and "euros per example (95% interval" in out

    project = open_project(root)
    entry = project.final_test.metrics["expected_cost"]
    assert entry.low <= entry.value <= entry.high
    report = build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    words = pdf_text(report.pdf)
    assert text("report.costs.heading") in words
    assert "A miss (the model says no, the truth is yes) costs 8 euros." in words
    assert "Expected cost on the test rows:" in words
    with open(tmp_path / "csv" / "costs.csv", newline="") as f:
        rows = {(r["truth"], r["answer"]): float(r["cost"]) for r in csv.DictReader(f)}
    assert rows == {("no", "no"): 0, ("no", "yes"): 2, ("yes", "no"): 8, ("yes", "yes"): 0}
    with open(tmp_path / "csv" / "test_metrics.csv", newline="") as f:
        tested = {r["metric"]: r for r in csv.DictReader(f)}
    assert float(tested["expected_cost"]["low"]) == entry.low
    assert "costs.csv" in (tmp_path / "csv" / "README.txt").read_text()


def test_costs_command_sets_changes_shows_and_clears(tmp_path, capsys):
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(_data(tmp_path)), "--target", "label"]) == 0
    capsys.readouterr()
    assert cli_main(["costs", str(root)]) == 0
    assert "No costs given" in capsys.readouterr().out
    assert cli_main(["costs", str(root), "--false-alarm", "1", "--miss", "12",
                     "--unit", "hours"]) == 0
    out = capsys.readouterr().out
    assert "costs 12 hours" in out
    project = open_project(root)
    assert false_alarm_and_miss(project.goal.costs, "yes") == (1, 12)
    assert project.decisions[-1].kind == "costs_set"
    # one pair changed, the rest and the unit kept
    assert cli_main(["costs", str(root), "--cost", "no:yes=3"]) == 0
    assert false_alarm_and_miss(open_project(root).goal.costs, "yes") == (3, 12)
    assert open_project(root).goal.costs.unit == "hours"
    # a right answer that costs something is kept, with a note
    assert cli_main(["costs", str(root), "--cost", "yes:yes=1"]) == 0
    assert "Note: A right answer usually costs nothing" in capsys.readouterr().out
    for bad in (["--miss", "4"], ["--cost", "yes:maybe=2"], ["--false-alarm", "-1", "--miss", "2"],
                ["--clear", "--miss", "1"]):
        assert cli_main(["costs", str(root), *bad]) == 2
    err = capsys.readouterr().err
    assert "yes:no=10" in err and "cannot be below zero" in err
    # the metric uses the costs: clearing is refused until another metric is chosen
    project = open_project(root)
    from engine.goal.edit import set_metric
    set_metric(project, "expected_cost")
    project.save()
    assert cli_main(["costs", str(root), "--clear"]) == 2
    assert "still used" in capsys.readouterr().err
    project = open_project(root)
    set_metric(project, "f1")
    project.save()
    assert cli_main(["costs", str(root), "--clear"]) == 0
    assert open_project(root).goal.costs is None


def test_several_classes_take_pairs_and_refuse_the_yes_no_form(tmp_path, capsys):
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(_data(tmp_path, ("a", "b", "c"), (0.3, 0.6))),
                     "--target", "label", "--cost", "a:c=5"]) == 0
    assert "Truth a, answer c: 5 points." in capsys.readouterr().out
    assert open_project(root).goal.costs.matrix[2] == (1.0, 1.0, 0.0)
    assert cli_main(["costs", str(root), "--false-alarm", "1", "--miss", "2"]) == 2
    assert "yes/no task" in capsys.readouterr().err
