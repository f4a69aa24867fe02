"""``practica new --label-columns A,B,C``: the target is the people's vote, the human-level
error and what people mix up are printed and stored with the goal; bad columns exit 2."""

from __future__ import annotations

from engine.cli.main import main as cli_main
from engine.project.project import open_project
from tests.engine.goal.labelled_data import planted


def test_new_with_label_columns_prints_and_stores_the_estimate(tmp_path, capsys):
    frame, _ = planted(rows=800)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(data),
                     "--label-columns", "ann, bob,cy"]) == 0
    out = capsys.readouterr().out
    goal = open_project(root).goal
    assert goal.target == "label_vote" and goal.labellers.columns == ("ann", "bob", "cy")
    assert f"{goal.labellers.estimate:.1%}" in out and "human-level error" in out
    assert "proposes" in out and "others' vote" in out
    assert goal.target_error == goal.labellers.estimate


def test_a_missing_label_column_is_one_line_and_exit_2(tmp_path, capsys):
    frame, _ = planted(rows=50)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    assert cli_main(["new", str(tmp_path / "p"), "--data", str(data),
                     "--label-columns", "ann,zed"]) == 2
    assert "zed" in capsys.readouterr().err
