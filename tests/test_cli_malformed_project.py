"""Every malformed project file of ``tests/malformed_projects.py`` through the CLI: one plain
line, exit 2, never "something went wrong inside Practica" (issue 15, point 14); the
edited file is left as it was."""

from __future__ import annotations

import shutil

import pytest

from engine.cli.main import main
from tests.conftest import make_mixed_frame
from tests.malformed_projects import CASES


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A project split and with a trained linear model, and new rows to predict."""
    root = tmp_path_factory.mktemp("malformed_projects")
    frame = make_mixed_frame()
    frame.to_csv(root / "customers.csv", index=False)
    new = frame.drop(columns=["bought"]).head(10).assign(age=lambda f: f["age"] + 0.05)
    new.to_csv(root / "new.csv", index=False)
    project = root / "proj"
    assert main(["new", str(project), "--data", str(root / "customers.csv"),
                 "--target", "bought"]) == 0
    assert main(["run", str(project), "--until", "split"]) == 0
    assert main(["train", str(project), "--model", "linear"]) == 0
    return project, root / "new.csv"


def _argv(command: str, folder, new, out) -> list[str]:
    run = next((folder / "runs").iterdir()).name
    return {"check": ["check", str(folder)],
            "train": ["train", str(folder), "--model", "linear"],
            "predict": ["predict", str(folder), str(new), "--out", str(out), "--run", run],
            }[command]


def test_the_untouched_project_answers(made, tmp_path, capsys):
    project, new = made
    for command in ("check", "predict"):  # train too, in the cases below, once broken
        assert main(_argv(command, project, new, tmp_path / "p.csv")) == 0
    capsys.readouterr()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_malformed_project_file_ends_in_one_line(case, made, tmp_path, capsys):
    project, new = made
    folder = tmp_path / "proj"
    shutil.copytree(project, folder)
    case.edit(folder)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    out = tmp_path / "p.csv"
    code = main(_argv(case.command, folder, new, out))
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert code == 2, captured.out + captured.err
    assert "went wrong inside" not in err and "Traceback" not in captured.out + captured.err
    lines = [line for line in err.splitlines() if line.startswith("practica: ")]
    assert len(lines) == 1 and case.message in lines[0], err
    assert not out.exists()
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert after == before  # nothing was changed
