"""The vault guards the data, not a file name (issue 15, point 10): before the vault opens,
no copy of the project's data — a line added, rows or columns reordered, spaces, fewer
decimals, another name — and no export of its model gives predictions for the test rows.

Each test plays the attacker: it predicts what it should not, then tries to score the test
rows of ``splits.json`` with what came back, and finds nothing to score.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from engine.cli.main import main as cli_main
from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.project.vault import open_vault
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.use.export_guard import GUARD_FILE
from engine.use.model_export import export_model
from engine.use.prediction import predict_file, predict_new
from engine.use.usable_model import load_usable
from tests.conftest import make_mixed_frame

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    """A split project with a chosen linear model, its data file with a ``code`` column
    (no input of the model) naming each row, and the codes of its test rows."""
    folder = tmp_path_factory.mktemp("guard")
    frame = make_mixed_frame(300)
    frame.insert(0, "code", [f"r{i:03d}" for i in range(len(frame))])
    data = folder / "customers.csv"
    frame.to_csv(data, index=False)
    project = new_project(folder / "proj", GoalChoice(data=str(data), target="bought"))
    split_project(project, seed=3)
    run = run_training(TrainingSpec(str(project.root), "linear", {})).run_id
    project = open_project(project.root)
    project.chosen_run = run
    project.save()
    assert "code" not in project.features
    rows = json.loads((project.root / "splits.json").read_text())["test"]["rows"]
    return project.root, data, set(frame["code"].iloc[rows])


def _copy(root, where):
    shutil.copytree(root, where)
    return where


def _scored_test_rows(out: pd.DataFrame, test_codes: set[str]) -> set[str]:
    """The test rows the attacker got a prediction for."""
    return set(out["code"]) & test_codes


def test_a_copy_of_the_data_file_with_a_newline_gives_no_test_predictions(locked, tmp_path,
                                                                          capsys):
    root, data, test_codes = locked
    copy = tmp_path / "COPY.csv"
    copy.write_text(data.read_text() + "\n")
    out = tmp_path / "pred.csv"
    assert cli_main(["predict", str(root), str(copy), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    got = pd.read_csv(out)
    assert _scored_test_rows(got, test_codes) == set()
    assert len(got) == 300 - len(test_codes)
    assert text("use.test_rows_left_out", count=len(test_codes), total="300",
                name="COPY.csv") in printed


@pytest.mark.parametrize("disguise", ["shuffled", "columns", "spaces", "decimals", "excel",
                                      "extra column"])
def test_disguised_copies_leave_out_exactly_the_test_rows(locked, tmp_path, disguise):
    root, data, test_codes = locked
    frame = pd.read_csv(data)
    path = tmp_path / f"renamed-{disguise}.csv"
    if disguise == "shuffled":
        frame = frame.sample(frac=1.0, random_state=4)
    elif disguise == "columns":
        frame = frame[list(reversed(frame.columns))]
    elif disguise == "extra column":
        frame.insert(2, "note", range(len(frame)))
    if disguise == "spaces":
        lines = data.read_text().splitlines()
        path.write_text("\n".join(", ".join(line.split(",")) for line in lines) + "\n\n")
    elif disguise == "decimals":
        frame.to_csv(path, index=False, float_format="%.6f")
    elif disguise == "excel":
        path = path.with_suffix(".xlsx")
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    predicted = predict_new(load_usable(root), path)
    assert _scored_test_rows(predicted.frame, test_codes) == set()
    assert predicted.rows == 300 - len(test_codes), disguise
    assert any(f"{len(test_codes)} of the 300" in n for n in predicted.notes)


def test_new_data_loses_nothing_and_a_file_of_test_rows_only_is_refused(locked, tmp_path):
    root, data, test_codes = locked
    new = make_mixed_frame(50, seed=11)
    path = tmp_path / "new.csv"
    new.to_csv(path, index=False)
    predicted = predict_new(load_usable(root), path)
    assert predicted.rows == 50 and not any("left out" in n for n in predicted.notes)
    frame = pd.read_csv(data)
    only = tmp_path / "only-test.csv"
    frame[frame["code"].isin(test_codes)].to_csv(only, index=False)
    from engine.core.errors import DataError

    with pytest.raises(DataError, match="test rows"):
        predict_file(root, only)


def test_once_the_vault_is_open_every_row_is_predicted(locked, tmp_path):
    root, data, test_codes = locked
    opened = _copy(root, tmp_path / "opened")
    project = open_project(opened)
    open_vault(project, "test")
    project.save()
    out = predict_file(opened, data)
    assert len(out) == 300 and test_codes <= set(out["code"])


def test_an_export_leaves_out_the_test_rows_until_its_projects_vault_is_open(locked, tmp_path,
                                                                               capsys):
    root, data, test_codes = locked
    project = _copy(root, tmp_path / "proj")
    ex = tmp_path / "EX"
    assert cli_main(["export", str(project), "--to", str(ex)]) == 0
    out = tmp_path / "pred.csv"
    assert cli_main(["predict", str(ex), str(data), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert _scored_test_rows(pd.read_csv(out), test_codes) == set()
    assert text("use.guard_vault_closed", project=open_project(project).name) in printed
    # The export holds keyed hashes, not rows: no test value, no test code in it.
    guard = json.loads((ex / GUARD_FILE).read_text())
    assert len(guard["prints"]) == len(test_codes) and len(bytes.fromhex(guard["key"])) == 16
    frame = pd.read_csv(data)
    words = " ".join(p.read_text(errors="replace") for p in ex.rglob("*.json"))
    assert not any(code in words for code in test_codes)
    assert str(frame["income"].iloc[0]) not in words
    # The project moved away: the export cannot see its vault, so the rows stay out.
    moved = tmp_path / "moved"
    project.rename(moved)
    predicted = predict_new(load_usable(ex), data)
    assert _scored_test_rows(predicted.frame, test_codes) == set()
    assert any(text("use.guard_project_missing", path=project) in n for n in predicted.notes)
    # Back in place, with its vault open: the export predicts every row.
    moved.rename(project)
    opened = open_project(project)
    open_vault(opened, "final test")
    opened.save()
    assert len(predict_file(ex, data)) == 300
    # Another project in that folder does not open the vault of this one.
    shutil.rmtree(project)
    other = new_project(project, GoalChoice(data=str(data), target="bought"))
    open_vault(other, "another project")
    other.save()
    predicted = predict_new(load_usable(ex), data)
    assert _scored_test_rows(predicted.frame, test_codes) == set()
    assert any(text("use.guard_project_other", path=project) in n for n in predicted.notes)


def test_an_export_without_its_guard_file_is_refused_and_one_made_later_has_none(
        locked, tmp_path, capsys):
    root, data, test_codes = locked
    ex = tmp_path / "EX"
    export_model(open_project(root), ex)
    (ex / GUARD_FILE).unlink()
    with pytest.raises(ProjectError, match=GUARD_FILE):
        load_usable(ex)
    assert cli_main(["predict", str(ex), str(data), "--out", str(tmp_path / "p.csv")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert all(line.startswith("practica: ") for line in lines) and GUARD_FILE in lines[-1]
    opened = _copy(root, tmp_path / "opened")
    project = open_project(opened)
    open_vault(project, "test")
    project.save()
    export_model(open_project(opened), ex)  # over the damaged one
    manifest = json.loads((ex / "manifest.json").read_text())
    assert not (ex / GUARD_FILE).exists() and manifest["vault"]["test_rows_guarded"] is False
    assert len(predict_file(ex, data)) == 300


def test_without_its_data_file_a_locked_project_predicts_nothing(locked, tmp_path, capsys):
    """The test rows cannot be told apart from new rows: refused in one line (once the
    vault is open, nothing needs telling apart)."""
    root, data, test_codes = locked
    copy = _copy(root, tmp_path / "proj")
    moved = open_project(copy)
    moved.sources[0].path = str(tmp_path / "gone.csv")  # the data file is not there
    moved.save()
    new = tmp_path / "new.csv"
    make_mixed_frame(20, seed=5).to_csv(new, index=False)
    assert cli_main(["predict", str(copy), str(new), "--out", str(tmp_path / "p.csv")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()  # warnings first, then the error
    assert all(line.startswith("practica: ") for line in lines)
    assert "data file cannot be read" in lines[-1]
    project = open_project(copy)
    open_vault(project, "test")
    project.save()
    assert len(predict_file(copy, new)) == 20
