from contextlib import contextmanager
"""Driving the Goal and Data pages in tests: fixtures, finding widgets by objectName,
clicking, choosing, typing, waiting on engine jobs, tab order and screenshots."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QListWidget, QPushButton

from gui.pages.goal.page import GoalPage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot

JOB_TIMEOUT = 240_000  # a job in the shared engine process, Keras import included


@pytest.fixture
def session(engine_runner):
    s = ProjectSession(engine_runner)
    yield s
    s.deleteLater()


def make_page(qtbot, session, cls=GoalPage, height=1500):
    page = cls(session)
    qtbot.addWidget(page)
    page.resize(1000, height)
    page.show()
    qtbot.waitExposed(page)
    return page


def shot(qtbot, page, name):
    """Let pending layout settle, then save a screenshot for a person to look at."""
    qtbot.wait(50)
    return save_screenshot(page, name)


def child(page, cls, name):
    widget = page.findChild(cls, name)
    assert widget is not None, f"no {cls.__name__} named {name}"
    return widget


def click(qtbot, widget):
    assert widget.isEnabled() and widget.isVisible(), widget.objectName()
    qtbot.mouseClick(widget, Qt.LeftButton)


def choose(combo: QComboBox, data) -> None:
    """Pick the item whose data (or text) is ``data``, as a user would."""
    index = combo.findData(data)
    if index < 0:
        index = combo.findText(data)
    assert index >= 0, f"{data!r} not offered by {combo.objectName()}"
    combo.setFocus()
    combo.setCurrentIndex(index)


def pick_sample(qtbot, page, name="breast_cancer"):
    samples = child(page, QListWidget, "sampleList")
    item = next(samples.item(i) for i in range(samples.count())
                if samples.item(i).data(Qt.UserRole) == name)
    samples.scrollToItem(item)
    qtbot.mouseClick(samples.viewport(), Qt.LeftButton,
                     pos=samples.visualItemRect(item).center())


def wait_for_suggestion(qtbot, page):
    metric = child(page, QComboBox, "metricCombo")
    qtbot.waitUntil(lambda: metric.isVisible() and metric.count() > 0
                    and not page.session.runner.busy, timeout=JOB_TIMEOUT)


def set_folder(qtbot, page, folder: Path) -> None:
    edit = page.form.folder_edit
    assert edit.objectName() == "folderEdit"
    edit.clear()
    qtbot.keyClicks(edit, str(folder))


def create_from_sample(qtbot, page, folder: Path, name="breast_cancer"):
    """Choose a bundled sample and create its project in ``folder`` with the suggestions."""
    pick_sample(qtbot, page, name)
    wait_for_suggestion(qtbot, page)
    set_folder(qtbot, page, folder)
    with qtbot.waitSignal(page.session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    assert page.session.project is not None


def tab_walk(qtbot, page, start, steps=40) -> list[str]:
    """Press Tab from ``start`` and list the named widgets that get the focus, in order."""
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    start.setFocus()
    assert QApplication.focusWidget() is not None, "the page did not take the focus"
    seen = []
    for _ in range(steps):
        widget = QApplication.focusWidget()
        while widget is not None and not widget.objectName():
            widget = widget.parentWidget()  # the line edit inside a spin box, say
        if widget is not None and widget.objectName() not in seen:
            seen.append(widget.objectName())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    return seen



@contextmanager
def job_done(qtbot, runner, name: str, timeout: int = JOB_TIMEOUT):
    """Wait until an engine job ``name`` (``tune``, ``diagnose``: see ``job_name``) started
    in the block ends; a failure fails the test with its message."""
    outcome: dict = {}

    def started(handle):
        if handle.name != name:
            return
        handle.finished.connect(lambda result: outcome.setdefault("result", result))
        handle.failed.connect(lambda message, details: outcome.setdefault(
            "failed", f"{message}\n{details}"))
        handle.cancelled.connect(lambda message: outcome.setdefault(
            "failed", f"cancelled: {message}"))

    runner.job_started.connect(started)
    try:
        yield outcome
        qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    finally:
        runner.job_started.disconnect(started)
    assert "failed" not in outcome, outcome["failed"]
