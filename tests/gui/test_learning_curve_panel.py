"""The Learning curves tab: disabled until a model is chosen, draws the engine's curves."""

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QTabWidget

from engine.baseline.requests import BaselinesRequest
from engine.diagnosis.requests import DiagnoseRequest
from engine.goal.edit import set_target_error
from engine.diagnosis.learning_curve_view import curve_rows, curve_series
from engine.core.texts import text
from gui.pages.diagnose.page import DiagnosePage
from gui.pages.diagnose.learning_curve_panel import LearningCurvePanel
from gui.result_table import ResultTable
from gui.session import ProjectSession
from tests.gui.page_helpers import child, click, job_done, shot


def test_drawing_the_learning_curves_shows_the_engines_answer(qtbot, engine_runner,
                                                             split_project):
    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(1000, 1500)
    page.show()
    tabs = child(page, QTabWidget, "diagnoseTabs")
    panel = child(page, LearningCurvePanel, "learningCurveTab")
    tabs.setCurrentWidget(panel)
    assert tabs.tabText(tabs.indexOf(panel)) == text("gui.learning_curve.tab")
    button = child(panel, QPushButton, "drawCurveButton")
    button_note = child(panel, QLabel, "curveButtonNote")
    assert not button.isEnabled()  # no model chosen yet, and the note says why
    assert button_note.text() == text("gui.learning_curve.no_choice")
    assert not child(panel, QLabel, "curveAnswer").isVisible()

    with job_done(qtbot, engine_runner, "baselines"):
        session.run(BaselinesRequest(deep_params={"epochs": 2, "width": 8}, sanity=False))
    mlp = next(r for r in session.project.runs if r.model == "mlp")
    assert session.edit(lambda p: set_target_error(p, 0.2))
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=mlp.id))
    assert button.isEnabled() and mlp.label in button_note.text()

    sizes = child(panel, QComboBox, "curveSizes")
    sizes.setCurrentIndex(sizes.findData([0.25, 0.5, 1.0]))
    child(panel, QSpinBox, "curveSeeds").setValue(2)
    child(panel, QSpinBox, "curveEpochs").setValue(1)
    with job_done(qtbot, engine_runner, "learning_curve"):
        click(qtbot, button)
        assert not button.isEnabled()  # busy while the job runs
    curve = session.project.learning_curve
    assert curve.run == mlp.id and curve.sizes == (0.25, 0.5, 1.0)
    assert len(curve.points) == 6 and curve.max_epochs == 1

    answer = child(panel, QLabel, "curveAnswer")
    assert answer.isVisible() and answer.text() == curve.answer
    assert child(panel, QLabel, "curveExplanation").text() == curve.explanation
    drawn = panel.plotted()
    series = curve_series(curve)
    train_name = text("gui.learning_curve.legend_train")
    dev_name = text("gui.learning_curve.legend_dev")
    assert drawn[train_name] == (list(series.rows), list(series.train))
    assert drawn[dev_name] == (list(series.rows), list(series.dev))
    assert len(drawn[dev_name][0]) == 3
    target = drawn[text("gui.learning_curve.legend_target")]
    assert target == ([series.rows[0], series.rows[-1]], [20.0, 20.0])  # percent
    table = child(panel, ResultTable, "curveTable")
    assert [[table.cell_text(r, c) for c in range(4)] for r in range(table.rowCount())] \
        == curve_rows(curve)
    assert not child(panel, QLabel, "curveStale").isVisible()
    shot(qtbot, page, "diagnose_learning_curves")

    # Choosing another model makes the curves out of date, and the tab says so.
    linear = next(r for r in session.project.runs if r.model == "linear")
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=linear.id))
    assert child(panel, QLabel, "curveStale").isVisible()
    assert linear.label in button_note.text()


def test_curves_over_folds_send_the_folds_and_say_what_the_bars_mean(qtbot, engine_runner,
                                                                     split_project):
    from engine.diagnosis.learning_curve_view import curve_note

    session = ProjectSession(engine_runner)
    assert session.open(split_project.root)
    page = DiagnosePage(session)
    qtbot.addWidget(page)
    page.resize(1000, 1500)
    page.show()
    tabs = child(page, QTabWidget, "diagnoseTabs")
    panel = child(page, LearningCurvePanel, "learningCurveTab")
    tabs.setCurrentWidget(panel)
    with job_done(qtbot, engine_runner, "baselines"):
        session.run(BaselinesRequest(deep_params={"epochs": 1, "width": 8}, sanity=False))
    linear = next(r for r in session.project.runs if r.model == "linear")
    with job_done(qtbot, engine_runner, "diagnose"):
        session.run(DiagnoseRequest(run=linear.id))
    sizes = child(panel, QComboBox, "curveSizes")
    sizes.setCurrentIndex(sizes.findData([0.25, 0.5, 1.0]))
    folds = child(panel, QComboBox, "curveFolds")
    assert folds.currentData() == 0  # the dev rows unless asked
    folds.setCurrentIndex(folds.findData(3))
    assert not child(panel, QSpinBox, "curveSeeds").isEnabled()  # one fit per fold
    with job_done(qtbot, engine_runner, "learning_curve"):
        click(qtbot, child(panel, QPushButton, "drawCurveButton"))
    curve = session.project.learning_curve
    assert curve.folds == 3 and len(curve.points) == 9
    assert all(s.seeds == 3 for s in curve.summary)  # three values per size
    assert child(panel, QLabel, "curveBarsNote").text() == curve_note(curve)
    assert text("gui.learning_curve.drawn_for_kfold", label=linear.label, when="x",
                folds=3).split(" on ")[0] in child(panel, QLabel, "curveDrawnFor").text()
    table = child(panel, ResultTable, "curveTable")
    assert [[table.cell_text(r, c) for c in range(4)] for r in range(table.rowCount())] \
        == curve_rows(curve)
    assert "±" in table.cell_text(0, 3)
    shot(qtbot, page, "diagnose_learning_curves_kfold")
