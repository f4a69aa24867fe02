import json
import os

import pytest

from engine.core import atomic
from engine.core.errors import ProjectError
from engine.project.project import PROJECT_FILE, create_project, open_project
from engine.project.run_record import RunRecord
from engine.project.parts.goal import Goal


def test_create_and_open_round_trip(tmp_path):
    p = create_project(tmp_path / "p")
    p.goal = Goal(target="y", task="binary", metric="f1")
    p.log("metric_chosen", "Optimizing metric: f1.", suggested=True)
    p.save()
    again = open_project(tmp_path / "p")
    assert again.goal == p.goal
    assert [d.kind for d in again.decisions] == ["project_created", "metric_chosen"]
    assert again.decisions[1].details == {"suggested": True}
    assert again.decisions[1].time == p.decisions[1].time
    raw = json.loads((tmp_path / "p" / PROJECT_FILE).read_text())
    assert raw["schema"] == 2


def test_refuses_existing_project_and_missing_one(tmp_path):
    create_project(tmp_path / "p")
    with pytest.raises(ProjectError, match="already a Practica project"):
        create_project(tmp_path / "p")
    with pytest.raises(ProjectError, match="no Practica project"):
        open_project(tmp_path / "nothing")


def test_newer_schema_is_refused(tmp_path):
    p = create_project(tmp_path / "p")
    raw = p.to_dict()
    raw["schema"] = 99
    (tmp_path / "p" / PROJECT_FILE).write_text(json.dumps(raw))
    with pytest.raises(ProjectError, match="newer Practica"):
        open_project(tmp_path / "p")


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    p = create_project(tmp_path / "p")
    before = (tmp_path / "p" / PROJECT_FILE).read_bytes()
    p.name = "changed"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ProjectError, match="previous version was kept"):
        p.save()
    monkeypatch.undo()
    assert (tmp_path / "p" / PROJECT_FILE).read_bytes() == before
    assert [f.name for f in (tmp_path / "p").iterdir() if f.name.startswith(".")] == []


def test_runs_are_found_from_their_folders(tmp_path):
    """A run saved by a job survives even if project.json was never written again."""
    p = create_project(tmp_path / "p")
    RunRecord(id="r1", model="linear", label="Linear", status="finished",
              created="2026-01-01T00:00:00", errors={"dev": 0.2}).save(p.run_dir("r1"))
    (p.run_dir("broken")).mkdir(parents=True)
    (p.run_dir("broken") / "run.json").write_text("{not json")
    again = open_project(tmp_path / "p")
    assert [r.id for r in again.runs] == ["r1"]
    assert again.run("r1").errors == {"dev": 0.2}


def test_write_json_replaces_non_finite_numbers(tmp_path):
    atomic.write_json(tmp_path / "x.json", {"a": float("nan"), "b": [1.5, float("inf")]})
    assert json.loads((tmp_path / "x.json").read_text()) == {"a": None, "b": [1.5, None]}
