"""Choosing a run from the command line, and the one rule that adopts a search's best trial.

``practica use`` and ``--run`` on ``diagnose`` and ``run`` make a run or a trial the chosen
model through ``choose_run`` (the GUI's "Use this trial"), warning when it breaks a limit;
``practica tune`` and ``run --until tune`` adopt the best trial that meets every limit only
when it beats the chosen model (``adopt_best_trial``).
"""

from __future__ import annotations

import json
import shutil

import pytest

from engine.cli.main import main
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.tuning.summary import read_summary
from tests.conftest import make_mixed_frame


@pytest.fixture(scope="module")
def limited_template(tmp_path_factory):
    """A split project whose goal asks for a recall of at least 0.1 (the majority model,
    which never answers "yes", breaks it), with a majority and a linear run."""
    base = tmp_path_factory.mktemp("limited")
    data = base / "customers.csv"
    make_mixed_frame().to_csv(data, index=False)
    project = new_project(base / "proj", GoalChoice(data=str(data), target="bought",
                                                    constraints=("recall >= 0.1",)))
    split_project(project, seed=3)
    for kind in ("majority", "linear"):
        run_training(TrainingSpec(str(project.root), kind))
    return project.root


@pytest.fixture
def limited(limited_template, tmp_path):
    shutil.copytree(limited_template, tmp_path / "proj")
    return tmp_path / "proj"


def _run_of(folder, model):
    return next(r for r in open_project(folder).runs if r.model == model)


def test_use_lists_chooses_and_warns_about_a_broken_limit(limited, capsys):
    folder = str(limited)
    majority, linear = _run_of(folder, "majority"), _run_of(folder, "linear")
    assert main(["use", folder]) == 0
    listing = capsys.readouterr().out
    assert majority.id in listing and linear.id in listing
    assert "breaks a limit" in listing.split(majority.id)[1].splitlines()[0]

    assert main(["use", folder, majority.id]) == 0
    out = capsys.readouterr().out
    assert "Warning:" in out and "breaks a limit" in out
    project = open_project(folder)
    assert project.chosen_run == majority.id
    assert project.diagnosis.run == majority.id
    assert [d.kind for d in project.decisions][-2:] == ["model_accepted", "diagnosed"]

    # diagnose --run: the same choice, the ladder of that run
    assert main(["diagnose", folder, "--run", linear.id, "--json"]) == 0
    captured = capsys.readouterr()
    ladder = {row["name"]: row["error"] for row in json.loads(captured.out)["ladder"]}
    assert ladder["train"] == pytest.approx(linear.errors["train"])
    assert ladder["dev"] == pytest.approx(linear.errors["dev"])
    assert "Warning" not in captured.err
    assert open_project(folder).chosen_run == linear.id
    assert main(["diagnose", folder, "--run", majority.id, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["verdict"]  # the JSON stays whole; the warning: stderr
    assert captured.err.startswith("Warning:") and "Recall" in captured.err


@pytest.mark.parametrize("args", [
    ["use", "{dir}", "no-such-run"],
    ["use", "{dir}", "7"],  # no search yet: no trial 7
    ["diagnose", "--run", "x"],
])
def test_a_bad_choice_is_one_plain_line(limited, capsys, args):
    assert main([a.replace("{dir}", str(limited)) for a in args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("practica: ")


def test_run_with_run_chooses_at_the_diagnose_step(limited, capsys):
    folder = str(limited)
    majority = _run_of(folder, "majority")
    assert main(["run", folder, "--until", "diagnose", "--run", majority.id]) == 0
    out = capsys.readouterr().out
    assert "Steps run: diagnose." in out
    assert "warning:" in out and "breaks a limit" in out
    assert open_project(folder).chosen_run == majority.id


def test_tune_adopts_only_a_feasible_trial_that_beats_the_chosen_model(split_template,
                                                                        tmp_path, capsys):
    shutil.copytree(split_template, tmp_path / "proj")
    folder = str(tmp_path / "proj")
    for kind in ("majority", "linear"):
        run_training(TrainingSpec(folder, kind))
    assert main(["diagnose", folder, "--json"]) == 0  # chooses the linear model
    capsys.readouterr()
    linear, majority = _run_of(folder, "linear"), _run_of(folder, "majority")
    assert open_project(folder).chosen_run == linear.id

    # A search that cannot learn (tiny steps, one epoch) leaves the better model chosen.
    assert main(["tune", folder, "--trials", "1", "--epochs", "1", "--seed", "0",
                 "--range", "learning_rate=1e-6..2e-6:log", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    trial_run = open_project(folder).run(result["best_run"])
    assert trial_run.errors["dev"] >= linear.errors["dev"]  # the premise of this case
    assert result["adoption"]["adopted"] is False
    assert open_project(folder).chosen_run == linear.id

    # With a worse model chosen, a search that learns is adopted: its best feasible trial.
    assert main(["use", folder, majority.id]) == 0
    capsys.readouterr()
    assert main(["tune", folder, "--trials", "1", "--epochs", "6", "--seed", "0",
                 "--range", "learning_rate=0.02..0.05:log", "--fix", "width=64"]) == 0
    out = capsys.readouterr().out
    project = open_project(folder)
    summary = read_summary(folder)
    trials = [project.run(t.run_id) for t in summary.trials if t.state == "complete"]
    best = min(trials, key=lambda r: r.errors["dev"])
    assert best.errors["dev"] < majority.errors["dev"]
    assert project.chosen_run == best.id and project.diagnosis.run == best.id
    assert "is the chosen model now" in out
    assert project.decisions[-3].kind == "tuning_chosen"

    # Choosing by trial number picks that trial's run.
    first = summary.trials[0]
    assert main(["use", folder, str(first.trial)]) == 0
    assert open_project(folder).chosen_run == first.run_id

    # A trial that breaks a limit is never adopted, however good its dev error.
    from engine.goal.edit import set_constraints
    from engine.tuning.choice import adopt_best_trial

    project = open_project(folder)
    set_constraints(project, ["params < 100"])  # every network has more weights
    adoption = adopt_best_trial(project)
    assert not adoption.adopted and adoption.trial is None
    assert project.chosen_run == first.run_id
