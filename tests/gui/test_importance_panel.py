"""The Diagnose page's "Which inputs matter" tab: the button runs the real ``explain`` job on
the chosen model and the tab shows the engine's ranking, intervals and sentences."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox

from engine.core.texts import text
from engine.diagnosis.importance import importance_lines, load_importance
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from gui.pages.diagnose.page import DiagnosePage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def _project(tmp_path, leak: bool):
    """``signal`` and ``other`` drive the label, ``noise`` does not; ``copy`` is the label."""
    rng = np.random.default_rng(1)
    n = 400
    signal, other = rng.normal(size=n), rng.normal(size=n)
    label = np.where(signal + other + rng.normal(0, 0.5, n) > 0, "yes", "no")
    frame = pd.DataFrame({"signal": signal, "other": other, "noise": rng.normal(size=n),
                          "colour": rng.choice(["red", "blue"], n), "label": label})
    if leak:
        frame["copy"] = (label == "yes").astype(int)
    frame.to_csv(tmp_path / "data.csv", index=False)
    project = new_project(tmp_path / "proj", GoalChoice(data=str(tmp_path / "data.csv"),
                                                       target="label"))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear", {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def _tab(qtbot, engine_runner, project):
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    page.tabs.setCurrentIndex(page.tabs.count() - 1)
    return session, page, page.findChild(QPushButton, "measureImportanceButton")


def test_measuring_shows_the_ranking_of_the_engine(qtbot, engine_runner, tmp_path):
    session, page, button = _tab(qtbot, engine_runner, _project(tmp_path, leak=False))
    panel = page.tabs.currentWidget()
    assert page.tabs.tabText(page.tabs.currentIndex()) == text("gui.importance.tab")
    assert panel.bars() == [] and not panel.plot.isVisible()
    assert button.isEnabled()
    panel.findChild(QSpinBox, "importanceRepeats").setValue(4)
    with job_done(qtbot, engine_runner, "explain"):
        qtbot.mouseClick(button, Qt.LeftButton)
    result = load_importance(session.project)
    assert result is not None and result.repeats == 4
    assert [b[0] for b in panel.bars()] == [i.name for i in result.inputs]
    assert {b[0] for b in panel.bars()[:2]} == {"signal", "other"} and panel.plot.isVisible()
    sentences = panel.findChild(QLabel, "importanceSentences").text()
    missing = [line for line in importance_lines(result) if html.escape(line) not in sentences]
    assert not missing, (missing, sentences)
    assert not panel.findChild(QLabel, "importanceLeak").isVisible()
    save_screenshot(page, "diagnose_importance")


def test_a_column_that_gives_the_answer_away_is_flagged(qtbot, engine_runner, tmp_path):
    session, page, button = _tab(qtbot, engine_runner, _project(tmp_path, leak=True))
    panel = page.tabs.currentWidget()
    with job_done(qtbot, engine_runner, "explain"):
        qtbot.mouseClick(button, Qt.LeftButton)
    leak = panel.findChild(QLabel, "importanceLeak")
    assert leak.isVisible() and "copy" in leak.text()
    assert panel.bars()[0][0] == "copy"
    save_screenshot(page, "diagnose_importance_leak")
