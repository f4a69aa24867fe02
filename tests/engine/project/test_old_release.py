"""A project folder made by the release before the rooms (``practica demo`` at schema 1,
committed under tests/data/projects/demo-0.1) still opens, reads into the typed parts, and
saves again without losing anything."""

import json
import shutil
from pathlib import Path

import pytest

from engine.app.steps import step_states
from engine.project import open_project
from engine.project.parts.vault import Vault
from engine.project.schema import PARTS, SCHEMA_VERSION

OLD = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1"


@pytest.fixture
def old_project(tmp_path):
    folder = tmp_path / "demo-0.1"
    shutil.copytree(OLD, folder)
    return folder


def test_the_old_release_project_opens_with_typed_parts(old_project):
    raw = json.loads((old_project / "project.json").read_text())
    assert raw["schema"] == 1
    project = open_project(old_project)
    assert isinstance(project.vault, Vault) and project.vault.is_open
    assert project.vault.opened_at == raw["vault"]["opened_at"]
    assert [e.run for e in project.vault.evaluations] == [e["run"] for e in raw["vault"]["evaluations"]]
    assert project.vault.uses == 1  # the chosen model's test; the baseline came with it
    assert project.chosen_run == raw["chosen_run"]
    assert {r.id for r in project.runs} == {p.name for p in (old_project / "runs").iterdir()}
    states = {name: s.state for name, s in step_states(project).items()}
    assert states["final"] == "done" and states["diagnose"] == "done"


def test_saving_the_old_project_keeps_every_part(old_project):
    raw = json.loads((old_project / "project.json").read_text())
    open_project(old_project).save()
    again = json.loads((old_project / "project.json").read_text())
    assert again["schema"] == SCHEMA_VERSION
    for name in (*PARTS, "sources", "findings", "features", "chosen_run", "error_tags",
                 "decisions", "name", "created"):
        assert again[name] == raw.get(name), name  # a part the old release lacked: None
