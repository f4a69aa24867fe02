"""Search ranges from a file or flags, error tags from a CSV, and the training monitor's
alerts and telemetry on the terminal."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest

from engine.cli.main import main
from engine.cli.printer import EventPrinter
from engine.core.jobs import AlertRaised
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training
from engine.tuning.space import default_space
from engine.tuning.space_file import custom_space, parse_range, read_space_file
from engine.tuning.summary import read_summary


@pytest.fixture(scope="module")
def analysed_template(split_template):
    """The split template with a linear run chosen and its dev mistakes analysed."""
    from engine.diagnosis.error_analysis import analyse_errors
    from engine.diagnosis.step import diagnose_project
    from engine.project.project import open_project as reopen

    run_training(TrainingSpec(str(split_template), "linear"))
    project = reopen(split_template)
    diagnose_project(project)
    analyse_errors(project)
    return split_template


@pytest.fixture
def analysed(analysed_template, tmp_path):
    shutil.copytree(analysed_template, tmp_path / "proj")
    return tmp_path / "proj"


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("practica: "), err
    return err[0]


def test_a_ranges_file_and_flags_change_only_what_they_name(split_project, tmp_path):
    toml = tmp_path / "ranges.toml"
    toml.write_text('round = 2\n[learning_rate]\nlow = 0.001\nhigh = 0.01\nscale = "log"\n'
                    '[optimizer]\nchoices = ["adam", "sgd"]\n[dropout]\nfixed = 0.2\n')
    written = read_space_file(toml)
    assert written == read_space_file(_as_json(toml, tmp_path))
    space = custom_space(split_project, "mlp", written, [parse_range("width=8..32")])
    default = default_space(split_project, "mlp")
    lr = space.get("learning_rate")
    assert (lr.low, lr.high, lr.log) == (0.001, 0.01, True)
    assert space.get("optimizer").choices == ("adam", "sgd") and space.get("optimizer").searched
    assert space.get("dropout").fixed == 0.2
    assert (space.get("width").low, space.get("width").high) == (8, 32)
    assert space.get("l2") == default.get("l2")


def _as_json(toml, tmp_path):
    path = tmp_path / "ranges.json"
    path.write_text(json.dumps({"round": 2, "learning_rate": {"low": 0.001, "high": 0.01,
                                                              "scale": "log"},
                                "optimizer": {"choices": ["adam", "sgd"]},
                                "dropout": {"fixed": 0.2}}))
    return path


def test_tune_searches_the_ranges_of_a_file(analysed, tmp_path, capsys):
    ranges = tmp_path / "r.json"
    ranges.write_text(json.dumps({"round": 2, "learning_rate": {"low": 0.002, "high": 0.003},
                                  "width": {"fixed": 16}}))
    assert main(["tune", str(analysed), "--trials", "1", "--epochs", "1", "--seed", "0",
                 "--ranges", str(ranges)]) == 0
    assert "Searching with your ranges (round 2)" in capsys.readouterr().out
    summary = read_summary(analysed)
    trial = summary.trials[0]
    assert trial.round == 2 and 0.002 <= trial.params["learning_rate"] <= 0.003
    assert open_project(analysed).run(trial.run_id).params["width"] == 16


@pytest.mark.parametrize("args, words", [
    (["--range", "learning_rate=0.1"], "is not a range"),
    (["--range", "learning_rate=-1..1:log"], "learning_rate"),
    (["--range", "colour=1..2"], "no setting 'colour'"),
    (["--fix", "width"], "is not a fixed setting"),
    (["--ranges", "no/such/file.toml"], "cannot be read"),
    (["--ranges", "{bad}"], "not valid JSON or TOML"),
    (["--zoom"], "no narrowed ranges yet"),
    (["--round", "0"], "whole number of 1 or more"),
])
def test_bad_ranges_are_one_plain_line(analysed, tmp_path, capsys, args, words):
    bad = tmp_path / "bad.toml"
    bad.write_text("[learning_rate\nlow = 1")
    args = [a.replace("{bad}", str(bad)) for a in args]
    assert main(["tune", str(analysed), "--trials", "1", *args]) == 2
    assert words in _one_line_error(capsys)
    assert read_summary(analysed) is None  # nothing was searched


def test_run_needs_a_budget_for_ranges(analysed, capsys):
    assert main(["run", str(analysed), "--until", "diagnose", "--fix", "width=16"]) == 2
    assert "--trials" in _one_line_error(capsys)


def test_tags_come_from_a_csv_into_the_project(analysed, tmp_path, capsys):
    project = open_project(analysed)
    mistakes = list(project.error_analysis.mistake_rows)
    path = tmp_path / "tags.csv"
    path.write_text("row,split,tags\n"
                    f"{mistakes[0]},dev,\"Mislabeled; rare case\"\n"
                    f"{mistakes[1]},dev,mislabeled\n")
    assert main(["tags", str(analysed), str(path)]) == 0
    out = capsys.readouterr().out
    tags = open_project(analysed).error_tags
    assert tags[str(mistakes[0])] == ["mislabeled", "rare case"]  # the suggested spelling
    assert tags[str(mistakes[1])] == ["mislabeled"]
    assert "mislabeled: 2 of 2 reviewed mistakes (100%)" in out

    # --replace starts again; a row that is not a dev row changes nothing.
    path.write_text(f"row,tags\n{mistakes[2]},ambiguous\n")
    assert main(["tags", str(analysed), str(path), "--replace"]) == 0
    assert open_project(analysed).error_tags == {str(mistakes[2]): ["ambiguous"]}
    train_row = json.loads((analysed / "splits.json").read_text())["train"]["rows"][0]
    path.write_text(f"row,tags\n{mistakes[0]},typo\n{train_row},blurry\n")
    capsys.readouterr()
    assert main(["tags", str(analysed), str(path)]) == 2
    assert "not a dev example" in _one_line_error(capsys)
    assert open_project(analysed).error_tags == {str(mistakes[2]): ["ambiguous"]}


@pytest.mark.parametrize("content, words", [
    ("line,labels\n1,x\n", "needs a 'row' column"),
    ("row,tags\nseven,x\n", "not a row number"),
])
def test_bad_tag_files_are_one_plain_line(analysed, tmp_path, capsys, content, words):
    path = tmp_path / "tags.csv"
    path.write_text(content)
    assert main(["tags", str(analysed), str(path)]) == 2
    assert words in _one_line_error(capsys)


def test_alerts_are_printed_once_per_run_and_kind():
    out = io.StringIO()
    printer = EventPrinter(stream=out)
    for _ in range(2):
        printer(AlertRaised("r1", "diverging", "warning", "The loss climbs."))
    printer(AlertRaised("r2", "diverging", "warning", "The loss climbs."))
    assert out.getvalue().splitlines() == ["  warning: The loss climbs."] * 2


def test_train_prints_the_monitors_alerts_and_telemetry(analysed, capsys):
    assert main(["train", str(analysed), "--model", "mlp", "--set", "epochs=3",
                 "--set", "learning_rate=50", "--set", "optimizer=sgd"]) == 0
    out = capsys.readouterr().out
    assert "Training monitor of Keras MLP" in out
    assert "error:" in out or "warning:" in out  # raised live by the monitor
    # The summary says when each alert came. SGD at a rate of 50 blows the loss up in the
    # first epoch on TensorFlow and PyTorch (the run stops there and fails); on JAX's first
    # weights the loss climbs for three epochs instead.
    said = [line for line in out.splitlines()
            if re.match(r"  (in the first epoch|after [123] epochs), (error|warning): ", line)]
    assert said
    if "blew up" in out:
        assert said[0].startswith("  in the first epoch, error: The loss blew up")
        assert ": failed" in out
