"""The Data & split page, driven through its real widgets with a live engine process."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QDoubleSpinBox, QLabel, QPushButton, QSpinBox,
                               QTableView, QTableWidget)

from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.data.samples import SAMPLES
from engine.split.step import split_project
from engine.project.vault import open_vault
from gui.pages.data.page import DataPage
from gui.pages.goal.page import GoalPage
from tests.gui.page_helpers import (JOB_TIMEOUT, child, click, create_from_sample, make_page,
                                    session, shot, tab_walk)

__all__ = ["session"]  # fixtures


def type_into(qtbot, spin, value: str) -> None:
    """Replace a number box's value by typing, as a user would."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, value)
    qtbot.keyClick(spin, Qt.Key_Tab)


def spin(page, name) -> QDoubleSpinBox:
    return child(page, QDoubleSpinBox, name)


def wait_preview(qtbot, page, rows: int) -> None:
    view = child(page, QTableView, "previewTable")
    qtbot.waitUntil(lambda: view.model() is not None and view.model().rowCount() == rows,
                    timeout=30_000)


def cell(table: QTableWidget, row: int, col: int) -> str:
    return table.item(row, col).text()


@pytest.fixture
def findings_project(tmp_path):
    """The breast cancer sample with gaps and a constant column, as a project."""
    frame = pd.read_csv(SAMPLES["breast_cancer"].path)
    frame.loc[::9, "mean radius"] = np.nan
    frame["clinic"] = "north"
    path = tmp_path / "tumours.csv"
    frame.to_csv(path, index=False)
    project = new_project(tmp_path / "tumours", GoalChoice(str(path), "diagnosis"))
    return project.root


def test_without_a_goal_the_page_says_to_set_one(qtbot, session):
    page = make_page(qtbot, session, DataPage, height=600)
    assert child(page, QLabel, "dataNoProject").isVisible()
    assert not child(page, QPushButton, "splitButton").isVisible()


def test_from_a_sample_to_a_split(qtbot, session, tmp_path):
    goal = make_page(qtbot, session)
    data = make_page(qtbot, session, DataPage, height=1700)
    create_from_sample(qtbot, goal, tmp_path / "bc")
    assert not child(data, QLabel, "dataNoProject").isVisible()
    wait_preview(qtbot, data, 569)
    model = child(data, QTableView, "previewTable").model()
    assert model.headerData(0, Qt.Horizontal) == "mean radius"
    assert "569 rows, 31 columns" in child(data, QLabel, "previewLabel").text()
    # This sample is clean: the page says so.
    assert "nothing to fix" in child(data, QLabel, "findingsNone").text()

    # The recommended shares for 569 rows: 50 / 10 / 20 / 20, marked as recommended.
    shares = [spin(data, n).value() for n in ("trainSpin", "trainDevSpin", "devSpin",
                                              "testSpin")]
    assert shares == [50.0, 10.0, 20.0, 20.0]
    mark = child(data, QLabel, "splitRecommended")
    assert mark.isVisible() and mark.property("role") == "recommended"
    problem = child(data, QLabel, "splitProblem")
    split_button = child(data, QPushButton, "splitButton")
    assert not problem.isVisible() and split_button.isEnabled()

    # A share that breaks the sum: said inline, splitting refused until fixed.
    type_into(qtbot, spin(data, "trainSpin"), "60")
    assert spin(data, "trainSpin").value() == 60.0
    assert problem.isVisible() and "110 %" in problem.text()
    assert not split_button.isEnabled() and not mark.isVisible()
    type_into(qtbot, spin(data, "testSpin"), "0")
    type_into(qtbot, spin(data, "devSpin"), "30")
    assert "Test is at 0 %" in problem.text()
    click(qtbot, child(data, QPushButton, "resetSplitButton"))
    assert not problem.isVisible() and split_button.isEnabled() and mark.isVisible()
    assert spin(data, "trainSpin").value() == 50.0

    # Our own shares and seed.
    type_into(qtbot, spin(data, "trainSpin"), "55")
    type_into(qtbot, spin(data, "trainDevSpin"), "5")
    assert not problem.isVisible()
    seed = child(data, QSpinBox, "seedSpin")
    seed.setFocus()
    seed.selectAll()
    qtbot.keyClicks(seed, "7")
    assert seed.value() == 7
    click(qtbot, split_button)
    assert not split_button.isEnabled()  # while the split runs
    qtbot.waitUntil(lambda: session.project.split is not None and split_button.isEnabled(),
                    timeout=JOB_TIMEOUT)

    split = session.project.split
    assert split.seed == 7
    assert split.fractions.train_dev == pytest.approx(0.05)
    sizes = split.sizes
    assert sum(sizes.values()) == 569
    table = child(data, QTableWidget, "splitTable")
    assert table.isVisible() and table.rowCount() == 4
    assert [cell(table, r, 0) for r in range(4)] == \
        [str(sizes[n]) for n in ("train", "train_dev", "dev", "test")]
    assert cell(table, 1, 1) == "5.0%"
    assert "breast_cancer.csv" in cell(table, 3, 2)
    vault = child(data, QLabel, "vaultLabel")
    icon = child(data, QLabel, "vaultIcon")
    assert vault.isVisible() and icon.isVisible()
    assert icon.property("locked") is True and not icon.pixmap().isNull()
    assert f"{sizes['test']} test rows are locked in the vault" in vault.text()
    balance = child(data, QTableWidget, "balanceTable")
    assert balance.isVisible()
    labels = [balance.horizontalHeaderItem(c).text() for c in range(balance.columnCount())]
    assert labels == ["benign", "malignant"]
    counts = split.class_balance["test"]
    assert cell(balance, 3, 0).startswith(f"{counts['benign']} (")
    assert "stratified" in child(data, QLabel, "splitNotes").text()
    # The split's own shares stay shown (not marked recommended).
    assert spin(data, "trainSpin").value() == 55.0 and not mark.isVisible()
    shot(qtbot, data, "data_split")


def test_findings_are_listed_with_their_severity(qtbot, session, findings_project):
    page = make_page(qtbot, session, DataPage, height=1400)
    assert session.open(findings_project)
    found = [w for w in page.findChildren(QLabel, "finding") if w.isVisible()]
    project = open_project(findings_project)
    assert len(found) == len(project.findings) >= 2
    texts = " ".join(w.text() for w in found)
    assert "mean radius" in texts and "clinic" in texts
    assert "What happens:" in texts and "Practica handles it" in texts
    assert not page.findChild(QLabel, "findingsNone")
    wait_preview(qtbot, page, 569)
    model = child(page, QTableView, "previewTable").model()
    assert model.data(model.index(0, 0)) == ""  # a gap shows as an empty cell
    assert child(page, QLabel, "splitRecommended").isVisible()
    shot(qtbot, page, "data_checks")


def test_an_open_vault_forbids_splitting_again(qtbot, session, findings_project):
    project = open_project(findings_project)
    split_project(project)
    open_vault(project, "final test")
    project.save()
    page = make_page(qtbot, session, DataPage, height=1400)
    assert session.open(findings_project)
    vault = child(page, QLabel, "vaultLabel")
    assert "opened on" in vault.text()
    assert child(page, QLabel, "vaultIcon").property("locked") is False
    assert not child(page, QPushButton, "splitButton").isEnabled()
    assert not child(page, QPushButton, "resetSplitButton").isEnabled()
    blocked = child(page, QLabel, "splitBlocked")
    assert blocked.isVisible() and "cannot be split again" in blocked.text()


def test_with_a_second_file_each_file_adds_up_on_its_own(qtbot, session, tmp_path):
    frame = pd.read_csv(SAMPLES["wine"].path).sample(frac=1.0, random_state=0)
    first, second = tmp_path / "old.csv", tmp_path / "new.csv"
    frame.iloc[:120].to_csv(first, index=False)
    frame.iloc[120:].to_csv(second, index=False)
    root = new_project(tmp_path / "wine", GoalChoice(str(first), "cultivar",
                                                     target_data=str(second))).root
    page = make_page(qtbot, session, DataPage, height=1400)
    assert session.open(root)
    assert "second file" in child(page, QLabel, "splitExplain").text()
    assert spin(page, "devSpin").value() == 50.0 and spin(page, "testSpin").value() == 50.0
    assert spin(page, "trainSpin").value() + spin(page, "trainDevSpin").value() == 100.0
    problem = child(page, QLabel, "splitProblem")
    type_into(qtbot, spin(page, "devSpin"), "60")
    assert "Dev and test add up to 110 % of the second file" in problem.text()
    type_into(qtbot, spin(page, "testSpin"), "40")
    assert not problem.isVisible()
    with qtbot.waitSignal(session.project_changed, timeout=JOB_TIMEOUT):
        click(qtbot, child(page, QPushButton, "splitButton"))
    table = child(page, QTableWidget, "splitTable")
    qtbot.waitUntil(table.isVisible)
    assert "old.csv" in cell(table, 0, 2) and "new.csv" in cell(table, 3, 2)
    assert "the data you care about" in cell(table, 2, 2)
    assert session.project.split.sizes["dev"] + session.project.split.sizes["test"] \
        == len(frame) - 120


def test_the_goal_page_goes_on_to_the_data_step(qtbot, session, tmp_path):
    class Window(GoalPage):
        shown = []

        def show_step(self, step):
            self.shown.append(step)

    page = make_page(qtbot, session, Window)
    create_from_sample(qtbot, page, tmp_path / "wine", name="wine")
    qtbot.waitUntil(lambda: Window.shown == ["data"], timeout=JOB_TIMEOUT)


def test_keyboard_order_of_the_split_form(qtbot, session, findings_project):
    page = make_page(qtbot, session, DataPage, height=1400)
    assert session.open(findings_project)
    order = tab_walk(qtbot, page, child(page, QTableView, "previewTable"), steps=12)
    expected = ["previewTable", "trainSpin", "trainDevSpin", "devSpin", "testSpin", "seedSpin",
                "resetSplitButton", "splitButton"]
    assert [name for name in order if name in expected] == expected
    qtbot.keyClick(page, Qt.Key_S, Qt.AltModifier)
    assert QApplication.focusWidget() is spin(page, "testSpin")


def test_a_split_the_engine_refuses_is_said_inline(qtbot, session, findings_project):
    page = make_page(qtbot, session, DataPage, height=1400)
    problems = []
    session.problem.connect(lambda message, _details: problems.append(message))
    assert session.open(findings_project)
    type_into(qtbot, spin(page, "trainDevSpin"), "0.05")
    type_into(qtbot, spin(page, "trainSpin"), "59.95")
    assert not child(page, QLabel, "splitProblem").isVisible()
    click(qtbot, child(page, QPushButton, "splitButton"))
    status = child(page, QLabel, "splitStatus")
    qtbot.waitUntil(lambda: status.property("role") == "warning", timeout=JOB_TIMEOUT)
    assert "train-dev" in status.text() or "one of the sets" in status.text()
    assert problems and session.project.split is None
