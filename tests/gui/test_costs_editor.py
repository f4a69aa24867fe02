"""The cost table on the Goal page: off until the user says they know what mistakes cost,
two amounts for yes/no, a grid for several classes, the expected cost offered as the metric
and in the constraints once costs are given, saved through the engine."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QLabel,
                               QLineEdit, QPushButton, QWidget)

from engine.data.samples import SAMPLES
from engine.goal.cost_table import false_alarm_and_miss
from engine.goal.step import GoalChoice, new_project
from tests.gui.page_helpers import child, choose, click, make_page, session, shot, tab_walk

__all__ = ["session"]  # fixtures


def _open(qtbot, session, tmp_path, sample):
    s = SAMPLES[sample]
    new_project(tmp_path / sample, GoalChoice(str(s.path), s.target))
    page = make_page(qtbot, session, height=1700)
    assert session.open(tmp_path / sample)
    return page


def _offered(combo: QComboBox) -> list:
    return [combo.itemData(i) for i in range(combo.count())]


def test_yes_no_costs_make_the_expected_cost_a_metric_and_a_limit(qtbot, session, tmp_path):
    page = _open(qtbot, session, tmp_path, "breast_cancer")
    goal = session.project.goal
    check = child(page, QCheckBox, "costsCheck")
    metric = child(page, QComboBox, "metricCombo")
    assert check.isVisible() and not check.isChecked()
    assert not child(page, QWidget, "costsBody").isVisible()
    assert "expected_cost" not in _offered(metric)

    # Alt + W ticks the box from the keyboard; the amounts come next in the Tab order.
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    metric.setFocus()
    qtbot.keyClick(page, Qt.Key_W, Qt.AltModifier)
    qtbot.waitUntil(check.isChecked)  # a mnemonic clicks the box after a short animation
    assert check.isChecked() and child(page, QWidget, "costsBody").isVisible()
    order = tab_walk(qtbot, page, check, steps=6)
    assert order[:4] == ["costsCheck", "costsUnit", "falseAlarmCost", "missCost"]
    assert "expected_cost" in _offered(metric)

    child(page, QLineEdit, "costsUnit").setText("euros")
    child(page, QDoubleSpinBox, "falseAlarmCost").setValue(2)
    child(page, QDoubleSpinBox, "missCost").setValue(20)
    choose(metric, "expected_cost")
    assert "on average" in child(page, QLabel, "metricExplain").text()
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    quantity = child(page, QComboBox, "constraintQuantity")
    assert "expected_cost" in _offered(quantity)
    choose(quantity, "expected_cost")
    bound = child(page, QDoubleSpinBox, "constraintBound")
    assert bound.minimum() == 0  # a cost below zero cannot be typed
    bound.setValue(3)
    assert child(page, QComboBox, "constraintOp").currentData() == "<="
    shot(qtbot, page, "goal_costs_yes_no")
    click(qtbot, child(page, QPushButton, "applyButton"))
    goal = session.project.goal
    assert goal.metric == "expected_cost" and goal.costs.unit == "euros"
    assert false_alarm_and_miss(goal.costs, goal.positive_label) == (2, 20)
    assert goal.constraints[0].quantity == "expected_cost" and goal.constraints[0].bound == 3
    assert "costs_set" in [d.kind for d in session.project.decisions]
    # What is shown is the saved goal again.
    assert check.isChecked() and child(page, QDoubleSpinBox, "missCost").value() == 20

    # A table where nothing costs anything is said at once, as the engine sees it.
    child(page, QDoubleSpinBox, "falseAlarmCost").setValue(0)
    child(page, QDoubleSpinBox, "missCost").setValue(0)
    message = child(page, QLabel, "costsMessage")
    assert message.isVisible() and "cannot tell models apart" in message.text()

    # Unticking takes the expected cost out of the metric and the limits, then the costs go.
    check.setChecked(False)
    assert "expected_cost" not in _offered(metric)
    assert page.findChild(QComboBox, "constraintQuantity") is None or all(
        c.currentData() != "expected_cost" for c in page.findChildren(QComboBox,
                                                                       "constraintQuantity")
        if c.isVisible())
    click(qtbot, child(page, QPushButton, "applyButton"))
    goal = session.project.goal
    assert goal.costs is None and goal.metric != "expected_cost" and not goal.constraints


def test_several_classes_get_a_grid_and_a_regression_none(qtbot, session, tmp_path):
    page = _open(qtbot, session, tmp_path, "wine")
    labels = session.project.goal.labels
    assert len(labels) == 3
    child(page, QCheckBox, "costsCheck").setChecked(True)
    assert page.findChild(QDoubleSpinBox, "falseAlarmCost") is None
    cells = {(i, j): child(page, QDoubleSpinBox, f"cost_{i}_{j}")
             for i in range(3) for j in range(3)}
    assert [cells[(0, j)].value() for j in range(3)] == [0, 1, 1]
    order = tab_walk(qtbot, page, child(page, QCheckBox, "costsCheck"), steps=12)
    assert order[2:11] == [f"cost_{i}_{j}" for i in range(3) for j in range(3)]
    cells[(0, 2)].setValue(5)
    cells[(1, 1)].setValue(0.5)  # a right answer with a price: allowed, and said
    message = child(page, QLabel, "costsMessage")
    assert message.isVisible() and labels[1] in message.text()
    shot(qtbot, page, "goal_costs_classes")
    click(qtbot, child(page, QPushButton, "applyButton"))
    costs = session.project.goal.costs
    assert costs.labels == labels and costs.unit == ""
    assert costs.matrix[0] == (0, 1, 5) and costs.matrix[1][1] == 0.5
    decision = session.project.decisions[-1]
    assert decision.kind == "costs_set" and decision.details["warnings"]

    page2 = _open(qtbot, session, tmp_path, "diabetes")
    assert not page2.findChild(QWidget, "costsSection").isVisible()


def test_new_costs_say_that_earlier_runs_keep_their_old_cost(qtbot, session, split_project):
    from engine.training.job import TrainingSpec, run_training

    run_training(TrainingSpec(str(split_project.root), "majority", {}))
    page = make_page(qtbot, session)
    assert session.open(split_project.root)
    child(page, QCheckBox, "costsCheck").setChecked(True)
    child(page, QDoubleSpinBox, "missCost").setValue(9)
    click(qtbot, child(page, QPushButton, "applyButton"))
    status = child(page, QLabel, "applyStatus").text()
    assert "Changes applied" in status and "Train them again" in status
    shot(qtbot, page, "goal_costs_after_runs")
