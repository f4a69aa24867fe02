"""Big data jobs report every long phase and stop at the next one when cancelled.

The user's path: ``check_file`` / ``new_project`` (read the file in chunks, check the
columns, describe them, save) and ``split`` (read, row keys, the split, its checks, the
preprocessing, save). The file here is small (~0.5 MB, read in 64 KB blocks) so the test is
quick; bench/big_data.py times the same code on 1M rows.
"""

from __future__ import annotations

import pytest

from engine.data import csv_fast
from engine.core.errors import JobCancelled
from engine.goal.step import GoalChoice, new_project
from engine.app.job_catalog import run_request
from engine.data.requests import CheckFileRequest
from engine.goal.requests import NewProjectRequest
from engine.core.jobs import NEVER, CancelToken, Progress, StageStarted
from engine.project.project import SPLITS_FILE, open_project
from engine.split.step import split_project
from engine.core.texts import text
from tests.conftest import make_mixed_frame

SPLIT_PHASES = ("keys", "split", "checks", "fit")


@pytest.fixture
def big_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_fast, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", 64 << 10)
    path = tmp_path / "customers.csv"
    make_mixed_frame(n=20_000, seed=1).to_csv(path, index=False)
    return path


def reading(event, path) -> bool:
    return isinstance(event, Progress) and event.text == text("big_data.reading",
                                                                name=path.name)


def cancel_when(predicate):
    token = CancelToken()

    def progress(event) -> None:
        if predicate(event):
            token.cancel()
    return progress, token


def test_a_new_project_reports_the_read_the_checks_and_the_save(tmp_path, big_csv):
    events = []
    result = run_request(NewProjectRequest(project=str(tmp_path / "p"), data=str(big_csv),
                                           target="bought"), events.append, NEVER)
    assert open_project(result.project).source("main").rows == 20_000
    read = [e for e in events if reading(e, big_csv)]
    assert len(read) >= 3 and read[-1].done == read[-1].total > 0
    checks = [(e.done, e.total) for e in events if isinstance(e, Progress) and e.total == 2]
    assert checks == [(0, 2), (1, 2), (2, 2)]
    assert [e.stage for e in events if isinstance(e, StageStarted)] == ["saving"]


@pytest.mark.parametrize("where", ["reading", "checks"])
def test_cancelling_a_new_project_leaves_no_folder(tmp_path, big_csv, where):
    if where == "reading":
        progress, token = cancel_when(lambda e: reading(e, big_csv) and e.done > 0)
    else:
        progress, token = cancel_when(lambda e: isinstance(e, Progress) and e.total == 2)
    with pytest.raises(JobCancelled):
        new_project(tmp_path / "p", GoalChoice(str(big_csv), "bought"), progress, token)
    assert not (tmp_path / "p").exists()


def test_checking_a_file_reports_its_phases_and_stops_on_cancel(big_csv):
    events = []
    result = run_request(CheckFileRequest(path=str(big_csv), target="bought"), events.append,
                         NEVER)
    assert result.to_dict()["usable"] and any(reading(e, big_csv) for e in events)
    progress, token = cancel_when(lambda e: isinstance(e, Progress) and e.total == 2)
    with pytest.raises(JobCancelled):
        run_request(CheckFileRequest(path=str(big_csv), target="bought"), progress, token)


def test_the_split_reports_each_phase(tmp_path, big_csv):
    project = new_project(tmp_path / "p", GoalChoice(str(big_csv), "bought"))
    events = []
    split_project(project, progress=events.append)
    texts = [e.text for e in events if isinstance(e, Progress)]
    for phase in (*SPLIT_PHASES, "save", "done"):
        assert text(f"big_data.split_{phase}") in texts
    assert [e.stage for e in events if isinstance(e, StageStarted)][-1] == "saving"


@pytest.mark.parametrize("phase", SPLIT_PHASES)
def test_cancelling_the_split_in_any_phase_writes_nothing(tmp_path, big_csv, phase):
    project = new_project(tmp_path / "p", GoalChoice(str(big_csv), "bought"))
    words = text(f"big_data.split_{phase}")
    progress, token = cancel_when(lambda e: isinstance(e, Progress) and e.text == words)
    with pytest.raises(JobCancelled):
        split_project(project, progress=progress, cancel=token)
    assert not (project.root / SPLITS_FILE).exists()
    assert open_project(project.root).split is None and project.split is None
    assert project.features == open_project(project.root).features


def test_a_cancel_while_the_split_is_saved_lets_the_writes_finish(tmp_path, big_csv):
    project = new_project(tmp_path / "p", GoalChoice(str(big_csv), "bought"))
    progress, token = cancel_when(lambda e: isinstance(e, StageStarted) and e.stage == "saving")
    split_project(project, progress=progress, cancel=token)
    assert token.is_set()
    assert (project.root / SPLITS_FILE).exists() and open_project(project.root).split
