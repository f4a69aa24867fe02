"""The Goal page with several labellers: tick "several people labelled the same thing",
tick the label columns, create; the open goal shows the human-level error (proposed as the
target error) and the people's confusion matrix. Real engine process."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QListWidget,
                               QPushButton, QTableWidget)

from tests.engine.goal.labelled_data import PEOPLE, planted
from tests.gui.page_helpers import (JOB_TIMEOUT, child, click, make_page, session, set_folder,
                                    shot, wait_for_suggestion)

__all__ = ["session"]  # fixtures


def test_label_columns_are_ticked_and_the_estimate_is_shown(qtbot, session, tmp_path):
    frame, _ = planted(rows=600)
    path = tmp_path / "animals.csv"
    frame.to_csv(path, index=False)
    page = make_page(qtbot, session, height=1700)
    page.use_file(str(path))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == frame.shape[1] and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    columns = child(page, QListWidget, "labellersList")
    assert not columns.isVisible()
    check = child(page, QCheckBox, "labellersCheck")
    qtbot.mouseClick(check, Qt.LeftButton, pos=QPoint(8, check.height() // 2))
    assert columns.isVisible() and columns.count() == frame.shape[1]
    page.form.labellers.tick(PEOPLE)
    wait_for_suggestion(qtbot, page)
    assert not target.isEnabled()  # the vote is the target
    assert "ann, bob, cy" in child(page, QLabel, "labellersStatus").text()
    assert child(page, QComboBox, "taskCombo").currentData() == "multiclass"
    set_folder(qtbot, page, tmp_path / "animals")
    shot(qtbot, page, "goal_labellers_choice")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    goal = session.project.goal
    assert goal.target == "label_vote" and goal.labellers.columns == PEOPLE
    assert not set(PEOPLE) & set(session.project.features)
    qtbot.waitUntil(lambda: child(page, QPushButton, "applyButton").isVisible())
    lines = child(page, QLabel, "labellersLines").text()
    assert f"{goal.labellers.estimate:.1%}" in lines and "proposes" in lines
    matrix = child(page, QTableWidget, "labellersMatrix")
    assert matrix.isVisible() and matrix.rowCount() == 3
    assert int(matrix.item(0, 0).text()) == goal.labellers.confusion[0][0]
    spin = page.findChild(QDoubleSpinBox, "targetErrorSpin")
    assert spin.value() == pytest.approx(100 * goal.labellers.estimate, abs=0.05)
    shot(qtbot, page, "goal_labellers_open")
