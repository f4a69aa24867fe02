"""``practica check PROJECT``: the file findings and the split checks, with the fixes."""

import numpy as np

from engine.cli.main import main
from engine.project.project import open_project
from engine.split.step import split_project
from tests.engine.split.split_check_data import project_from, table


def _project(tmp_path):
    main_rows = table(400)
    care = table(200, seed=1)
    copied = np.random.default_rng(1).choice(400, 40, replace=False)
    care.iloc[:40] = main_rows.iloc[copied].to_numpy()
    frame = main_rows.assign(result=main_rows["label"].map({"yes": "ok", "no": "ko"}))
    care = care.assign(result=care["label"].map({"yes": "ok", "no": "ko"}))
    return project_from(tmp_path, frame, second=care)


def test_check_of_a_project_prints_file_and_split_findings_and_applies_fixes(
        tmp_path, capsys):
    project = _project(tmp_path)
    assert main(["check", str(project.root)]) == 0
    out = capsys.readouterr().out
    assert "Checks of the data file:" in out and "not split yet" in out

    split_project(project, seed=3)
    assert main(["check", str(project.root)]) == 2
    captured = capsys.readouterr()
    out = captured.out
    assert "Checks of the split:" in out
    assert "[blocker]" in out and "exact copies of rows of the training set" in out
    assert f"practica check {project.root} --drop-copies" in out
    assert f'practica check {project.root} --leave-out "result"' in out
    assert "blocker" in captured.err and len(captured.err.strip().splitlines()) == 1

    assert main(["check", str(project.root), "--drop-copies", "--leave-out", "result"]) == 0
    out = capsys.readouterr().out
    assert "Splitting again with the fix" in out and "were left out" in out
    assert "[blocker]" not in out and "The split can be used." in out
    reopened = open_project(project.root)
    assert reopened.split.seed == 3 and "result" not in reopened.features
    assert [d.kind for d in reopened.decisions][-3:] == ["column_left_out", "split_made",
                                                        "copies_dropped"]


def test_fixes_need_a_project_folder(tmp_path, capsys):
    path = tmp_path / "t.csv"
    table(60).to_csv(path, index=False)
    assert main(["check", str(path), "--target", "label", "--drop-copies"]) == 2
    assert "project folder" in capsys.readouterr().err
    assert main(["check", str(path), "--target", "label"]) == 0  # a file as before
    assert "The file is usable." in capsys.readouterr().out
