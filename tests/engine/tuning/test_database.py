"""A study in a real database: PostgreSQL (a server these tests start, see conftest.py) and
SQLite on a shared disk."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from optuna.trial import TrialState

from engine.cli.main import main as cli_main
from engine.project.project import open_project
from engine.tuning import database
from engine.tuning.database import StorageError, connection_problem, public_url
from engine.tuning.objective import TuningBudget, run_study, run_worker
from engine.tuning.study import open_study
from engine.tuning.summary import current_summary, read_summary
from tests.engine.tuning.pg_server import PostgresServer, free_port
from tests.engine.tuning.test_study import tiny_settings

REPO = Path(__file__).resolve().parents[3]


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3",
            "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}


def _files_holding(root: Path, secret: str) -> list[str]:
    return [str(p) for p in root.rglob("*")
            if p.is_file() and secret.encode() in p.read_bytes()]


def test_two_folders_share_one_postgres_study_and_no_file_holds_the_password(
        split_project, pg_url, postgres, tmp_path, capsys):
    a = split_project.root
    b = tmp_path / "elsewhere" / "copy"
    shutil.copytree(a, b)
    run_study(TuningBudget(str(a), tiny_settings(split_project, epochs=1), n_trials=1,
                           storage=pg_url))
    # The other folder joins through the CLI, the password given to the driver in
    # PGPASSWORD rather than in the address.
    bare = postgres.url(password="", database=pg_url.rsplit("/", 1)[1])
    os.environ["PGPASSWORD"] = postgres.password
    try:
        assert cli_main(["worker", str(b), "--storage", bare, "--trials", "1"]) == 0
    finally:
        del os.environ["PGPASSWORD"]
    trials = open_study(str(a), pg_url).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2
    assert len({t.user_attrs["worker"] for t in trials}) == 1  # one host, one pid here...
    assert len({t.user_attrs["run_id"] for t in trials}) == 2  # ... but two runs
    # The summary in folder a knows of b's trial: a database study is rebuilt when read.
    assert len(read_summary(a).trials) == 1
    os.environ["PGPASSWORD"] = postgres.password
    try:
        assert len(current_summary(a).trials) == 2
    finally:
        del os.environ["PGPASSWORD"]
    saved = json.loads((a / "tuning" / "summary.json").read_text())
    assert saved["storage"] == public_url(pg_url) and postgres.password not in saved["storage"]
    assert _files_holding(a, postgres.password) == []
    assert _files_holding(b, postgres.password) == []


def test_a_sqlite_study_on_a_shared_disk(split_project, tmp_path):
    url = f"sqlite:///{tmp_path / 'shared' / 'study.db'}"
    (tmp_path / "shared").mkdir()
    other = tmp_path / "machine-b" / "proj"
    shutil.copytree(split_project.root, other)
    run_study(TuningBudget(str(split_project.root), tiny_settings(split_project, epochs=1),
                           n_trials=1, storage=url))
    result = run_worker(str(other), storage=url, n_trials=1)
    assert result.trials == result.complete == 2
    assert current_summary(split_project.root).counts.complete == 2


def _bad_storage_line(capsys, root, url) -> str:
    capsys.readouterr()
    assert cli_main(["worker", str(root), "--storage", url, "--trials", "1"]) == 2
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_each_storage_mistake_is_one_line_and_exit_2(split_project, postgres, capsys):
    root = split_project.root
    said = {
        "url": _bad_storage_line(capsys, root, "postgres:/ /nowhere"),
        "password": _bad_storage_line(capsys, root, postgres.url(password="wrong")),
        "database": _bad_storage_line(capsys, root, postgres.url(database="no_such_db")),
        "down": _bad_storage_line(capsys, root, postgres.url(port=free_port())),
        "driver": _bad_storage_line(capsys, root, "postgresql+pg8000://u@127.0.0.1/db"),
        "dialect": _bad_storage_line(capsys, root, "nosuchdb://u@127.0.0.1/db"),
    }
    assert "not a database address" in said["url"]
    assert "refused the user name or password" in said["password"]
    assert "has no database of that name" in said["database"]
    assert "No database server answers" in said["down"]
    assert "driver" in said["driver"] and "pg8000" in said["driver"]
    assert "driver" in said["dialect"]
    assert not any(postgres.password in line for line in said.values())
    assert "wrong" not in said["password"]
    # The same check the Tune page's button runs.
    assert connection_problem(postgres.url()) is None
    assert said["password"].endswith(connection_problem(postgres.url(password="wrong")))


def test_public_url_drops_only_the_password():
    assert public_url("postgresql://me:s3cret@db:5432/x") == "postgresql://me@db:5432/x"
    assert public_url("postgresql://me@db/x") == "postgresql://me@db/x"
    assert public_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
    assert "s3cret" not in public_url("postgres:/ /me:s3cret@")


def test_a_worker_of_another_project_or_other_data_is_refused(split_project, pg_url, tmp_path,
                                                              capsys):
    root = split_project.root
    open_study(str(root), pg_url, tiny_settings(split_project))
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project as do_split

    # Another project on the very same data and split: still not this study's.
    other = tmp_path / "other"
    do_split(new_project(other, GoalChoice(data=str(split_project.sources[0].path),
                                           target="bought")), seed=3)
    line = _bad_storage_line(capsys, other, pg_url)
    assert "another project" in line
    resplit = tmp_path / "resplit"
    shutil.copytree(root, resplit)
    do_split(open_project(resplit), seed=4)
    line = _bad_storage_line(capsys, resplit, pg_url)
    assert "other data or another split" in line
    with pytest.raises(StorageError, match="another project"):
        open_study(str(other), pg_url, tiny_settings(split_project))
    open_study(str(root), pg_url)  # its own project still joins


# A worker whose trial runs long enough to be killed (or lose its server) while running.
LONG_WORKER = """
import sys
from engine.tuning import database
database.HEARTBEAT_S = 1
# It plays a worker on another machine: only the heartbeat can tell that it died.
import engine.tuning.objective as objective
objective.worker_id = lambda: "machine-b:1"
from engine.cli.main import main
sys.exit(main(["worker", sys.argv[1], "--storage", sys.argv[2], "--trials", "1"]))
"""


def _start_long_trial(split_project, url):
    settings = tiny_settings(split_project, epochs=400)
    open_study(str(split_project.root), url, settings)
    worker = subprocess.Popen([sys.executable, "-c", LONG_WORKER, str(split_project.root),
                               url], cwd=REPO, env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        running = open_study(str(split_project.root), url).get_trials(
            states=(TrialState.RUNNING,))
        if running and running[0].intermediate_values:  # its run is training
            return worker
        assert worker.poll() is None, worker.communicate()
        time.sleep(0.5)
    worker.kill()
    raise AssertionError("the worker never started its trial")


def test_a_killed_workers_trial_is_failed_within_the_grace(split_project, pg_url,
                                                           monkeypatch):
    monkeypatch.setattr(database, "GRACE_S", 4)
    worker = _start_long_trial(split_project, pg_url)
    os.kill(worker.pid, signal.SIGKILL)
    worker.communicate()
    killed = time.monotonic()
    while True:
        trial = open_study(str(split_project.root), pg_url).trials[0]
        if trial.state == TrialState.FAIL:
            break
        assert time.monotonic() - killed < database.GRACE_S + 3, "still running"
        time.sleep(0.5)
    assert time.monotonic() - killed >= database.GRACE_S - 1.5  # not before the grace
    summary = current_summary(split_project.root)
    assert summary is None or summary.counts.running == 0


def test_a_server_lost_mid_trial_stops_the_worker_with_one_line(split_project, monkeypatch):
    server = PostgresServer.start()  # its own server: this test stops it
    try:
        url = server.new_database("lost")
        monkeypatch.setattr(database, "GRACE_S", 3)
        worker = _start_long_trial(split_project, url)
        server.stop("immediate")
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 2, err[-5000:]
        assert "Traceback" not in err, err[-3000:]
        lines = [line for line in err.splitlines() if line.startswith("practica:")]
        assert len(lines) == 1 and ("connection to the database" in lines[0]
                                    or "No database server answers" in lines[0]), lines
        server.restart()
        time.sleep(database.GRACE_S + 0.5)
        assert open_study(str(split_project.root), url).trials[0].state == TrialState.FAIL
    finally:
        server.drop()


def test_helpers_get_the_password_in_the_environment_not_the_command_line(split_project):
    from engine.tuning.database import handed_on
    from engine.tuning.workers import worker_command

    url = "postgresql://me:s3cret@db:5432/x"
    budget = TuningBudget(str(split_project.root), n_trials=2, storage=url, workers=2)
    cmd = worker_command(budget, 0, split_project.root / "stop")
    assert "s3cret" not in " ".join(cmd) and "postgresql://me@db:5432/x" in cmd
    assert handed_on(url)[1] == {"PGPASSWORD": "s3cret"}
    assert handed_on("sqlite:////tmp/a.db") == ("sqlite:////tmp/a.db", {})
