"""The label check that runs before hard-example training (engine.diagnosis.hard_examples_check)."""

import numpy as np
import pandas as pd

from engine.cli.main import main as cli_main
from engine.diagnosis.hard_examples_check import check_before_hard_examples
from engine.project.project import open_project
from engine.split.datasets import split_frame
from tests.engine.diagnosis.test_label_issues import planted


def _blobs_project(tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    X, truth, given, flipped = planted(n=300, flips=20, seed=2)
    names = np.array(["red", "green", "blue"])
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "colour": names[given]}).to_csv(
        tmp_path / "blobs.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(tmp_path / "blobs.csv"),
                                                     target="colour"))
    split_project(project, seed=0)
    return project, flipped


def test_off_does_nothing_and_on_checks_the_training_labels_and_logs_it(tmp_path):
    project, flipped = _blobs_project(tmp_path)
    logged = len(project.decisions)
    assert check_before_hard_examples(project, {"hard_examples": 0}) == []
    assert check_before_hard_examples(project, {"hard_examples": 3}) == []  # refused later
    assert len(project.decisions) == logged
    stages = []
    sentences = check_before_hard_examples(project, {"hard_examples": 0.5}, stages.append)
    assert "wrong labels count more" in sentences[0]
    decision = open_project(project.root).decisions[-1]
    assert decision.kind == "hard_examples" and decision.details["strength"] == 0.5
    n_train = len(split_frame(project, "train"))
    assert decision.details["checked"] == n_train  # the training rows, and only them
    train_flips = set(flipped.tolist()) & set(split_frame(project, "train").index.tolist())
    assert decision.details["flagged"] >= len(train_flips) // 2 > 0
    assert f"of {n_train} rows look mislabelled" in sentences[1]
    assert [s.text for s in stages][-2:] == sentences


def test_cli_train_with_hard_examples_checks_labels_and_records_the_setting(split_project,
                                                                           capsys):
    root = str(split_project.root)
    assert cli_main(["train", root, "--model", "mlp", "--set", "hard_examples=0.8",
                     "--set", "epochs=3", "--set", "width=8"]) == 0
    out = capsys.readouterr().out
    assert "Hard examples are on (strength 0.8)" in out
    assert "Label check on the training rows" in out
    project = open_project(root)
    run = project.runs[-1]
    assert run.params["hard_examples"] == 0.8 and "hard_examples_max_weight" in run.params
    assert any(d.kind == "hard_examples" for d in project.decisions)


def test_cli_refuses_a_strength_above_one(split_project, capsys):
    assert cli_main(["train", str(split_project.root), "--model", "mlp",
                     "--set", "hard_examples=2"]) == 2
    assert "hard examples must be between 0 and 1" in capsys.readouterr().err
