"""``practica ensemble``: list the runs that may join, make an ensemble, choose it, predict
and export with it; refusals are one line and exit 2."""

import json
import shutil

import pandas as pd
import pytest

from engine.cli.main import main
from engine.project.project import open_project
from tests.conftest import make_mixed_frame


@pytest.fixture
def folder(trained_dir, tmp_path):
    shutil.copytree(trained_dir, tmp_path / "p")
    return tmp_path / "p"


def test_make_choose_predict_and_export_an_ensemble(folder, tmp_path, capsys, monkeypatch):
    import engine.models.safe_model_load as loader

    monkeypatch.setattr(loader, "restrict_child", lambda: None)  # in-process here
    assert main(["ensemble", str(folder)]) == 0
    listing = capsys.readouterr().out
    assert "may join" in listing and all(r.id in listing for r in open_project(folder).runs)

    assert main(["ensemble", str(folder), "--size", "3", "--use"]) == 0
    out = capsys.readouterr().out
    project = open_project(folder)
    made = next(r for r in project.runs if r.model == "ensemble")
    assert f"Saved as run {made.id}." in out and "is now the chosen model" in out
    assert "train-dev" in out and "meets every limit" in out
    assert project.chosen_run == made.id
    members = made.params["members"]
    assert len(members) == 3 and all(m in out for m in members)

    data = tmp_path / "new.csv"
    make_mixed_frame(20, seed=99).drop(columns="bought").to_csv(data, index=False)
    assert main(["predict", str(folder), str(data), "--out", str(tmp_path / "a.csv")]) == 0
    assert main(["export", str(folder), "--to", str(tmp_path / "export")]) == 0
    assert main(["predict", str(tmp_path / "export"), str(data), "--out",
                 str(tmp_path / "b.csv")]) == 0
    capsys.readouterr()
    a, b = pd.read_csv(tmp_path / "a.csv"), pd.read_csv(tmp_path / "b.csv")
    assert len(a) == 20 and a.equals(b)
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["model"] == "ensemble" and manifest["model_format"] == "ensemble"
    assert "ensemble.json lists its members" in (tmp_path / "export" / "README.txt").read_text()

    assert main(["run", str(folder), "--until", "final"]) == 0
    out = capsys.readouterr().out
    assert "is an ensemble: it is tested once (K = 1)" in out
    assert open_project(folder).final_test.run == made.id


@pytest.mark.parametrize("argv, words", [
    (["--size", "9"], "only 4 finished models"),
    (["--size", "1"], "at least two"),
    (["--runs", "nope,other"], "no run called nope"),
])
def test_refusals_print_one_line_and_exit_2(folder, capsys, argv, words):
    assert main(["ensemble", str(folder), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err
    assert not any(r.model == "ensemble" for r in open_project(folder).runs)
