"""The whole wizard by mouse and keyboard on a bundled sample: Goal to Report.

Drives the real main window with the real engine process; saves a screenshot of every step
into ``screenshots/`` (README) for a person to look at.
"""

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QApplication, QComboBox, QLineEdit, QListWidget, QMessageBox, QPushButton,
                               QSpinBox, QTableWidget, QTabWidget)

from engine.app.steps import STEPS
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done

LONG = 240_000


def _click(qtbot, window, name):
    button = window.findChild(QPushButton, name)
    assert button is not None, name
    # A short job the page started itself (e.g. the Baseline page asking which runs can be
    # resumed) keeps every button off for a moment; a user waits for it too.
    qtbot.waitUntil(button.isEnabled, timeout=30_000)
    qtbot.mouseClick(button, Qt.LeftButton)


def _go(qtbot, window, step):
    """Click the step in the sidebar, as a user would."""
    steps = window.steps
    item = steps.item(STEPS.index(step))
    assert item.flags() & Qt.ItemIsEnabled, f"step {step} is still locked"
    rect = steps.visualItemRect(item)
    qtbot.mouseClick(steps.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.pages[step]


def _run_and_wait(qtbot, window, button, job):
    with job_done(qtbot, window.runner, job, timeout=LONG):
        _click(qtbot, window, button)


def test_wizard_from_goal_to_report(qtbot, tmp_path, engine_runner, monkeypatch):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitUntil(lambda: "trains on" in window.engine_label.text(), timeout=LONG)
    states = window.session.states
    assert window.windowTitle().startswith("New project")
    save_screenshot(window, "step1_goal_empty")

    # 1 Goal: pick the breast-cancer sample, accept the suggestions, create the project.
    samples = window.findChild(QListWidget, "sampleList")
    with job_done(qtbot, engine_runner, "suggest_goal", timeout=LONG):
        rect = samples.visualItemRect(samples.item(0))
        qtbot.mouseClick(samples.viewport(), Qt.LeftButton, pos=rect.center())
    folder = window.findChild(QLineEdit, "folderEdit")
    folder.clear()
    qtbot.keyClicks(folder, str(tmp_path / "wizard-project"))
    save_screenshot(window, "step1_goal_filled")
    _run_and_wait(qtbot, window, "createButton", "new_project")
    qtbot.waitUntil(lambda: window.session.project is not None, timeout=LONG)
    assert "wizard-project" in window.windowTitle()
    assert states()["goal"].state == "done" and states()["data"].state == "ready"

    # 2 Data & split: default sizes, split, the vault is locked.
    _go(qtbot, window, "data")
    _run_and_wait(qtbot, window, "splitButton", "split")
    assert states()["data"].state == "done"
    assert "vault" in window.pages["data"].findChild(object, "vaultLabel").text().lower()
    save_screenshot(window, "step2_data_split")

    # 3 Baseline: few epochs, train, watch it live.
    _go(qtbot, window, "baseline")
    epochs = window.pages["baseline"].findChild(object, "epochsSpin")
    epochs.selectAll()
    qtbot.keyClicks(epochs, "5")
    _run_and_wait(qtbot, window, "trainBaselinesButton", "baselines")
    # majority class, straight line, boosted trees (a table) and the network
    assert {r.model for r in window.session.project.runs} == {"majority", "linear", "boosted",
                                                             "mlp"}
    save_screenshot(window, "step3_baseline")

    # 4 Diagnose.
    _go(qtbot, window, "diagnose")
    _run_and_wait(qtbot, window, "diagnoseButton", "diagnose")
    assert window.session.project.diagnosis.verdict
    save_screenshot(window, "step4_diagnose")

    # Read the ladder of the Keras model instead (the user picks it), so the later views show
    # a network's mistakes, its learning curve and its spread over seeds.
    page = window.pages["diagnose"]
    combo = page.findChild(QComboBox, "runCombo")
    mlp = next(r.id for r in window.session.project.runs if r.model == "mlp")
    combo.setCurrentIndex(combo.findData(mlp))
    _run_and_wait(qtbot, window, "diagnoseButton", "diagnose")
    assert window.session.project.chosen_run == mlp

    # 4b Learning curves: two draws per size, a few epochs each.
    tabs = page.findChild(QTabWidget, "diagnoseTabs")
    tabs.setCurrentIndex(1)
    for name, value in (("curveSeeds", "2"), ("curveEpochs", "3")):
        spin = page.findChild(QSpinBox, name)
        spin.selectAll()
        qtbot.keyClicks(spin, value)
    _run_and_wait(qtbot, window, "drawCurveButton", "learning_curve")
    assert window.session.project.learning_curve.answer
    save_screenshot(window, "step4_learning_curves")

    # 4c Error analysis: collect the dev mistakes and tag the first one by typing.
    tabs.setCurrentIndex(2)
    _run_and_wait(qtbot, window, "collectMistakesButton", "error_analysis")
    examples = page.findChild(QTableWidget, "examplesTable")
    assert examples.rowCount() > 0
    examples.setFocus()
    examples.setCurrentCell(0, 0)
    qtbot.keyClick(examples, Qt.Key_Return)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "ambiguous, odd case")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(window.session.project.error_tags), timeout=LONG)
    save_screenshot(window, "step4_error_analysis")
    save_screenshot(page.widget(), "step4_error_analysis_whole_page")
    tabs.setCurrentIndex(0)

    # 5 Tune: a tiny search through the page (the learning rate only, 2 trials of 1 epoch).
    # "Use this trial" is left alone here, so the final test keeps the network read above
    # (tests/gui/test_tune_page.py covers it).
    _go(qtbot, window, "tune")
    tune = window.pages["tune"]
    qtbot.waitUntil(lambda: bool(tune.editor.rows) and not engine_runner.busy, timeout=LONG)
    for name, row in tune.editor.rows.items():
        if row.search.isChecked() != (name == "learning_rate"):
            row.search.click()
    for name, value in (("trialsSpin", "2"), ("tuneEpochsSpin", "1")):
        spin = tune.findChild(QSpinBox, name)
        spin.selectAll()
        qtbot.keyClicks(spin, value)
    save_screenshot(window, "step5_tune")
    _run_and_wait(qtbot, window, "startTuneButton", "tune")
    qtbot.waitUntil(lambda: len(tune.summary.trials if tune.summary else ()) == 2, timeout=LONG)
    assert tune.results.table.proxy.rowCount() == 2
    assert window.session.project.chosen_run == mlp
    tune.results.setCurrentIndex(0)
    tune.ensureWidgetVisible(tune.results)
    save_screenshot(window, "step5_tune_results")

    # 6 Final test: confirm opening the vault once.
    _go(qtbot, window, "final")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    seeds = window.pages["final"].findChild(QSpinBox, "seedsSpin")
    seeds.selectAll()
    qtbot.keyClicks(seeds, "3")
    _run_and_wait(qtbot, window, "openVaultButton", "final_test")
    assert window.session.project.vault_open
    assert window.session.project.final_test.metrics
    save_screenshot(window, "step6_final")
    save_screenshot(window.pages["final"].widget(), "step6_final_whole_page")

    # 7 Report: export PDF and CSV.
    _go(qtbot, window, "report")
    _run_and_wait(qtbot, window, "exportButton", "report")
    report = window.session.project.report
    assert Path(report.pdf).stat().st_size > 10_000
    runs = pd.read_csv(Path(report.csv) / "runs.csv")
    assert len(runs) == len(window.session.project.runs) == 6  # 4 baselines, 2 trials
    assert states()["report"].state == "done"
    tags = pd.read_csv(Path(report.csv) / "error_tags.csv")
    assert "odd case" in " ".join(tags["tags"].astype(str))
    save_screenshot(window, "step7_report")
    assert not window.session.dirty

    # 8 Use the model: predictions for new rows (a few rows without the answer column).
    from engine.data.samples import SAMPLES

    sample = next(s for s in SAMPLES.values() if s.path.name == "breast_cancer.csv")
    new_rows = tmp_path / "new_patients.csv"
    pd.read_csv(sample.path).drop(columns=[sample.target]).head(25).to_csv(new_rows,
                                                                         index=False)
    _go(qtbot, window, "use")
    use = window.pages["use"]
    use.data_edit.setText(str(new_rows))
    _run_and_wait(qtbot, window, "predictButton", "predict")
    written = pd.read_csv(use._result["out"])
    assert len(written) == 25 and {"prediction", "confidence"} <= set(written.columns)
    save_screenshot(window, "step8_use")
