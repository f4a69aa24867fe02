"""Step 6 page: the vault opens only after a Yes, once; the intervals come from the project."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QMessageBox, QPushButton, QSpinBox

from engine.baseline.requests import BaselinesRequest
from engine.diagnosis.requests import DiagnoseRequest
from engine.training.requests import TrainRequest
from engine.final.comparisons import describe_reason, describe_test
from engine.final.ensemble import load_ensemble
from engine.words.formatting import fmt_error, fmt_value
from engine.words.stat_words import method_words
from engine.core.texts import text
from gui.pages.baseline.page import BaselinePage
from gui.pages.final.page import FinalTestPage
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
        session.run(BaselinesRequest(deep_params={"epochs": 2, "width": 8}))
    page = FinalTestPage(session)
    qtbot.addWidget(page)
    page.resize(980, 900)
    page.show()
    button = page.findChild(QPushButton, "openVaultButton")
    assert not button.isEnabled()  # no model chosen yet
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest())
    chosen = session.project.run(session.project.chosen_run)
    assert chosen.label in page.findChild(QLabel, "chosenModel").text()
    assert button.isEnabled()

    # Choose the deep model, so that the seeds matter; then set up the final test.
    mlp = next(r for r in session.project.runs if r.model == "mlp")
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=mlp.id))
    chosen = session.project.run(session.project.chosen_run)
    assert chosen.id == mlp.id
    seeds = page.findChild(QSpinBox, "seedsSpin")
    plan = page.findChild(QLabel, "finalPlan")
    assert seeds.value() == 5 and seeds.isEnabled() and "copies to train: 4" in plan.text()
    seeds.setFocus()
    seeds.selectAll()
    qtbot.keyClicks(seeds, "2")
    assert seeds.value() == 2 and "copies to train: 1" in plan.text()
    assert page.findChild(QComboBox, "correctionCombo").currentData() == "holm"
    finalists = page.findChild(ResultTable, "finalistsTable")
    assert finalists.rowCount() == 2  # the chosen model and the best simple baseline
    ensemble = page.findChild(QCheckBox, "ensembleCheck")
    assert ensemble.isEnabled() and not ensemble.isChecked()
    with job_done(qtbot, engine_runner, "ensemble"):
        ensemble.setFocus()
        qtbot.keyClick(ensemble, Qt.Key_Space)
    record = load_ensemble(session.project)
    assert record is not None and finalists.rowCount() == 3
    metric = session.project.goal.metric
    assert finalists.cell_text(2, 2) == fmt_error(record["errors"]["dev"], metric)
    assert page.findChild(QLabel, "ensembleNote").isVisible()
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "final_options")

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
    assert project.vault_open and final.run == chosen.id
    assert final.seeds.k == 2 and final.ensemble["members"] == record["members"]
    assert not page.findChild(QSpinBox, "seedsSpin").isVisible()  # the options are spent
    assert not button.isVisible()  # once
    assert page.findChild(QLabel, "vaultState").isVisible()
    assert project.vault.opened_at[:10] in page.findChild(QLabel, "vaultState").text()
    words = page.findChild(QLabel, "testVersusDev").text()
    metric = project.goal.metric
    assert fmt_error(final.test_error, metric) in words
    assert fmt_error(chosen.errors["dev"], metric) in words

    table = page.findChild(ResultTable, "metricsTable")
    assert table.isVisible() and table.rowCount() == len(final.metrics)
    assert table.item(0, 0).font().bold() and not table.item(1, 0).font().bold()
    first = final.metrics[metric]  # the optimizing metric comes first
    assert table.cell_text(0, 1) == fmt_value(first.value)
    assert table.cell_text(0, 2) == f"{fmt_value(first.low)} – {fmt_value(first.high)}"
    assert table.cell_text(0, 3) == method_words(first.method)
    methods = {table.cell_text(r, 3) for r in range(table.rowCount())}
    assert method_words("Wilson") in methods  # accuracy, precision, recall

    # The spread over the two seeds, and the comparisons with their sentences.
    spread = page.findChild(ResultTable, "seedsTable")
    assert spread.isVisible() and spread.rowCount() == len(final.seeds.mean)
    assert spread.cell_text(0, 1) == (f"{fmt_value(final.seeds.mean[metric])} ± "
                                      f"{fmt_value(final.seeds.std[metric])}")
    assert len(spread.cell_text(0, 2).split(", ")) == 2
    comparisons = page.findChild(ResultTable, "comparisonsTable")
    rows = final.comparisons
    # One test per finalist (baseline, ensemble), each named with why it fits.
    assert comparisons.isVisible() and comparisons.rowCount() == len(rows) == 2
    for r, row in enumerate(rows):
        assert comparisons.cell_text(r, 1) == describe_test(row.test)
        assert comparisons.cell_text(r, 4) == row.sentence
        assert comparisons.item(r, 1).toolTip() == describe_reason(row.test, row.reason) != ""
    bold = page.findChild(QLabel, "comparisonSentences").text()
    assert bold.count("<b>") == 2 and rows[0].sentence.split(" at the ")[0] in bold
    for row in rows:
        assert describe_reason(row.test, row.reason) in bold
    tested = page.findChild(ResultTable, "testedFinalistsTable")
    assert tested.rowCount() == 3 and tested.cell_text(0, 4) == "2"
    assert page.curves_area.parentWidget().objectName() == "curvesArea"
    confusion = page.findChild(ResultTable, "confusionTable")
    labels = final.confusion.labels
    assert confusion.rowCount() == len(labels) and confusion.columnCount() == len(labels) + 1
    assert confusion.cell_text(0, 1) == str(final.confusion.matrix[0][0])
    assert not page.findChild(QLabel, "finalStale").isVisible()
    page.resize(980, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "final_done")
    save_screenshot(page, "final_statistics")

    # Choosing another model afterwards makes the test result stale; the page warns.
    other = next(r for r in project.runs if r.id != chosen.id and r.status == "finished")
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=other.id))
    stale = page.findChild(QLabel, "finalStale")
    assert stale.isVisible() and other.label in stale.text() and chosen.label in stale.text()
    assert not button.isVisible()

    # A model trained now is marked, on the Baseline page, as made after seeing the test.
    with job_done(qtbot, engine_runner, "train") as trained:
        session.run(TrainRequest(model="majority"))
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
