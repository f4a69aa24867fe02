"""Every malformed input of the corpus through the Goal page, as a user picks it, with the
real engine process: the page either goes on to a project whose findings the Data page
lists, or says in one line what is wrong and what to do (under the file, or under the
column to predict); it never crashes, and a refused project loses nothing the user entered.
What each entry must show is in ``tests/malformed_corpus.py``.
"""

from __future__ import annotations

import html

import pytest
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QPushButton, QWidget

from gui.pages.base import gui_text
from gui.pages.data.page import DataPage
from tests.gui.page_helpers import (JOB_TIMEOUT, child, choose, click, make_page, session,
                                    set_folder, shot, wait_for_suggestion)
from tests.malformed_corpus import CASES, FILE, FINDINGS, MALFORMED, TARGET, build_generated

__all__ = ["session"]  # fixtures

SHOTS = {"space_separated.csv", "latin1_accents.csv", "images_mixed/", "infinite_target.csv"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return build_generated(tmp_path_factory.mktemp("malformed_gui"))


class JobWatch:
    """The end of each engine job the page starts: finished, or failed with its message."""

    def __init__(self, runner) -> None:
        self.ended: list[tuple[str, str | None, str]] = []
        runner.job_started.connect(self._started)

    def _started(self, handle) -> None:
        job = handle.name
        handle.finished.connect(lambda _r: self.ended.append((job, None, "")))
        handle.failed.connect(lambda m, d: self.ended.append((job, m, d)))

    def wait(self, qtbot, job: str, runner) -> tuple[str | None, str]:
        qtbot.waitUntil(lambda: any(j == job for j, _m, _d in self.ended)
                        and not runner.busy, timeout=JOB_TIMEOUT)
        _job, message, details = [e for e in self.ended if e[0] == job][-1]
        return message, details


def pick(qtbot, page, path, monkeypatch, folder: bool) -> None:
    """Choose ``path`` with the "Choose file…" or "Choose folder of images…" dialog."""
    if folder:
        monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                            staticmethod(lambda *a, **k: str(path)))
        click(qtbot, child(page, QPushButton, "chooseFolderButton"))
    else:
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(path), "")))
        click(qtbot, child(page, QPushButton, "chooseFileButton"))


def one_line(text: str, case) -> None:
    assert case.message in text, text
    assert "\n" not in text and "Traceback" not in text


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.rstrip("/"))
def test_the_goal_page_shows_the_findings_or_one_line(qtbot, session, generated, case,
                                                      tmp_path, monkeypatch):
    problems = []
    session.problem.connect(lambda message, details: problems.append((message, details)))
    watch = JobWatch(session.runner)
    page = make_page(qtbot, session)
    pick(qtbot, page, case.path(generated), monkeypatch, case.is_folder)
    message, details = watch.wait(qtbot, "check_file", session.runner)
    problem = child(page, QLabel, "fileProblem")
    target = child(page, QComboBox, "targetCombo")

    if case.where == FILE:
        assert problem.isVisible()
        prefix = gui_text("goal.file_unusable", problem="")
        assert problem.text().startswith(prefix)
        one_line(problem.text()[len(prefix):], case)
        if case.name in SHOTS:
            shot(qtbot, page, f"malformed_{case.name.rstrip('/').split('.')[0]}")
        if message is not None:  # the file could not be read: the main window's dialog too
            assert problems == [(message, "")] and details == ""
            one_line(message, case)
            assert not target.isVisible()
        assert not child(page, QPushButton, "createButton").isVisible()
        return

    assert message is None and not problem.isVisible() and not problems
    notes = child(page, QLabel, "readNotes")
    for piece in case.notes:
        assert notes.isVisible() and piece in notes.text()
    if not case.is_folder:
        choose(target, case.target)
    if case.where == TARGET:
        status = child(page, QLabel, "targetStatus")
        qtbot.waitUntil(lambda: status.property("role") == "warning" and not
                        session.runner.busy, timeout=JOB_TIMEOUT)
        prefix = gui_text("goal.target_unusable", problem="")
        assert status.isVisible() and status.text().startswith(prefix)
        if case.name in SHOTS:
            shot(qtbot, page, f"malformed_{case.name.split('.')[0]}")
        one_line(status.text()[len(prefix):], case)
        assert not child(page, QPushButton, "createButton").isVisible()
        assert target.currentText() == case.target  # the choice stays, to change it
        return

    assert case.where == FINDINGS
    wait_for_suggestion(qtbot, page)
    if case.name in SHOTS:
        shot(qtbot, page, f"malformed_{case.name.rstrip('/').split('.')[0]}")
    set_folder(qtbot, page, tmp_path / "project")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    assert not problems
    data = make_page(qtbot, session, DataPage, height=900)
    box = child(data, QWidget, "findingsBox")
    shown = [label.text() for label in box.findChildren(QLabel, "finding")
             if label.isVisibleTo(data)]
    assert len(shown) == len(case.findings), shown
    for label, (severity, start) in zip(shown, case.findings):
        assert html.escape(gui_text(f"data.severity_{severity}")) in label
        assert html.escape(start) in label
    if not case.findings:
        assert child(data, QLabel, "findingsNone").isVisible()


def test_a_refused_project_keeps_everything_the_user_entered(qtbot, session, tmp_path,
                                                            monkeypatch):
    """A malformed second file ("the data you care about") is refused when the project is
    made: one line under Create, the dialog, and every choice still there to fix it."""
    problems = []
    session.problem.connect(lambda message, details: problems.append(message))
    page = make_page(qtbot, session)
    pick(qtbot, page, MALFORMED / "missing_labels.csv", monkeypatch, folder=False)
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 3 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    choose(target, "label")
    wait_for_suggestion(qtbot, page)
    choose(child(page, QComboBox, "metricCombo"), "f1")
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    choose(child(page, QComboBox, "constraintQuantity"), "latency_ms")
    folder = tmp_path / "my project"
    set_folder(qtbot, page, folder)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(MALFORMED / "binary_junk.csv"), "")))
    click(qtbot, child(page, QPushButton, "secondFileButton"))
    entered = (target.currentText(), page.form.judging.metric(),
               page.form.judging.expressions(), page.form.folder_edit.text(),
               page.form.second_path)

    click(qtbot, child(page, QPushButton, "createButton"))
    status = child(page, QLabel, "createStatus")
    qtbot.waitUntil(lambda: status.property("role") == "warning" and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    assert status.text().startswith("binary_junk.csv does not look like a text table")
    assert problems == [status.text()] and "\n" not in status.text()
    assert session.project is None and not folder.exists()
    assert (target.currentText(), page.form.judging.metric(),
            page.form.judging.expressions(), page.form.folder_edit.text(),
            page.form.second_path) == entered

    click(qtbot, child(page, QPushButton, "clearSecondButton"))  # fix it, and go on
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    goal = session.project.goal
    assert (goal.target, goal.metric) == ("label", "f1")
    assert [c.quantity for c in goal.constraints] == ["latency_ms"]
