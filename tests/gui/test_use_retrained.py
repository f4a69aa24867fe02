"""A project whose final test scored the network trained again on train + dev rows, opened
again by the GUI: the record survives, the Final page says which model was tested and why
the dev-test gap says nothing, and the Use page predicts and exports with that model."""

import json

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from engine.baseline.step import run_baselines
from engine.core.backend import import_keras
from engine.diagnosis.step import diagnose_project
from engine.final.retrain import retrained_path
from engine.final.step import run_final_test
from engine.kinds.preprocess_store import load_preprocessor
from engine.split.datasets import split_frame
from gui.pages.final.page import FinalTestPage
from gui.pages.use.page import UsePage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def _show(qtbot, page, width=1000):
    qtbot.addWidget(page)
    page.resize(width, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_reopened_retrained_project_predicts_and_exports_the_tested_model(
        qtbot, engine_runner, split_project, tmp_path):
    run_baselines(split_project, deep_params={"epochs": 2, "width": 8}, sanity=False)
    mlp = next(r for r in split_project.runs if r.model == "mlp")
    diagnose_project(split_project, mlp.id)
    final = run_final_test(split_project, seeds=1, n_resamples=40, retrain_on_dev=True,
                           override="testing the option")

    session = ProjectSession(engine_runner)  # the project opened again, as by the app
    assert session.open(split_project.root)
    again = session.project.final_test
    assert again.retrained == final.retrained and again.retrained_model == final.retrained_model

    final_page = _show(qtbot, FinalTestPage(session), 980)
    final_page.refresh()
    checks = final_page.findChild(QLabel, "finalChecks").text()
    assert "dev score no longer applies" in checks
    versus = final_page.findChild(QLabel, "testVersusDev").text()
    assert "does not mean the dev set was over-used" in versus
    seeds = final_page.findChild(QLabel, "seedsIntro").text()
    assert "tested with one seed" in seeds and "does not depend" not in seeds
    final_page.resize(980, final_page.widget().sizeHint().height() + 20)
    save_screenshot(final_page, "final_retrained_results")

    page = _show(qtbot, UsePage(session))
    page.refresh()
    model_words = page.findChild(QLabel, "useModel").text()
    assert "trained again on the training and dev rows" in model_words
    assert f"{final.retrained_model.epochs} epochs" in model_words

    new = tmp_path / "new.csv"
    split_frame(session.project, "dev").drop(columns=["bought"]).to_csv(new, index=False)
    page.findChild(QLineEdit, "newDataEdit").setText(str(new))
    with job_done(qtbot, engine_runner, "predict") as done:
        qtbot.mouseClick(page.findChild(QPushButton, "predictButton"), Qt.LeftButton)
    summary = page.findChild(QLabel, "predictSummary").text()
    assert "the model the final test scored" in summary
    # The answers are those of the retrained model file, loaded here by hand.
    model = import_keras().saving.load_model(
        retrained_path(session.project, final.retrained_model), safe_mode=True)
    X = np.asarray(load_preprocessor(session.project).transform(pd.read_csv(new)))
    probs = np.asarray(model.predict(X, verbose=0))
    probs = np.hstack([1 - probs, probs]) if probs.shape[1] == 1 else probs
    written = pd.read_csv(done["result"]["out"])
    np.testing.assert_allclose(written["confidence"], probs.max(axis=1), rtol=1e-4)
    page.resize(1000, page.widget().sizeHint().height() + 20)
    save_screenshot(page, "use_retrained")

    page.export_box.folder_edit.setText(str(tmp_path / "export"))
    with job_done(qtbot, engine_runner, "export_model"):
        qtbot.mouseClick(page.findChild(QPushButton, "exportModelButton"), Qt.LeftButton)
    manifest = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert manifest["retrained"]["rows"] == final.retrained_model.rows
    assert "the model the final test scored" in page.findChild(QLabel, "exportState").text()
