"""One writer per project (issue 15, point 1): a stale copy can no longer erase the vault
record, a second program is refused while one holds the project, and a lock left by a dead
process does not block anyone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.baseline.step import run_baselines
from engine.core.errors import ProjectChangedError, ProjectLockedError
from engine.diagnosis.step import diagnose_project
from engine.goal.step import GoalChoice, new_project
from engine.project.lock import ENV_TOKEN, LOCK_FILE, hold, holder_of
from engine.project.project import open_project
from engine.split.step import split_project
from tests.conftest import make_mixed_frame

ROOT = Path(__file__).resolve().parents[3]


def _env() -> dict:
    """The environment of a program the user starts separately (its own writer token)."""
    env = {k: v for k, v in os.environ.items() if k != ENV_TOKEN}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli.main", *args], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def diagnosed_dir(tmp_path_factory) -> Path:
    """A split project with its baselines (a 1-epoch MLP) and a diagnosis of the linear one."""
    root = tmp_path_factory.mktemp("one_writer")
    make_mixed_frame(200, seed=4).to_csv(root / "data.csv", index=False)
    project = new_project(root / "p", GoalChoice(data=str(root / "data.csv"), target="bought"))
    split_project(project, seed=3)
    run_baselines(project, deep_params={"epochs": 1, "width": 4, "patience": 5}, sanity=False)
    diagnose_project(project, next(r for r in project.runs if r.model == "linear").id)
    return project.root


@pytest.fixture
def project_dir(diagnosed_dir, tmp_path) -> Path:
    import shutil

    shutil.copytree(diagnosed_dir, tmp_path / "p")
    return tmp_path / "p"


def test_a_stale_copy_cannot_erase_the_final_test_of_a_cli_command(project_dir):
    """The reproduction of the issue: open, a CLI final test, then a save of the old copy."""
    stale = open_project(project_dir)
    done = _cli("run", str(project_dir), "--until", "test", "--seeds", "1")
    assert done.returncode == 0, done.stderr
    stale.log("note", "an edit made in the app after the CLI's final test")
    with pytest.raises(ProjectChangedError, match="changed by another program"):
        stale.save()
    now = open_project(project_dir)
    assert now.vault.is_open and now.final_test is not None
    assert [d.kind for d in now.decisions].count("vault_opened") == 1
    assert "note" not in [d.kind for d in now.decisions]
    assert now.integrity_problems == []
    raw = json.loads((project_dir / "project.json").read_text())
    assert raw["vault"]["opened_at"] == now.vault.opened_at and raw["final_test"]


def test_a_second_writer_is_refused_while_the_app_holds_the_project(project_dir):
    lock = hold(project_dir, program="the Practica app")
    try:
        refused = _cli("run", str(project_dir), "--until", "test", "--seeds", "1")
        lines = refused.stderr.strip().splitlines()
        assert refused.returncode == 2 and len(lines) == 1, refused.stderr
        assert "in use by the Practica app" in lines[0] and str(os.getpid()) in lines[0]
        assert not open_project(project_dir).vault_open
        # The engine process the app starts shares its token and may write.
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from engine.project import open_project; "
             "p = open_project(sys.argv[1]); p.log('note', 'from the engine'); p.save()",
             str(project_dir)], cwd=ROOT, env={**_env(), ENV_TOKEN: os.environ[ENV_TOKEN]},
            capture_output=True, text=True, timeout=120)
        assert child.returncode == 0, child.stderr
    finally:
        lock.release()
    assert holder_of(project_dir) is None
    assert "note" in [d.kind for d in open_project(project_dir).decisions]


def test_a_lock_left_by_a_dead_process_is_taken_over(project_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from engine.project.lock import hold; "
         "hold(sys.argv[1], 'practica run'); print('held', flush=True); sys.stdin.read()",
         str(project_dir)], cwd=ROOT, env=_env(), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        seen = holder_of(project_dir)
        assert seen is not None and seen.pid == holder.pid and seen.here
        with pytest.raises(ProjectLockedError, match=f"process {holder.pid}"):
            hold(project_dir, program="the Practica app")
        project = open_project(project_dir)  # reading is always allowed
        project.log("note", "x")
        with pytest.raises(ProjectLockedError):
            project.save()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with hold(project_dir, program="the Practica app") as lock:
        assert not lock.borrowed and holder_of(project_dir).pid == os.getpid()
        project.save()  # this process holds it now


def test_a_lock_from_another_computer_is_shown_with_its_age(project_dir):
    (project_dir / LOCK_FILE).write_text(json.dumps({
        "program": "the Practica app", "pid": 4242, "host": "lab-pc-7",
        "since": "2026-01-01T09:00:00+00:00", "token": "someone-else"}))
    with pytest.raises(ProjectLockedError, match="lab-pc-7.*days ago"):
        hold(project_dir, program="practica run")
    refused = _cli("diagnose", str(project_dir))
    assert refused.returncode == 2 and "lab-pc-7" in refused.stderr
    assert "--take-over" in refused.stderr
    taken = _cli("--take-over", "diagnose", str(project_dir))
    assert taken.returncode == 0, taken.stderr
    assert holder_of(project_dir) is None  # given back when the command ended
    (project_dir / LOCK_FILE).write_text(json.dumps({
        "program": "the Practica app", "pid": 4242, "host": "lab-pc-7",
        "since": "2026-01-01T09:00:00+00:00", "token": "someone-else"}))
    with hold(project_dir, program="practica run", take_over=True):
        assert holder_of(project_dir).host != "lab-pc-7"
