"""The recommended move is built from the diagnosed run, and against overfitting it proposes
augmentation without switching it on."""

import shlex
from dataclasses import replace

import pytest

from engine.cli.commands import parse_settings
from engine.cli.move_printer import move_command, print_move
from engine.diagnosis.next_move import PROPOSED_AUGMENT, Move, recommended_move
from engine.diagnosis.step import diagnose_project
from engine.goal.step import GoalChoice, new_project
from engine.models import zoo
from engine.models.train_params import TrainParams
from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.project import open_project
from engine.project.run_record import RunRecord
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from tests.test_cli_data_kinds import _image_folder


def _train(project, **params):
    result = run_training(TrainingSpec(str(project.root), "mlp",
                                       {"epochs": 1, "depth": 1, **params}))
    assert result.status == "finished"
    return result.run_id


def _verdict(project, verdict):
    project.diagnosis = replace(project.diagnosis, verdict=verdict)
    return recommended_move(project)


def test_the_move_starts_from_the_diagnosed_run_not_the_latest(split_project):
    older = _train(split_project, width=8, dropout=0.05, l2=1e-5, learning_rate=0.003)
    newer = _train(split_project, width=32, dropout=0.25, l2=1e-3)
    project = open_project(split_project.root)
    diagnose_project(project, older)
    assert project.diagnosis.run == older and project.runs[-1].id == newer
    bias = _verdict(project, "bias")
    assert bias.run == older and project.run(older).label in bias.explanation
    assert (bias.params["width"], bias.params["depth"]) == (16, 2)  # 8 x 2, 1 + 1
    assert bias.params["learning_rate"] == pytest.approx(0.003)
    variance = _verdict(project, "variance")
    assert variance.run == older
    assert variance.params["dropout"] == pytest.approx(0.25)  # 0.05 + 0.2, not 0.25 + 0.2
    assert variance.params["l2"] == pytest.approx(1e-4)
    assert variance.params["width"] == 8
    diagnose_project(project, newer)  # the same rule for the newer run
    assert _verdict(project, "variance").params["dropout"] == pytest.approx(0.45)


def test_a_run_without_a_network_gets_the_recommended_settings(split_project):
    _train(split_project, width=32)
    baseline = run_training(TrainingSpec(str(split_project.root), "majority", {})).run_id
    project = open_project(split_project.root)
    diagnose_project(project, baseline)
    move = _verdict(project, "bias")
    defaults = zoo.arch_params("mlp", {})
    assert move.run == "" and move.params["width"] == defaults.width * 2  # not 32 * 2


def test_the_variance_move_proposes_augmentation_and_leaves_it_off(split_project, capsys):
    run_id = _train(split_project, width=8)
    project = open_project(split_project.root)
    diagnose_project(project, run_id)
    move = _verdict(project, "variance")
    assert move.params["augment"] == 0.0  # the run's own: not switched on
    assert move.extra == {"augment": PROPOSED_AUGMENT}
    assert "noise" in move.proposal and "unless you ask" in move.proposal
    assert move.with_extra()["augment"] == PROPOSED_AUGMENT
    assert move.with_extra() == {**move.params, "augment": PROPOSED_AUGMENT}
    # The command line prints the move and the one setting that adds augmentation.
    print_move(project)
    lines = capsys.readouterr().out.splitlines()
    command = next(line for line in lines if "practica train" in line).split(": ", 1)[1]
    argv = shlex.split(command)
    assert argv[:5] == ["practica", "train", str(project.root), "--model", "mlp"]
    sets = [argv[i + 1] for i, a in enumerate(argv) if a == "--set"]
    trained = {**zoo.arch_params("mlp", {}).to_dict(), **TrainParams().to_dict(),
               **parse_settings(sets)}
    assert trained == pytest.approx(move.params)  # the command trains exactly the move
    assert lines[-1].endswith(f"--set augment={PROPOSED_AUGMENT}")
    # A run that already had enough augmentation gets no proposal.
    strong = _train(project, width=8, augment=0.6)
    project = open_project(project.root)
    diagnose_project(project, strong)
    assert _verdict(project, "variance").extra == {}


def test_pictures_are_proposed_label_safe_augmentation(tmp_path):
    pics = _image_folder(tmp_path / "pics")
    project = new_project(tmp_path / "proj", GoalChoice(data=str(pics), target=None))
    split_project(project, seed=0)
    project.runs.append(RunRecord("r1", "cnn", "CNN", "finished", "2026-01-01T00:00:00",
                                  params={"filters": 4, "augment": 0.0}))
    project.chosen_run = "r1"
    project.diagnosis = DiagnosisRecord(run="r1", verdict="variance")
    move = recommended_move(project)
    assert move.model == "cnn" and move.run == "r1" and move.params["augment"] == 0.0
    assert not move.with_extra()["flip_keeps_label"]
    assert "not mirrored or turned" in move.proposal
    project.runs[0] = replace(project.runs[0], params={"flip_keeps_label": True})
    move = recommended_move(project)
    assert move.with_extra()["flip_keeps_label"] is True  # the user's own word stays
    assert "as you allowed" in move.proposal


def test_the_command_quotes_what_the_shell_would_split():
    line = move_command("my project", Move("x", "y", {"transfer_from": "a b.keras",
                                                      "nesterov": False}, "cnn"))
    assert shlex.split(line) == ["practica", "train", "my project", "--model", "cnn",
                                 "--set", "transfer_from=a b.keras", "--set", "nesterov=false"]


def test_diagnosed_trees_get_a_trees_move_that_trains(split_project):
    """Boosted trees are diagnosed as trees: the move grows other trees from the diagnosed
    run's settings (never a network with dropout), its command line trains, and the
    advice speaks of leaves, not layers."""
    trees = run_training(TrainingSpec(str(split_project.root), "boosted",
                                      {"num_leaves": 8, "min_rows_per_leaf": 6, "l2": 0.5}))
    assert trees.status == "finished"
    project = open_project(split_project.root)
    diagnose_project(project, trees.run_id)
    variance = _verdict(project, "variance")
    assert (variance.model, variance.run) == ("boosted", trees.run_id)
    assert variance.params["num_leaves"] == 4 and variance.params["min_rows_per_leaf"] == 12
    assert variance.params["l2"] == pytest.approx(5.0)
    assert "dropout" not in variance.params
    bias = _verdict(project, "bias")
    assert (bias.params["num_leaves"], bias.params["min_rows_per_leaf"]) == (16, 3)
    line = shlex.split(move_command(str(project.root), variance))
    assert line[3:5] == ["--model", "boosted"]
    settings = parse_settings([v for k, v in zip(line, line[1:]) if k == "--set"])
    assert settings == {"num_leaves": 4, "min_rows_per_leaf": 12, "l2": 5.0}
    made = run_training(TrainingSpec(str(project.root), variance.model, variance.params))
    assert made.status == "finished"
    from engine.diagnosis.step import read_ladder
    from engine.diagnosis.ladder import advice_for
    tree_advice = advice_for("variance", trees=True)
    assert tree_advice != advice_for("variance")
    assert not any("dropout" in line for line in tree_advice)
    overfit = {"train": 0.0, "train_dev": 0.30, "dev": 0.31}
    for model, advice in (("boosted", tree_advice), ("mlp", advice_for("variance"))):
        run = RunRecord("r", model, "r", "finished", "", errors=overfit)
        ladder = read_ladder(project, run)
        assert (ladder.verdict, ladder.advice) == ("variance", advice)
