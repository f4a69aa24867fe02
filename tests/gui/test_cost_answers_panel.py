"""The Final page's "Answer by the lowest cost" box (several classes with a cost table):
the button runs the real ``threshold`` job with the cost rule, the box then says what
changed on dev, and it is hidden for a task without costs."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from engine.project.project import open_project
from gui.pages.final.page import FinalTestPage
from gui.session import ProjectSession
from tests.engine.decision.test_cost_answers import _project
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def test_the_button_makes_the_model_answer_by_cost(qtbot, engine_runner, tmp_path):
    project = _project(tmp_path)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(1000, 1400)
    page.show()
    button = page.findChild(QPushButton, "costAnswersButton")
    panel = button.parent()
    assert panel.isVisible() and button.isEnabled()
    assert not page.findChild(QPushButton, "drawThresholdButton").parent().isVisible()
    status = page.findChild(QLabel, "costAnswersStatus")
    assert "most likely class" in status.text()
    with job_done(qtbot, engine_runner, "threshold") as outcome:
        qtbot.mouseClick(button, Qt.LeftButton)
    answers = outcome["result"]["answers"]
    assert answers["after"]["expected_cost"] < answers["before"]["expected_cost"]
    assert open_project(project.root).decision_rule.cost_answers is not None
    assert "expected cost is lowest" in status.text()
    save_screenshot(panel, "final_cost_answers")

    # Without costs the box is not offered.
    session.project.goal = replace(session.project.goal, costs=None)
    panel.refresh()
    assert not panel.isVisible()
