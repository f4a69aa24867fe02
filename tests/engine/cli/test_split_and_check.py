"""The split's shares and seed from the command line, and ``check`` refusing a file whose
split cannot be made (by the same rule as the split itself)."""

from __future__ import annotations

import json

import pytest

from engine.cli.main import main
from engine.core.errors import DataError
from engine.goal.step import GoalChoice, new_project
from engine.project.parts.split import Fractions
from engine.project.project import open_project
from engine.split.shares import parse_shares, planned_sizes, size_problem
from engine.split.splits import default_fractions, make_split
from engine.split.step import split_project
from tests.conftest import make_mixed_frame


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("practica: "), err
    return err[0]


def test_check_says_a_five_row_file_is_not_usable(tmp_path, capsys):
    path = tmp_path / "five.csv"
    path.write_text("a,b,y\n1,2,x\n2,3,x\n3,4,z\n4,5,z\n5,6,z\n")
    assert main(["check", str(path), "--target", "y"]) == 2
    captured = capsys.readouterr()
    assert "The file is usable" not in captured.out
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "not usable" in err[0] and "--shares" in err[0]

    # The split refuses the same file for the same reason.
    project = new_project(tmp_path / "p", GoalChoice(data=str(path), target="y"))
    with pytest.raises(DataError) as refused:
        split_project(project)
    assert str(refused.value) in err[0]


@pytest.mark.parametrize("rows", [5, 8, 10, 11, 12, 20, 37])
def test_planned_sizes_are_the_sizes_the_split_makes(rows):
    y = make_mixed_frame(n=max(rows, 40), seed=rows)["bought"].iloc[:rows]
    fractions = default_fractions(rows)
    problem = size_problem(planned_sizes(rows, fractions))
    if problem:
        with pytest.raises(DataError, match="set would hold only"):
            make_split(y, fractions, seed=1)
    else:
        assert make_split(y, fractions, seed=1).sizes() == planned_sizes(rows, fractions)


def test_check_accepts_a_file_that_splits_and_tries_other_shares(tmp_path, mixed_csv, capsys):
    assert main(["check", str(mixed_csv), "--target", "bought"]) == 0
    assert "The file is usable" in capsys.readouterr().out
    # 1% dev and test of 160 rows is 2 rows each: still a split; 0.5% is not.
    assert main(["check", str(mixed_csv), "--target", "bought",
                 "--shares", "0.88,0.1,0.01,0.01"]) == 0
    capsys.readouterr()
    assert main(["check", str(mixed_csv), "--target", "bought",
                 "--shares", "0.89,0.1,0.005,0.005"]) == 2
    assert "dev set would hold only 1 rows" in _one_line_error(capsys)


def test_run_splits_with_the_shares_and_seed_given(tmp_path, mixed_csv, capsys):
    folder = str(tmp_path / "p")
    assert main(["new", folder, "--data", str(mixed_csv), "--target", "bought"]) == 0
    assert main(["run", folder, "--until", "data", "--shares", "60%,10%,15%,15%",
                 "--seed", "4"]) == 0
    split = open_project(folder).split
    assert split.fractions == Fractions(0.6, 0.1, 0.15, 0.15) and split.seed == 4
    assert split.sizes == planned_sizes(160, split.fractions)
    rows = json.loads((tmp_path / "p" / "splits.json").read_text())["dev"]["rows"]

    # The same shares and seed: nothing to do; another seed: split again.
    capsys.readouterr()
    assert main(["run", folder, "--until", "data", "--shares", "0.6,0.1,0.15,0.15",
                 "--seed", "4"]) == 0
    assert "none (they were already done)" in capsys.readouterr().out
    assert main(["run", folder, "--until", "data", "--seed", "5"]) == 0
    again = open_project(folder).split
    assert again.seed == 5 and again.fractions == split.fractions
    assert json.loads((tmp_path / "p" / "splits.json").read_text())["dev"]["rows"] != rows

    # check DIR --seed splits the project again too.
    assert main(["check", folder, "--seed", "6"]) == 0
    assert open_project(folder).split.seed == 6


@pytest.mark.parametrize("shares, words", [
    ("0.7,0.3", "is not four shares"),
    ("a,b,c,d", "is not four shares"),
    ("0.7,0.1,0.1,0", "above 0"),
    ("0.7,0.2,0.2,0.2", "add up to 1.3"),
])
def test_bad_shares_are_one_plain_line(split_project, capsys, shares, words):
    assert main(["run", str(split_project.root), "--until", "data", "--shares", shares]) == 2
    assert words in _one_line_error(capsys)
    assert open_project(split_project.root).split.seed == 3  # the split is untouched


def test_shares_of_a_second_file_add_up_per_file():
    assert parse_shares("90%,10%,50%,50%", second_file=True) == Fractions(0.9, 0.1, 0.5, 0.5)
    with pytest.raises(DataError, match="each pair"):
        parse_shares("0.7,0.1,0.1,0.1", second_file=True)


def test_seed_for_a_data_file_is_one_plain_line(mixed_csv, capsys):
    assert main(["check", str(mixed_csv), "--target", "bought", "--seed", "2"]) == 2
    assert "project folder" in _one_line_error(capsys)
