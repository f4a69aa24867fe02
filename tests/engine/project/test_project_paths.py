"""A hand-edited project cannot point outside its folder; its data files may live anywhere."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from engine.core.errors import ProjectError
from engine.training.predictor import model_path
from engine.project.project import open_project
from engine.project.run_record import RunRecord
from tests.project_record import forge


def _edit(project, change) -> None:
    forge(project.root, change)


def _refused(root, *words) -> str:
    with pytest.raises(ProjectError) as caught:
        open_project(root)
    message = str(caught.value)
    assert "\n" not in message
    assert any(w in message for w in ("outside its folder", "not a plain", "not a report"))
    for word in words:
        assert word in message
    return message


def _add_run(project, run_id="20250101-000000-mlp", folder=None, **fields) -> None:
    run = RunRecord(id=run_id, model="linear", label="Linear", status="finished",
                    created="2025-01-01T00:00:00", model_file="model.json", **fields)
    run_dir = project.runs_dir / (folder or run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "run.json").write_text(json.dumps(run.to_dict()))


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "sub/../../x"])
def test_a_run_s_model_file_must_be_a_plain_name(split_project, bad):
    run_dir = split_project.runs_dir / "r1"
    run_dir.mkdir(parents=True)
    record = RunRecord(id="r1", model="mlp", label="MLP", status="finished",
                       created="2025-01-01T00:00:00", model_file=bad)
    (run_dir / "run.json").write_text(json.dumps(record.to_dict()))
    _refused(split_project.root, "model_file", bad)
    # The loader refuses it too, whatever opened the record.
    with pytest.raises(ProjectError, match="outside"):
        model_path(run_dir, bad)


@pytest.mark.parametrize("bad", ["../../etc", "/tmp/x", "..", "a/b"])
def test_run_names_must_be_plain_folder_names(split_project, bad):
    _add_run(split_project, run_id=bad, folder="r1")
    _refused(split_project.root, "id")
    shutil.rmtree(split_project.runs_dir)
    _edit(split_project, lambda d: d.update(chosen_run=bad))
    _refused(split_project.root, "chosen_run")
    _edit(split_project, lambda d: d.update(chosen_run=None,
                                            final_test={"run": bad, "metrics": {}}))
    _refused(split_project.root, "final_test.run")


def test_links_out_of_the_project_folder_are_refused(split_project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "study.journal").write_text("")
    (split_project.root / "tuning").symlink_to(outside, target_is_directory=True)
    _refused(split_project.root, "tuning")
    (split_project.root / "tuning").unlink()
    (split_project.root / "tuning").mkdir()
    (split_project.root / "tuning" / "study.journal").symlink_to(outside / "study.journal")
    _refused(split_project.root, "study.journal")
    shutil.rmtree(split_project.root / "tuning")
    _add_run(split_project)
    run_dir = split_project.runs_dir / "20250101-000000-mlp"
    (run_dir / "model.json").symlink_to("/etc/passwd")
    _refused(split_project.root, "model.json", "/etc/passwd")
    (run_dir / "model.json").unlink()
    splits = split_project.root / "splits.json"
    moved = outside / "splits.json"
    shutil.move(splits, moved)
    splits.symlink_to(moved)
    _refused(split_project.root, "splits.json")
    splits.unlink()
    shutil.move(moved, splits)
    # A link that stays inside the project is fine.
    (run_dir / "model.json").write_text("{}")
    (run_dir / "copy.json").symlink_to(run_dir / "model.json")
    assert open_project(split_project.root).run("20250101-000000-mlp")


def test_report_paths_must_be_reports(split_project, tmp_path):
    _edit(split_project, lambda d: d.update(report={"pdf": "/etc/passwd", "csv": "",
                                                    "decisions": 0, "time": ""}))
    _refused(split_project.root, "report.pdf")
    _edit(split_project, lambda d: d.update(report={"pdf": "", "csv": "/etc/passwd",
                                                    "decisions": 0, "time": ""}))
    _refused(split_project.root, "report.csv")
    # Exported somewhere the user chose (under any name): allowed, like the data files.
    chosen = tmp_path / "desktop"
    chosen.mkdir()
    (chosen / "my report").write_bytes(b"%PDF-1.4\n")
    _edit(split_project, lambda d: d.update(report={
        "pdf": str(chosen / "my report"), "csv": str(chosen / "csv"), "decisions": 0,
        "time": ""}))
    assert open_project(split_project.root).report.pdf.endswith("my report")
    (chosen / "my report").unlink()  # a report deleted since is no reason to refuse
    assert open_project(split_project.root).report.pdf.endswith("my report")


def test_data_files_may_live_outside_the_project(split_project, mixed_csv):
    project = open_project(split_project.root)
    source = project.source("main")
    assert not os.path.commonpath([source.path, str(project.root)]) == str(project.root)
    assert source.path == str(mixed_csv.resolve()) and project.data_changes == []


def test_the_cli_says_it_in_one_line(split_project, capsys):
    from engine.cli.main import main

    _edit(split_project, lambda d: d.update(chosen_run="../../etc"))
    assert main(["report", str(split_project.root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("practica: ") and "\n" not in err and "chosen_run" in err
