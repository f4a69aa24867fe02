"""``practica diagnose DIR``: a project's ladder in the same form as the numbers-only call."""

from __future__ import annotations

import json
import shlex

import pytest

from engine.cli.main import main
from engine.cli.move_printer import move_command
from engine.core.texts import text
from engine.diagnosis.next_move import recommended_move
from engine.diagnosis.ladder import diagnose
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training


@pytest.fixture
def trained(split_project):
    for kind in ("majority", "linear"):
        run_training(TrainingSpec(str(split_project.root), kind, {}))
    return split_project.root


def test_project_ladder_is_the_typed_ladder_of_its_best_run(trained, capsys):
    assert main(["diagnose", str(trained), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    project = open_project(trained)
    assert project.diagnosis.verdict == out["verdict"]
    run = project.run(project.chosen_run)
    assert run.model == "linear"  # the better of the two
    typed = diagnose(train=run.errors["train"], dev=run.errors["dev"],
                     train_dev=run.errors.get("train_dev"),
                     target=project.goal.target_error).to_dict()
    assert set(out) >= set(typed)
    assert out["verdict"] == typed["verdict"] and out["advice"] == typed["advice"]
    assert [r["name"] for r in out["ladder"]] == [r["name"] for r in typed["ladder"]]

    # The plain form prints the same lines as the typed call with those errors in percent.
    assert main(["diagnose", str(trained)]) == 0
    from_project = capsys.readouterr().out.splitlines()
    args = ["diagnose", "--train", str(100 * run.errors["train"]),
            "--dev", str(100 * run.errors["dev"])]
    if run.errors.get("train_dev") is not None:
        args += ["--train-dev", str(100 * run.errors["train_dev"])]
    assert main(args) == 0
    from_numbers = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in from_project[:4]] == \
        [line.split()[0] for line in from_numbers[:4]]
    assert from_project[len(out["ladder"])] == from_numbers[len(typed["ladder"])]


def test_diagnose_without_project_or_errors_is_one_plain_line(capsys):
    assert main(["diagnose"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--train" in err[0]


def test_the_plain_form_ends_with_the_move_of_the_diagnosed_run(trained, capsys):
    assert main(["diagnose", str(trained)]) == 0
    lines = capsys.readouterr().out.splitlines()
    project = open_project(trained)
    move = recommended_move(project)
    assert move is not None and project.diagnosis.verdict in ("bias", "variance")
    at = lines.index(text("move.cli_next", label=move.label))
    assert lines[at + 1].strip() == move.explanation  # a linear run: from the defaults
    command = lines[at + 2].split(": ", 1)[1]
    assert command == move_command(str(project.root), move)
    assert shlex.split(command)[:5] == ["practica", "train", str(project.root), "--model",
                                        move.model]
