"""The final test's curves panel: a note before the vault, then the curves of the real final
test (binary, several classes, a regression), with the sentences and tables from the engine."""

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from engine.diagnosis.step import diagnose_project
from engine.final.step import run_final_test
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.words import curve_words
from engine.data.samples import SAMPLES
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from gui.pages.final.curves_panel import FinalCurvesPanel
from gui.result_table import ResultTable
from tests.gui.page_helpers import session, shot  # noqa: F401  (fixture)


def finally_tested(tmp_path, sample: str, abstain=None, kind="linear"):
    """A project on a bundled sample, trained, diagnosed and finally tested."""
    s = SAMPLES[sample]
    project = new_project(tmp_path / sample, GoalChoice(data=str(s.path), target=s.target,
                                                        abstain_accuracy=abstain))
    split_project(project, seed=0)
    run_training(TrainingSpec(str(project.root), kind))
    project = open_project(project.root)
    diagnose_project(project)
    run_final_test(project, n_resamples=200, seeds=1)
    return open_project(project.root)


def make_panel(qtbot, session):  # noqa: F811
    panel = FinalCurvesPanel(session)
    qtbot.addWidget(panel)
    panel.resize(1000, 1500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def snap(qtbot, panel, name):
    """A screenshot of the panel at the height it asks for."""
    panel.resize(1000, max(300, panel.sizeHint().height()))
    shot(qtbot, panel, name)


def curve_points(plot):
    """(x, y) of each drawn line of a plot, as pyqtgraph holds them."""
    return [item.getData() for item in plot.getPlotItem().listDataItems()]


def test_before_the_vault_only_a_note(qtbot, session, split_project):  # noqa: F811
    assert session.open(split_project.root)
    panel = make_panel(qtbot, session)
    note = panel.findChild(QLabel, "curvesNote")
    assert note.isVisible() and "vault" in note.text()
    assert not panel.plots["roc"].isVisible()


def test_binary_curves_of_the_real_final_test(qtbot, session, tmp_path):  # noqa: F811
    project = finally_tested(tmp_path, "breast_cancer", abstain=0.99)
    bundle = project.final_test.curves
    assert session.open(project.root)
    panel = make_panel(qtbot, session)
    assert not panel.findChild(QLabel, "curvesNote").isVisible()
    for name in ("roc", "pr", "calibration", "coverage"):
        assert panel.plots[name].isVisible()
    assert not panel.plots["regression"].isVisible()
    roc = curve_points(panel.plots["roc"])
    assert list(roc[0][0]) == [0, 1]  # the diagonal
    assert np.allclose(roc[1][0], bundle.roc.curves[0].fpr)
    coverage = curve_points(panel.plots["coverage"])
    chosen = bundle.coverage.chosen
    # The threshold was chosen on the dev rows; the test rows only measure it.
    assert chosen is not None and not bundle.coverage.chosen_here
    assert 0.9 <= chosen.accuracy <= 1 and 0 < chosen.coverage <= 1
    assert coverage[-1][0][0] == pytest.approx(chosen.coverage)  # the marked point
    assert panel.findChild(QLabel, "coverageSentence").text() == \
        curve_words.reject_sentence(bundle)
    assert "99%" in panel.findChild(QLabel, "coverageSentence").text()
    table = panel.findChild(ResultTable, "perClassTable")
    assert table.rowCount() == 2
    _, rows = curve_words.per_class_table(bundle)
    assert [table.cell_text(1, c) for c in range(6)] == rows[1]
    assert not panel.findChild(QLabel, "topKSentence").isVisible()
    snap(qtbot, panel, "final_curves")


def test_multiclass_and_regression_curves(qtbot, session, tmp_path):  # noqa: F811
    project = finally_tested(tmp_path, "wine")
    assert session.open(project.root)
    panel = make_panel(qtbot, session)
    roc = curve_points(panel.plots["roc"])
    assert len(roc) == 1 + 3  # the diagonal and one curve per grower
    assert panel.findChild(ResultTable, "perClassTable").rowCount() == 3
    snap(qtbot, panel, "final_curves_multiclass")

    project = finally_tested(tmp_path, "diabetes")
    assert session.open(project.root)
    qtbot.waitUntil(lambda: panel.plots["regression"].isVisible())
    assert not panel.plots["roc"].isVisible()
    bundle = project.final_test.curves
    points = curve_points(panel.plots["regression"])
    assert np.allclose(points[0][0], bundle.regression.true)
    assert panel.findChild(ResultTable, "perClassTable").rowCount() == 5
    assert "Half of the predictions" in panel.findChild(QLabel, "regressionSentence").text()
    snap(qtbot, panel, "final_curves_regression")
