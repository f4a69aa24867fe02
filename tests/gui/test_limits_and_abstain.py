"""The pages say why a model that breaks a limit is not offered as best (Diagnose run choice,
Baseline runs table), and the Goal page sets the accuracy required when the model may refuse
to answer."""

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QLabel,
                               QPushButton)

from engine.goal.edit import set_constraints
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.data.samples import SAMPLES
from engine.training.job import TrainingSpec, run_training
from gui.pages.baseline.page import BaselinePage
from gui.pages.diagnose.page import DiagnosePage
from gui.result_table import ResultTable
from tests.gui.page_helpers import (child, click, make_page, pick_sample,  # noqa: F401
                                    session, set_folder, shot, wait_for_suggestion)


@pytest.fixture
def too_slow_project(split_project):
    """Two runs: the better one (linear) measured at 72 ms per example, a 50 ms limit."""
    root = split_project.root
    slow = run_training(TrainingSpec(str(root), "linear")).run_id
    run_training(TrainingSpec(str(root), "majority"))
    project = open_project(root)
    record = project.run(slow)
    dataclasses.replace(record, measured={**record.measured, "latency_ms": 72.0}).save(
        project.run_dir(slow))
    project = open_project(root)
    set_constraints(project, ["latency_ms < 50"])
    project.save()
    return project, slow


def test_the_diagnose_page_says_why_the_better_model_is_not_offered(
        qtbot, session, too_slow_project):  # noqa: F811
    project, slow = too_slow_project
    assert session.open(project.root)
    page = make_page(qtbot, session, DiagnosePage, height=900)
    combo = child(page, QComboBox, "runCombo")
    assert combo.currentData() != slow  # the best run that meets the limit
    why = "Prediction time per example: 72 ms, above your limit of 50 ms."
    assert combo.itemData(combo.findData(slow), Qt.ToolTipRole) == why
    assert combo.itemData(combo.currentIndex(), Qt.ToolTipRole) is None
    note = child(page, QLabel, "runChoiceNote")
    assert note.isVisible() and why in note.text()
    assert project.run(slow).label in note.text()
    shot(qtbot, page, "diagnose_limits_note")


def test_the_runs_table_explains_a_broken_limit_and_the_timings(
        qtbot, session, too_slow_project):  # noqa: F811
    project, slow = too_slow_project
    assert session.open(project.root)
    page = make_page(qtbot, session, BaselinePage, height=900)
    table = child(page, ResultTable, "runsTable")
    row = [r.id for r in session.project.runs].index(slow)
    assert table.cell_text(row, 8) == "no"
    assert table.item(row, 8).toolTip() == \
        "Prediction time per example: 72 ms, above your limit of 50 ms."
    timing = table.item(row, 5).toolTip()
    assert "one example alone" in timing and "a batch of 32" in timing


def test_the_goal_page_sets_the_abstain_accuracy(qtbot, session, tmp_path):  # noqa: F811
    page = make_page(qtbot, session)
    check = child(page, QCheckBox, "abstainCheck")
    spin = child(page, QDoubleSpinBox, "abstainSpin")
    pick_sample(qtbot, page)
    wait_for_suggestion(qtbot, page)
    assert check.isEnabled() and not spin.isEnabled()
    # Alt+U is the option's mnemonic: it focuses and ticks it (Qt's animated click ends
    # about 100 ms later, so wait for it rather than pressing Space on top of it).
    qtbot.keyClick(page, Qt.Key_U, Qt.AltModifier)
    qtbot.waitUntil(check.isChecked, timeout=2000)
    assert spin.isEnabled() and QApplication.focusWidget() in (check, spin)
    spin.setValue(97.0)
    set_folder(qtbot, page, tmp_path / "abstain")
    with qtbot.waitSignal(session.project_changed, timeout=240_000):
        click(qtbot, child(page, QPushButton, "createButton"))
    assert session.project.goal.abstain_accuracy == pytest.approx(0.97)
    shot(qtbot, page, "goal_abstain")
    # The open project shows it, and it can be switched off.
    qtbot.waitUntil(lambda: child(page, QPushButton, "applyButton").isVisible())
    assert check.isChecked() and spin.value() == pytest.approx(97.0)
    check.setChecked(False)
    click(qtbot, child(page, QPushButton, "applyButton"))
    assert session.project.goal.abstain_accuracy is None
    assert session.project.decisions[-1].kind == "abstain_set"


def test_refusing_is_not_offered_for_a_regression(qtbot, session, tmp_path):  # noqa: F811
    sample = SAMPLES["diabetes"]
    new_project(tmp_path / "reg", GoalChoice(str(sample.path), sample.target))
    page = make_page(qtbot, session)
    assert session.open(tmp_path / "reg")
    check = child(page, QCheckBox, "abstainCheck")
    assert not check.isEnabled() and "number" in check.toolTip()
