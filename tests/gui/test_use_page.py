"""Step 8 page: predict a file with the chosen model, see the first rows with confidence and
the abstain decision, save them as CSV, export the model; a missing column is one message."""

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QGroupBox, QLabel, QLineEdit, QPushButton

from engine.baseline.requests import BaselinesRequest
from engine.diagnosis.requests import DiagnoseRequest
from engine.split.datasets import split_frame
from engine.goal.edit import set_abstain_accuracy
from engine.use.prediction import predict_file
from gui.pages.use.page import UsePage
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import JOB_TIMEOUT, job_done


def _page(qtbot, session):
    page = UsePage(session)
    qtbot.addWidget(page)
    page.resize(1000, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_predict_a_file_save_it_and_export_the_model(qtbot, engine_runner, split_project,
                                                     tmp_path, monkeypatch):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = _page(qtbot, session)
    predict = page.findChild(QPushButton, "predictButton")
    assert not page.findChild(QGroupBox, "predictBox").isEnabled()  # no model chosen yet
    assert "Choose a model in step 4" in page.findChild(QLabel, "useModel").text()
    save_screenshot(page, "use_no_model")

    with job_done(qtbot, engine_runner, "baselines"):
        session.run(BaselinesRequest(deep_params={"epochs": 2, "width": 8}, sanity=False))
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest())
    session.edit(lambda p: set_abstain_accuracy(p, 0.8))
    run = session.project.run(session.project.chosen_run)
    assert run.label in page.findChild(QLabel, "useModel").text()
    assert "Not tested yet" in page.findChild(QLabel, "useQuality").text()
    assert "may refuse" in page.findChild(QLabel, "useReject").text()

    # The user picks a file of new rows (the system dialog answers here) and predicts.
    new = tmp_path / "new customers.csv"
    dev = split_frame(session.project, "dev")
    dev.drop(columns=["bought"]).to_csv(new, index=False)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(new), ""))
    qtbot.mouseClick(page.findChild(QPushButton, "chooseDataButton"), Qt.LeftButton)
    assert page.findChild(QLineEdit, "newDataEdit").text() == str(new)
    assert predict.isEnabled()
    with job_done(qtbot, engine_runner, "predict") as done:
        qtbot.mouseClick(predict, Qt.LeftButton)
    written = Path(done["result"]["out"])
    assert written == split_project.root / "predictions" / "new customers-predictions.csv"
    table = page.findChild(ResultTable, "predictionsTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:3] == ["prediction", "confidence", "abstain"] and "age" in headers
    assert table.rowCount() == min(20, len(dev))
    expected = predict_file(session.project, new)
    assert table.cell_text(0, 0) == expected["prediction"][0]
    assert table.cell_text(0, 1) == f"{100 * expected['confidence'][0]:.1f}%"
    refused = [table.cell_text(r, 2) == "refuses" for r in range(table.rowCount())]
    assert refused == expected["abstain"][:table.rowCount()].tolist() and any(refused)
    assert f"Predicted {len(dev)} rows" in page.findChild(QLabel, "predictSummary").text()
    page.resize(1000, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "use_predicted")

    # Save as CSV: a copy where the user says.
    copy = tmp_path / "out" / "mine.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), "CSV"))
    save = page.findChild(QPushButton, "savePredictionsButton")
    qtbot.mouseClick(save, Qt.LeftButton)
    pd.testing.assert_frame_equal(pd.read_csv(copy), pd.read_csv(written))
    assert str(copy) in page.findChild(QLabel, "savedNote").text()

    # Export the model to a folder of the user's choosing.
    folder = tmp_path / "exported"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    qtbot.mouseClick(page.findChild(QPushButton, "changeExportButton"), Qt.LeftButton)
    with job_done(qtbot, engine_runner, "export_model"):
        qtbot.mouseClick(page.findChild(QPushButton, "exportModelButton"), Qt.LeftButton)
    assert (folder / "manifest.json").is_file() and (folder / run.model_file).is_file()
    state = page.findChild(QLabel, "exportState")
    assert state.isVisible() and "manifest.json" in state.text()

    # A file without an input column: one plain message, the last predictions stay.
    lacking = tmp_path / "lacking.csv"
    pd.DataFrame({"age": [30.0]}).to_csv(lacking, index=False)
    page.findChild(QLineEdit, "newDataEdit").setText(str(lacking))
    with qtbot.waitSignal(session.problem, timeout=JOB_TIMEOUT) as problem:
        qtbot.mouseClick(predict, Qt.LeftButton)
    assert "'income', 'city'" in problem.args[0] and "\n" not in problem.args[0]
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=JOB_TIMEOUT)
    assert table.rowCount() == min(20, len(dev))
    page.resize(1000, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "use_exported")

    # The project's own data file, vault closed: its test rows are left out, and said so.
    page.findChild(QLineEdit, "newDataEdit").setText(session.project.source("main").path)
    with job_done(qtbot, engine_runner, "predict") as done:
        qtbot.mouseClick(predict, Qt.LeftButton)
    test = session.project.split.sizes["test"]
    total = session.project.source("main").rows
    assert done["result"]["rows"] == total - test
    assert f"{test} of the {total} examples" in page.findChild(QLabel, "predictSummary").text()
