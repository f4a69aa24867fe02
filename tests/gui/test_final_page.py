"""Step 6 page: the vault opens only after a Yes, once; the intervals come from the project."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from engine.report.formatting import fmt_error, fmt_value
from engine.texts import text
from gui.pages.baseline_page import BaselinePage
from gui.pages.final_page import FinalTestPage
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done

class Answer:
    """Stands in for ``QMessageBox.question``: records the call, gives a fixed answer."""

    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def __call__(self, *args):
        self.calls.append(args)
        return self.answer


def test_the_vault_opens_once_after_a_yes(qtbot, engine_runner, split_project, monkeypatch):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    with job_done(qtbot, engine_runner, "baselines"):
        session.run("baselines", {"mlp_params": {"epochs": 2, "width": 8}})
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    button = page.findChild(QPushButton, "openVaultButton")
    assert not button.isEnabled()  # no model chosen yet
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run("diagnose", {})
    chosen = session.project.run(session.project.chosen_run)
    assert chosen.label in page.findChild(QLabel, "chosenModel").text()
    assert button.isEnabled()

    # "No" leaves the vault closed and starts nothing.
    no = Answer(QMessageBox.No)
    monkeypatch.setattr(QMessageBox, "question", no)
    qtbot.mouseClick(button, Qt.LeftButton)
    assert len(no.calls) == 1
    assert no.calls[0][3] == QMessageBox.Yes | QMessageBox.No
    assert no.calls[0][4] == QMessageBox.No  # the default answer is No
    assert chosen.label in no.calls[0][2]
    assert not engine_runner.busy
    session.reload()
    assert not session.project.vault_open and session.project.final_test is None
    assert not page.findChild(ResultTable, "metricsTable").isVisible()

    # "Yes" opens it and tests the chosen model.
    monkeypatch.setattr(QMessageBox, "question", Answer(QMessageBox.Yes))
    with job_done(qtbot, engine_runner, "final_test"):
        qtbot.mouseClick(button, Qt.LeftButton)
    project = session.project
    final = project.final_test
    assert project.vault_open and final["run"] == chosen.id
    assert not button.isVisible()  # once
    assert page.findChild(QLabel, "vaultState").isVisible()
    assert project.vault["opened_at"][:10] in page.findChild(QLabel, "vaultState").text()
    words = page.findChild(QLabel, "testVersusDev").text()
    metric = project.goal["metric"]
    assert fmt_error(final["test_error"], metric) in words
    assert fmt_error(chosen.errors["dev"], metric) in words

    table = page.findChild(ResultTable, "metricsTable")
    assert table.isVisible() and table.rowCount() == len(final["metrics"])
    assert table.item(0, 0).font().bold() and not table.item(1, 0).font().bold()
    first = final["metrics"][metric]  # the optimizing metric comes first
    assert table.cell_text(0, 1) == fmt_value(first["value"])
    assert table.cell_text(0, 2) == f"{fmt_value(first['low'])} – {fmt_value(first['high'])}"
    confusion = page.findChild(ResultTable, "confusionTable")
    labels = final["confusion"]["labels"]
    assert confusion.rowCount() == len(labels) and confusion.columnCount() == len(labels) + 1
    assert confusion.cell_text(0, 1) == str(final["confusion"]["matrix"][0][0])
    assert not page.findChild(QLabel, "finalStale").isVisible()
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "final_done")

    # Choosing another model afterwards makes the test result stale; the page warns.
    other = next(r for r in project.runs if r.id != chosen.id and r.status == "finished")
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run("diagnose", {"run": other.id})
    stale = page.findChild(QLabel, "finalStale")
    assert stale.isVisible() and other.label in stale.text() and chosen.label in stale.text()
    assert not button.isVisible()

    # A model trained now is marked, on the Baseline page, as made after seeing the test.
    with job_done(qtbot, engine_runner, "train") as trained:
        session.run("train", {"project_dir": str(project.root), "model": "majority"})
    baseline = BaselinePage(session)
    qtbot.addWidget(baseline)
    baseline.show()
    assert baseline.findChild(QLabel, "afterVaultNote").isVisible()
    table = baseline.findChild(ResultTable, "runsTable")
    marks = {run.id: table.cell_text(row, 9) for row, run in enumerate(session.project.runs)}
    new = trained["result"]["run_id"]
    assert session.project.run(new).after_vault
    assert marks.pop(new) == text("gui.baseline.after_vault_mark")
    assert set(marks.values()) == {text("gui.baseline.before_vault_mark")}
