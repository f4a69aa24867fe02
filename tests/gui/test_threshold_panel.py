"""The Final page's "Decision threshold" box: drawing the dev curve and saving the rule's
threshold or a dragged one run the real ``threshold`` job; after the vault opened the box
is read-only and says why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from engine.decision.threshold import load_curve
from engine.diagnosis.step import diagnose_project
from engine.final.requests import FinalTestRequest
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from gui.pages.final.page import FinalTestPage
from gui.plot_parts import named_series
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def _project(tmp_path):
    rng = np.random.default_rng(2)
    n = 400
    signal = rng.normal(size=n)
    label = np.where(signal + rng.normal(0, 0.8, n) > 0.6, "yes", "no")
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n), "label": label})
    frame.to_csv(tmp_path / "data.csv", index=False)
    project = new_project(tmp_path / "proj", GoalChoice(data=str(tmp_path / "data.csv"),
                                                       target="label"))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear", {}))
    project = open_project(project.root)
    diagnose_project(project, run.run_id)
    return project


def test_draw_save_drag_and_lock(qtbot, engine_runner, tmp_path):
    project = _project(tmp_path)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(1000, 1400)
    page.show()
    panel = page.findChild(QPushButton, "drawThresholdButton").parent()
    assert panel.isVisible() and not panel.plot.isVisible()
    save = panel.findChild(QPushButton, "saveThresholdButton")
    assert not save.isEnabled()  # nothing drawn yet
    combo = panel.findChild(QComboBox, "thresholdRule")
    combo.setCurrentIndex(combo.findData("constraint"))
    meet = panel.findChild(QLineEdit, "thresholdMeet")
    assert meet.isVisible()
    meet.setText("recall >= 0.9")
    with job_done(qtbot, engine_runner, "threshold") as outcome:
        qtbot.mouseClick(panel.draw_button, Qt.LeftButton)
    proposed = outcome["result"]["choice"]
    assert proposed["rule"] == "constraint" and proposed["dev"]["recall"] >= 0.9
    assert open_project(project.root).decision_rule is None  # drawing saves nothing
    assert panel.plot.isVisible() and panel.line_value() == pytest.approx(proposed["value"])
    series = named_series(panel.plot)
    assert set(series) >= {"precision", "recall"}
    assert series["recall"][0] == pytest.approx(panel.curve.thresholds)
    at_line = panel.findChild(QLabel, "thresholdAtLine").text()
    assert "recall" in at_line and "moved" not in at_line
    save_screenshot(page.findChild(QLabel, "thresholdAbout").parent(), "final_threshold_drawn")

    with job_done(qtbot, engine_runner, "threshold"):
        qtbot.mouseClick(save, Qt.LeftButton)
    saved = session.project.decision_rule.threshold
    assert saved.rule == "constraint" and saved.value == pytest.approx(proposed["value"])
    assert load_curve(session.project) is not None

    # The user drags the line (as a mouse drag does: the line's value changes), then saves.
    panel.line.setValue(0.25)
    assert "moved by hand" in panel.findChild(QLabel, "thresholdAtLine").text()
    with job_done(qtbot, engine_runner, "threshold"):
        qtbot.mouseClick(save, Qt.LeftButton)
    saved = session.project.decision_rule.threshold
    assert saved.rule == "manual" and saved.value == pytest.approx(0.25)
    assert panel.line_value() == pytest.approx(0.25) and not panel.moved()

    # The vault opens: the box is read-only and says why.
    with job_done(qtbot, engine_runner, "final_test", timeout=120_000):
        session.run(FinalTestRequest(seeds=1))
    assert session.project.final_test.decision.threshold.value == pytest.approx(0.25)
    locked = panel.findChild(QLabel, "thresholdLocked")
    assert locked.isVisible() and "new experiment" in locked.text()
    assert not save.isEnabled() and not combo.isEnabled() and not panel.line.movable
    assert "Drag" not in panel.findChild(QLabel, "thresholdAtLine").text()
    save_screenshot(panel, "final_threshold_locked")
