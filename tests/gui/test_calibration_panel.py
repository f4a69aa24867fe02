"""The Final test page's Calibration box: the button runs the real ``calibrate`` job on the
chosen (deliberately over-confident) model and the box shows the engine's error before and
after and the reliability diagram; once the vault is open the box is disabled and says why;
the Use page says whether the confidence it shows is calibrated."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QPushButton

from engine.core.texts import text
from engine.decision.calibration import calibration_lines
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import DecisionRule, ThresholdChoice
from engine.project.project import open_project
from gui.pages.final.page import FinalTestPage
from gui.pages.use.page import UsePage
from gui.session import ProjectSession
from tests.engine.decision.overconfident import (overconfident_frame, sharpen_linear,
                                                 trained_project)
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def _page(qtbot, engine_runner, root):
    session = ProjectSession(engine_runner)
    assert session.open(root)
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    box = page.findChild(QGroupBox, "calibrationBox")
    return session, page, box


def _choose(box, method):
    combo = box.findChild(QComboBox, "calibrationMethod")
    combo.setCurrentIndex(combo.findData(method))


def test_calibrating_shows_the_error_before_and_after_and_the_diagram(qtbot, engine_runner,
                                                                      tmp_path):
    project = trained_project(tmp_path, overconfident_frame(600, 2, seed=1), "linear")
    sharpen_linear(project)
    project.decision_rule = DecisionRule(project.chosen_run, now_iso(),
                                         threshold=ThresholdChoice(0.4, "manual"))
    project.save()
    session, page, box = _page(qtbot, engine_runner, project.root)
    button = box.findChild(QPushButton, "calibrateButton")
    assert box.isVisible() and button.isEnabled()
    assert not box.plot.isVisible() and box.drawn() == {}
    assert html.escape(text("calibration.none_set")) in \
        box.findChild(QLabel, "calibrationSentences").text()

    _choose(box, "platt")
    with job_done(qtbot, engine_runner, "calibrate"):
        qtbot.mouseClick(button, Qt.LeftButton)
    rule = session.project.decision_rule
    fit = rule.calibration
    assert fit is not None and fit.method == "platt" and fit.ece_after < fit.ece_before
    assert box.drawn() == {"before": sorted(fit.reliability_before),
                           "after": sorted(fit.reliability_after)}
    assert box.plot.isVisible()
    sentences = box.findChild(QLabel, "calibrationSentences").text()
    assert all(html.escape(line) in sentences for line in calibration_lines(fit, "x")[1:])
    # The threshold was kept and is now older than the calibration: choose it again.
    assert rule.threshold.value == 0.4
    assert box.findChild(QLabel, "calibrationThresholdNote").isVisible()
    save_screenshot(box, "final_calibration")

    use = UsePage(session)
    qtbot.addWidget(use)
    note = use.findChild(QLabel, "useCalibration")
    assert "calibrated (Platt scaling" in note.text()

    _choose(box, "none")
    with job_done(qtbot, engine_runner, "calibrate"):
        qtbot.mouseClick(button, Qt.LeftButton)
    assert session.project.decision_rule.calibration is None
    assert not box.plot.isVisible() and box.drawn() == {}
    use.refresh()
    assert note.text() == text("gui.calibration.use_raw")


def test_after_the_vault_opened_the_box_is_disabled_and_says_why(qtbot, engine_runner,
                                                                 tmp_path):
    project = trained_project(tmp_path, overconfident_frame(300, 3), "linear")
    project.vault = project.vault.opened(now_iso())
    project.save()
    session, page, box = _page(qtbot, engine_runner, project.root)
    assert not box.findChild(QPushButton, "calibrateButton").isEnabled()
    assert not box.findChild(QComboBox, "calibrationMethod").isEnabled()
    why = box.findChild(QLabel, "calibrationButtonNote").text()
    assert why == text("gui.calibration.vault_open")
    # Three classes: Platt and isotonic are not offered.
    combo = box.findChild(QComboBox, "calibrationMethod")
    enabled = {combo.itemData(i) for i in range(combo.count())
               if combo.model().item(i).isEnabled()}
    assert enabled == {"auto", "temperature", "none"}
    assert open_project(project.root).decision_rule is None
    save_screenshot(box, "final_calibration_vault_open")
