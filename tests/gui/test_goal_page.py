"""The Goal page, driven through its real widgets with a live engine process."""

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDoubleSpinBox,
                               QFileDialog, QLabel, QListWidget, QPushButton)

from engine.goal.step import GoalChoice, new_project
from engine.data.samples import SAMPLES
from tests.gui.page_helpers import (JOB_TIMEOUT, child, choose, click, make_page, pick_sample,
                                    session, set_folder, shot, tab_walk,
                                    wait_for_suggestion)

__all__ = ["session"]  # fixtures


# ----- choosing a sample and creating the project

def test_sample_to_new_project(qtbot, session, tmp_path):
    page = make_page(qtbot, session)
    assert child(page, QPushButton, "chooseFileButton").isVisible()
    assert not child(page, QComboBox, "metricCombo").isVisible()
    assert not child(page, QPushButton, "createButton").isVisible()
    samples = child(page, QListWidget, "sampleList")
    texts = [samples.item(i).text() for i in range(samples.count())]
    assert any(SAMPLES["breast_cancer"].description in t for t in texts)
    shot(qtbot, page, "goal_new")

    pick_sample(qtbot, page)
    # While the file is read, nothing else can be started.
    assert not child(page, QPushButton, "chooseFileButton").isEnabled()
    wait_for_suggestion(qtbot, page)
    assert child(page, QPushButton, "chooseFileButton").isEnabled()
    target = child(page, QComboBox, "targetCombo")
    assert target.currentText() == "diagnosis"
    assert target.count() == 31
    assert "569 rows" in child(page, QLabel, "fileInfo").text()
    task = child(page, QComboBox, "taskCombo")
    assert task.currentData() == "binary"
    assert child(page, QLabel, "taskRecommended").isVisible()
    assert "two different labels" in child(page, QLabel, "taskReason").text()
    metric = child(page, QComboBox, "metricCombo")
    assert metric.currentData() == "accuracy"
    names = [metric.itemData(i) for i in range(metric.count())]
    assert "average_precision" in names and "mae" not in names
    mark = child(page, QLabel, "metricRecommended")
    assert mark.isVisible() and mark.property("role") == "recommended"
    assert "equally common" in child(page, QLabel, "metricReason").text()
    folder_edit = page.form.folder_edit
    assert folder_edit.text().endswith(str(Path("Practica") / "breast_cancer"))

    # Another metric: no longer the recommended one; then back.
    choose(metric, "f1")
    assert not mark.isVisible()
    assert "Your choice" in child(page, QLabel, "metricReason").text()
    choose(metric, "accuracy")
    assert mark.isVisible()

    # A constraint: recall at least 90 %.
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    quantity = child(page, QComboBox, "constraintQuantity")
    assert quantity.hasFocus()
    offered = [quantity.itemData(i) for i in range(quantity.count())]
    assert offered[-4:] == ["latency_ms", "batch_latency_ms", "params", "size_mb"]
    assert "recall" in offered
    choose(quantity, "recall")
    assert child(page, QComboBox, "constraintOp").currentData() == ">="
    bound = page.findChild(QDoubleSpinBox, "constraintBound")
    bound.setValue(90.0)
    # A second one, removed again.
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    assert len(page.form.judging.constraints.rows) == 2
    click(qtbot, page.form.judging.constraints.rows[1].remove)
    qtbot.waitUntil(lambda: len(page.form.judging.constraints.rows) == 1)
    assert page.form.judging.expressions() == ["recall >= 90%"]

    # Target error: 3 % error (97 % accuracy).
    check = child(page, QCheckBox, "targetErrorCheck")
    qtbot.mouseClick(check, Qt.LeftButton, pos=QPoint(8, check.height() // 2))
    assert check.isChecked()
    spin = page.findChild(QDoubleSpinBox, "targetErrorSpin")
    assert spin.isEnabled() and spin.suffix() == " %"
    spin.setValue(3.0)
    assert "95 %" in child(page, QLabel, "targetErrorHint").text()

    set_folder(qtbot, page, tmp_path / "bc")
    shot(qtbot, page, "goal_filled")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    project = session.project
    assert project is not None and project.root == (tmp_path / "bc").resolve()
    goal = project.goal
    assert (goal.target, goal.task, goal.metric) == ("diagnosis", "binary", "accuracy")
    assert "equally common" in goal.metric_reason  # the suggestion, not "your choice"
    assert [(c.quantity, c.op, c.bound) for c in goal.constraints] == \
        [("recall", ">=", 0.9)]
    assert goal.target_error == pytest.approx(0.03)

    # The page now shows the open project's goal.
    qtbot.waitUntil(lambda: child(page, QPushButton, "applyButton").isVisible())
    assert not child(page, QPushButton, "chooseFileButton").isVisible()
    assert child(page, QLabel, "open_target").text() == "diagnosis"
    assert metric.currentData() == "accuracy" and mark.isVisible()
    assert page.form.judging.expressions() == ["recall >= 90%"]
    assert spin.value() == pytest.approx(3.0)
    shot(qtbot, page, "goal_open")


def test_a_non_sample_target_is_chosen_by_the_user_and_the_task_can_change(
        qtbot, session, tmp_path):
    frame = pd.read_csv(SAMPLES["diabetes"].path)
    path = tmp_path / "patients.csv"
    frame.to_csv(path, index=False)
    page = make_page(qtbot, session)
    page.use_file(str(path))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == frame.shape[1] and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    assert target.currentIndex() == -1  # no guess for a file of the user's own
    assert not child(page, QComboBox, "metricCombo").isVisible()
    choose(target, "progression")
    wait_for_suggestion(qtbot, page)
    task = child(page, QComboBox, "taskCombo")
    metric = child(page, QComboBox, "metricCombo")
    assert task.currentData() == "regression"
    assert metric.currentData() in ("mae", "rmse", "r2")
    assert page.findChild(QDoubleSpinBox, "targetErrorSpin").suffix() == ""
    choose(task, "multiclass")
    assert not child(page, QLabel, "taskRecommended").isVisible()
    assert "different kind of task" in child(page, QLabel, "taskReason").text()
    assert [metric.itemData(i) for i in range(metric.count())][0] == "accuracy"
    assert not child(page, QLabel, "metricRecommended").isVisible()
    choose(task, "regression")
    assert child(page, QLabel, "metricRecommended").isVisible()


def test_a_column_that_cannot_be_predicted_is_said_inline(qtbot, session, tmp_path):
    path = tmp_path / "flat.csv"
    pd.DataFrame({"x": range(60), "y": ["same"] * 60}).to_csv(path, index=False)
    page = make_page(qtbot, session)
    page.use_file(str(path))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 2 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    choose(target, "y")
    status = child(page, QLabel, "targetStatus")
    qtbot.waitUntil(lambda: "cannot be predicted" in status.text(), timeout=JOB_TIMEOUT)
    assert "same value" in status.text()
    assert status.property("role") == "warning"
    assert not child(page, QComboBox, "metricCombo").isVisible()
    assert not child(page, QPushButton, "createButton").isVisible()


def test_a_file_that_cannot_be_read_is_said_inline(qtbot, session, tmp_path):
    path = tmp_path / "notes.doc"
    path.write_text("not a table")
    problems = []
    session.problem.connect(lambda message, _details: problems.append(message))
    page = make_page(qtbot, session)
    page.use_file(str(path))
    problem = child(page, QLabel, "fileProblem")
    qtbot.waitUntil(lambda: problem.isVisible(), timeout=JOB_TIMEOUT)
    assert ".doc" in problem.text()
    assert problems and ".doc" in problems[0]
    assert not child(page, QComboBox, "targetCombo").isVisible()


def drag_and_drop(page, urls) -> tuple[bool, bool]:
    """Drag ``urls`` onto the page and drop them, as the window system would; return
    whether the page accepted the drag and the drop."""
    mime = QMimeData()
    mime.setUrls(urls)
    where = QPointF(page.width() / 2, page.height() / 3)
    enter = QDragEnterEvent(where, Qt.CopyAction, mime, Qt.LeftButton,
                            Qt.NoModifier)
    QApplication.sendEvent(page, enter)
    if not enter.isAccepted():
        return False, False
    drop = QDropEvent(where, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(page, drop)
    return True, drop.isAccepted()


def test_dropping_a_file_on_the_page_reads_it(qtbot, session, tmp_path):
    path = tmp_path / "wine copy.csv"
    path.write_bytes(SAMPLES["wine"].path.read_bytes())
    page = make_page(qtbot, session)
    assert drag_and_drop(page, [QUrl.fromLocalFile(str(path))]) == (True, True)
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 14 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    assert "wine copy.csv" in child(page, QLabel, "fileLabel").text()
    assert page.form.folder_edit.text().endswith("wine copy")
    assert not child(page, QLabel, "fileProblem").isVisible()

    # Two files, or something that is not a local file, are refused with a word why.
    two = [QUrl.fromLocalFile(str(path)), QUrl.fromLocalFile(str(path))]
    assert drag_and_drop(page, two) == (False, False)
    problem = child(page, QLabel, "fileProblem")
    assert problem.isVisible() and "one at a time" in problem.text()
    assert drag_and_drop(page, [QUrl("https://example.org/data.csv")]) == (False, False)
    assert "wine copy.csv" in child(page, QLabel, "fileLabel").text()  # nothing changed


def test_an_open_project_goal_can_be_changed(qtbot, session, tmp_path):
    sample = SAMPLES["breast_cancer"]
    folder = tmp_path / "open"
    new_project(folder, GoalChoice(str(sample.path), sample.target))
    page = make_page(qtbot, session)
    assert session.open(folder)
    assert child(page, QPushButton, "applyButton").isVisible()
    assert not child(page, QPushButton, "createButton").isVisible()
    assert child(page, QLabel, "open_file").text().endswith("breast_cancer.csv")
    assert "yes/no" in child(page, QLabel, "open_task").text().lower()
    metric = child(page, QComboBox, "metricCombo")
    assert metric.currentData() == "accuracy"
    assert child(page, QLabel, "metricRecommended").isVisible()

    choose(metric, "average_precision")
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    choose(child(page, QComboBox, "constraintQuantity"), "latency_ms")
    page.findChild(QDoubleSpinBox, "constraintBound").setValue(20)
    check = child(page, QCheckBox, "targetErrorCheck")
    check.setChecked(True)
    page.findChild(QDoubleSpinBox, "targetErrorSpin").setValue(2.5)
    click(qtbot, child(page, QPushButton, "applyButton"))
    goal = session.project.goal
    assert goal.metric == "average_precision"
    assert goal.constraints[0].quantity == "latency_ms"
    assert goal.constraints[0].op == "<=" and goal.constraints[0].bound == 20
    assert goal.target_error == pytest.approx(0.025)
    assert session.dirty
    assert "applied" in child(page, QLabel, "applyStatus").text()
    kinds = [d.kind for d in session.project.decisions]
    assert {"metric_chosen", "constraints_set", "target_error_set"} <= set(kinds)
    # What is shown is the project's goal again, and the user's choice is no suggestion.
    assert metric.currentData() == "average_precision"
    assert not child(page, QLabel, "metricRecommended").isVisible()

    click(qtbot, child(page, QPushButton, "applyButton"))
    assert "Nothing changed" in child(page, QLabel, "applyStatus").text()


def test_keyboard_order_follows_the_page(qtbot, session, tmp_path):
    page = make_page(qtbot, session)
    pick_sample(qtbot, page)
    wait_for_suggestion(qtbot, page)
    click(qtbot, child(page, QPushButton, "addConstraintButton"))
    order = tab_walk(qtbot, page, child(page, QPushButton, "chooseFileButton"))
    expected = ["chooseFileButton", "sampleList", "targetCombo", "taskCombo", "metricCombo",
                "constraintQuantity", "constraintOp", "constraintBound",
                "removeConstraintButton", "addConstraintButton", "targetErrorCheck",
                "secondFileButton", "folderEdit", "folderButton", "createButton"]
    assert [name for name in order if name in expected] == expected
    # Alt + underlined letter reaches the fields.
    qtbot.keyClick(page, Qt.Key_M, Qt.AltModifier)
    assert QApplication.focusWidget() is child(page, QComboBox, "metricCombo")
    # A sample is chosen with the arrow keys and Enter too.
    qtbot.keyClick(page, Qt.Key_S, Qt.AltModifier)
    samples = child(page, QListWidget, "sampleList")
    assert QApplication.focusWidget() is samples
    qtbot.keyClick(samples, Qt.Key_Down)
    qtbot.keyClick(samples, Qt.Key_Return)
    assert "Wine" in child(page, QLabel, "fileLabel").text()
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.currentText() == "cultivar", timeout=JOB_TIMEOUT)
    wait_for_suggestion(qtbot, page)
    assert child(page, QComboBox, "taskCombo").currentData() == "multiclass"


def test_while_a_job_runs_only_the_latest_choice_is_kept(qtbot, session):
    page = make_page(qtbot, session)
    pick_sample(qtbot, page, "wine")
    wait_for_suggestion(qtbot, page)
    target = child(page, QComboBox, "targetCombo")
    choose(target, "hue")        # starts a suggestion job ...
    assert session.runner.busy
    choose(target, "proline")    # ... these two wait; only the last one runs next
    choose(target, "alcohol")
    assert "Waiting" in child(page, QLabel, "targetStatus").text()
    qtbot.waitUntil(lambda: not session.runner.busy and page._queued is None
                    and child(page, QComboBox, "metricCombo").isVisible(), timeout=JOB_TIMEOUT)
    assert child(page, QComboBox, "taskCombo").currentData() == "regression"
    assert "'alcohol'" in child(page, QLabel, "taskReason").text()


def test_dialogs_choose_the_files_and_the_folder(qtbot, session, tmp_path, monkeypatch):
    frame = pd.read_csv(SAMPLES["wine"].path).sample(frac=1.0, random_state=1)
    first, second = tmp_path / "lab.csv", tmp_path / "field.csv"
    frame.iloc[:118].to_csv(first, index=False)
    frame.iloc[118:].to_csv(second, index=False)
    answers = iter([str(first), str(second)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (next(answers), "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(tmp_path / "projects")))
    page = make_page(qtbot, session)
    click(qtbot, child(page, QPushButton, "chooseFileButton"))
    target = child(page, QComboBox, "targetCombo")
    qtbot.waitUntil(lambda: target.count() == 14 and not session.runner.busy,
                    timeout=JOB_TIMEOUT)
    choose(target, "cultivar")
    wait_for_suggestion(qtbot, page)
    clear = child(page, QPushButton, "clearSecondButton")
    assert not clear.isEnabled()
    click(qtbot, child(page, QPushButton, "secondFileButton"))
    assert child(page, QLabel, "secondFileLabel").text() == "field.csv" and clear.isEnabled()
    click(qtbot, child(page, QPushButton, "folderButton"))
    assert page.form.folder_edit.text() == str(tmp_path / "projects" / "lab")
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "createButton"))
    project = session.project
    assert project.root == (tmp_path / "projects" / "lab").resolve()
    assert project.source("target").path == str(second.resolve())
    assert child(page, QLabel, "open_second").text() == str(second.resolve())


def test_an_existing_project_folder_is_refused_inline(qtbot, session, tmp_path):
    sample = SAMPLES["diabetes"]
    new_project(tmp_path / "taken", GoalChoice(str(sample.path), sample.target))
    page = make_page(qtbot, session)
    pick_sample(qtbot, page, "diabetes")
    wait_for_suggestion(qtbot, page)
    set_folder(qtbot, page, tmp_path / "taken")
    click(qtbot, child(page, QPushButton, "createButton"))
    status = child(page, QLabel, "createStatus")
    qtbot.waitUntil(lambda: status.property("role") == "warning", timeout=JOB_TIMEOUT)
    assert "already" in status.text().lower()
    assert session.project is None
    assert child(page, QPushButton, "createButton").isEnabled()
