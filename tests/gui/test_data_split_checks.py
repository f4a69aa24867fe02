"""The checks of the split on the Data page: blockers with their fix buttons, driven through
the real widgets with a live engine process, and training locked until they are fixed."""

import html

import numpy as np
from PySide6.QtWidgets import QFrame, QLabel, QPushButton

from engine.app.steps import DONE, LOCKED, READY
from gui.pages.data.page import DataPage
from tests.engine.split.split_check_data import project_from, table
from tests.gui.page_helpers import child, click, job_done, make_page, session, shot, tab_walk

__all__ = ["session"]  # fixtures


def _leaky_project(tmp_path):
    """The data you care about copy 40 training rows; a column copies the target."""
    main = table(400)
    care = table(200, seed=1)
    care.iloc[:40] = main.iloc[np.random.default_rng(1).choice(400, 40, replace=False)] \
        .to_numpy()
    recode = {"yes": "approved", "no": "declined"}
    return project_from(tmp_path, main.assign(decision=main["label"].map(recode)),
                        second=care.assign(decision=care["label"].map(recode)))


def _checks(page) -> list[QFrame]:
    return [w for w in page.findChildren(QFrame, "splitCheck") if w.isVisible()]


def _severities(page) -> list[str]:
    return [w.property("severity") for w in _checks(page)]


def _buttons(page, name) -> list[QPushButton]:
    return [b for b in page.findChildren(QPushButton, name) if b.isVisible()]


def test_blockers_show_their_fix_buttons_and_lock_training_until_fixed(
        qtbot, session, tmp_path):
    root = _leaky_project(tmp_path).root
    page = make_page(qtbot, session, DataPage, height=2300)
    assert session.open(root)
    assert not page.checks.isVisible()  # nothing split yet
    with job_done(qtbot, session.runner, "split"):
        click(qtbot, child(page, QPushButton, "splitButton"))
    qtbot.waitUntil(lambda: len(_checks(page)) >= 3, timeout=10_000)
    assert _severities(page)[:3] == ["blocker"] * 3
    texts = html.unescape(" ".join(w.text() for w in page.findChildren(QLabel, "splitCheckText")
                                   if w.isVisible()))
    assert "exact copies of rows of the training set" in texts
    assert "The column 'decision' is a copy of 'label'" in texts
    assert "Blocker: fix it before training" in texts and "What to do:" in texts
    assert len(_buttons(page, "dropCopiesButton")) == 2  # dev and test
    leave = _buttons(page, "leaveOutButton")
    assert [b.property("column") for b in leave] == ["decision"]
    assert child(page, QLabel, "checksBlocked").isVisible()
    states = session.states()
    assert states["data"].state == READY and states["baseline"].state == LOCKED
    order = tab_walk(qtbot, page, child(page, QPushButton, "splitButton"), steps=12)
    assert "dropCopiesButton" in order and "leaveOutButton" in order  # keyboard reaches them
    shot(qtbot, page, "data_split_checks_blocked")

    with job_done(qtbot, session.runner, "split"):
        click(qtbot, leave[0])
    qtbot.waitUntil(lambda: not _buttons(page, "leaveOutButton"), timeout=10_000)
    assert "decision" not in session.project.features
    assert _buttons(page, "dropCopiesButton") and session.states()["data"].state == READY

    with job_done(qtbot, session.runner, "split"):
        click(qtbot, _buttons(page, "dropCopiesButton")[0])
    qtbot.waitUntil(lambda: "blocker" not in _severities(page), timeout=10_000)
    dropped = child(page, QLabel, "checksDropped")
    assert dropped.isVisible() and "were left out" in dropped.text()
    assert not child(page, QLabel, "checksBlocked").isVisible()
    assert session.states()["data"].state == DONE
    assert session.states()["baseline"].state == READY
    kinds = [d.kind for d in session.project.decisions]
    assert "column_left_out" in kinds and kinds[-1] == "copies_dropped"
    assert session.project.split.seed == 0
    shot(qtbot, page, "data_split_checks_fixed")


def test_a_clean_split_says_the_checks_found_nothing(qtbot, session, tmp_path):
    root = project_from(tmp_path, table(300)).root
    page = make_page(qtbot, session, DataPage, height=1800)
    assert session.open(root)
    with job_done(qtbot, session.runner, "split"):
        click(qtbot, child(page, QPushButton, "splitButton"))
    qtbot.waitUntil(lambda: page.findChild(QLabel, "splitChecksNone") is not None
                    and page.findChild(QLabel, "splitChecksNone").isVisible(), timeout=10_000)
    assert not _checks(page) and not child(page, QLabel, "checksBlocked").isVisible()


def test_drift_in_the_data_you_care_about_is_a_note_without_buttons(qtbot, session, tmp_path):
    care = table(240, seed=5)
    care["x1"] = care["x1"] + 1.5
    root = project_from(tmp_path, table(400), second=care).root
    page = make_page(qtbot, session, DataPage, height=2000)
    assert session.open(root)
    with job_done(qtbot, session.runner, "split"):
        click(qtbot, child(page, QPushButton, "splitButton"))
    qtbot.waitUntil(lambda: len(_checks(page)) >= 2, timeout=10_000)
    assert set(_severities(page)) == {"info"}
    texts = html.unescape(" ".join(w.text() for w in page.findChildren(QLabel, "splitCheckText")
                                   if w.isVisible()))
    assert "Good to know" in texts and "data-mismatch" in texts and "x1 (" in texts
    assert not _buttons(page, "dropCopiesButton") and not _buttons(page, "leaveOutButton")
    assert session.states()["data"].state == DONE
    shot(qtbot, page, "data_split_checks_mismatch")
