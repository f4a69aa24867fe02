""""Why this answer?": on a mistake of error analysis (picture with its map, text with its
words shaded) and on a predicted row of the Use page (the inputs ranked), through the real
engine process."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from engine.diagnosis.error_analysis import analyse_errors
from engine.diagnosis.why_example import load_why
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.datasets import split_frame
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from gui.pages.diagnose.error_analysis_panel import ErrorAnalysisPanel
from gui.pages.diagnose.error_examples_table import ExamplesTable
from gui.pages.diagnose.page import DiagnosePage
from gui.pages.use.page import UsePage
from gui.pages.why_view import WhyView
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.page_helpers import click, job_done, shot


def _analysed(folder, data, target=None, **choice):
    project = new_project(folder / "proj", GoalChoice(data=str(data), target=target, **choice))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear", {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    analyse_errors(project)
    return open_project(project.root)


def _panel(qtbot, engine_runner, project, height=1700):
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(1000, height)
    page.show()
    qtbot.waitExposed(page)
    panel = page.findChild(ErrorAnalysisPanel)
    page.tabs.setCurrentWidget(panel)
    return session, page, panel


def _pictures(folder):
    """Light pictures are ``light``, dark ones ``dark``; one in four is in the wrong folder,
    so the model makes mistakes."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, bright, other in (("dark", 70, 180), ("light", 180, 70)):
        (folder / label).mkdir(parents=True)
        for i in range(40):
            level = other if i % 4 == 0 else bright
            pixels = np.clip(rng.normal(level, 40, (12, 12)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(folder / label / f"{i}.png")
    return folder


def test_why_on_a_picture_mistake_shows_its_map_by_keyboard(qtbot, engine_runner, tmp_path):
    project = _analysed(tmp_path, _pictures(tmp_path / "pics"))
    assert project.error_analysis.mistakes >= 1
    session, page, panel = _panel(qtbot, engine_runner, project)
    view = panel.findChild(WhyView, "errorWhyView")
    assert not view.isVisible()
    table = panel.findChild(ExamplesTable, "examplesTable")
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    table.setFocus()
    table.setCurrentCell(0, 0)
    row = table.current_row_number()
    with job_done(qtbot, engine_runner, "why_example", timeout=90_000):
        qtbot.keyClick(table, Qt.Key_Y, Qt.ControlModifier)  # the button's shortcut
    qtbot.waitUntil(view.isVisible)
    why = load_why(session.project, row)
    assert why is not None and view.why == why
    picture = view.findChild(QLabel, "whyPicture")
    assert picture.isVisible() and not picture.pixmap().isNull()
    assert f"row {row}" in view.findChild(QLabel, "whyHeading").text()
    assert html.escape(why.lines[0]) in view.findChild(QLabel, "whySentences").text()
    ranked = view.findChild(ResultTable, "whyTable")
    assert ranked.rowCount() == 9 and ranked.cell_text(0, 1) == why.parts[0].name
    shot(qtbot, view, "why_error_analysis_picture")
    shot(qtbot, page, "why_error_analysis_page")


def test_why_on_a_text_mistake_shades_its_words(qtbot, engine_runner, tmp_path):
    rng = np.random.default_rng(3)
    filler = ["the", "item", "was", "and", "it", "came", "box", "today", "order", "my"]
    texts, labels = [], []
    for _ in range(200):
        words = list(rng.choice(filler, 7))
        label = rng.choice(["refund", "other"])
        if label == "refund" or rng.random() < 0.25:  # some "other" mention it too
            words.insert(int(rng.integers(0, 7)), "refund")
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(label)
    data = tmp_path / "messages.csv"
    pd.DataFrame({"message": texts, "topic": labels}).to_csv(data, index=False)
    project = _analysed(tmp_path, data, "topic", data_kind="text", text_column="message")
    session, page, panel = _panel(qtbot, engine_runner, project)
    table = panel.findChild(ExamplesTable, "examplesTable")
    line = next(r for r in range(table.rowCount())
                if "refund" in table.item(r, 0).toolTip().lower())
    table.setCurrentCell(line, 0)
    with job_done(qtbot, engine_runner, "why_example"):
        click(qtbot, panel.findChild(QPushButton, "whyButton"))
    view = panel.findChild(WhyView, "errorWhyView")
    qtbot.waitUntil(view.isVisible)
    marked = view.findChild(QLabel, "whyMarkedText")
    assert marked.isVisible() and "background-color" in marked.text()
    assert view.why.parts[0].name == "refund"
    assert "refund" in marked.text().split("font-weight:bold;")[1][:40]
    assert not view.findChild(QLabel, "whyPicture").isVisible()
    shot(qtbot, view, "why_error_analysis_text")


def test_the_use_page_explains_a_predicted_row(qtbot, engine_runner, tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "shade": rng.choice(["a", "b"], n),
                          "label": np.where(signal > 0, "yes", "no")})
    frame.to_csv(tmp_path / "data.csv", index=False)
    project = _analysed(tmp_path, tmp_path / "data.csv", "label")
    new = tmp_path / "new.csv"
    split_frame(project, "dev").drop(columns=["label"]).to_csv(new, index=False)
    session = ProjectSession(engine_runner)
    assert session.open(project.root)
    page = UsePage(session)
    qtbot.addWidget(page)
    page.resize(1000, 1200)
    page.show()
    qtbot.waitExposed(page)
    page.data_edit.setText(str(new))
    with job_done(qtbot, engine_runner, "predict"):
        click(qtbot, page.findChild(QPushButton, "predictButton"))
    why_button = page.findChild(QPushButton, "whyRowButton")
    qtbot.waitUntil(why_button.isEnabled)
    # Nothing selected yet: a plain note, no job.
    click(qtbot, why_button)
    assert page.findChild(QLabel, "whyRowNote").isVisible()
    table = page.findChild(ResultTable, "predictionsTable")
    table.setCurrentCell(2, 0)
    with job_done(qtbot, engine_runner, "why_new_row"):
        click(qtbot, why_button)
    view = page.findChild(WhyView, "useWhyView")
    qtbot.waitUntil(view.isVisible)
    assert not page.findChild(QLabel, "whyRowNote").isVisible()
    assert view.why.row == -1 and view.why.parts[0].name == "signal"
    assert view.why.answer == table.cell_text(2, 0)
    assert "row 3" in view.findChild(QLabel, "whyHeading").text()
    ranked = view.findChild(ResultTable, "whyTable")
    assert [ranked.cell_text(r, 1) for r in range(ranked.rowCount())][0] == "signal"
    page.resize(1000, page.widget().sizeHint().height() + 20)
    shot(qtbot, page, "why_use_page")
