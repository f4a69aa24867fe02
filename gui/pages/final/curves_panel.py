"""The final test's curves on the Final test page: ROC, precision-recall, calibration and the
coverage-vs-accuracy curve of refusing when unsure, the per-class table and top-k accuracy
(or, for a regression, predicted against true and the size of the errors).

Everything shown comes from ``project.final_test.curves`` (``engine.final.test_curves``) and
the sentences from ``engine.words.curve_words``; the panel only draws. Before the vault is
opened it shows a short note.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from engine.words import curve_words as words
from engine.core import text
from engine.project.parts import Calibration, CurveBundle, RegressionPoints, RejectCurve
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.plot_parts import styled_plot
from gui.result_table import ResultTable, settle_layout

MODEL_PEN = pg.mkPen("#1f4e9c", width=2)
REFERENCE_PEN = pg.mkPen("#777", width=1, style=Qt.DashLine)
TARGET_PEN = pg.mkPen("#b03a2e", width=1.5, style=Qt.DashLine)
STYLES = (Qt.SolidLine, Qt.DashLine, Qt.DotLine, Qt.DashDotLine)
PLOT_HEIGHT = 250
# Only the curves of several classes need a legend (the captions say what the lines of one
# model are); it sits in the corner those curves usually leave empty (pyqtgraph: a negative
# offset counts from the right or bottom edge).
LEGEND_CORNER = {"roc": (-8, -8), "pr": (8, -8)}


class ShareAxis(pg.AxisItem):
    """An axis for shares (0 to 1) written as percentages, with as many decimals as the
    tick spacing needs (99.5 %, 99.6 % on a close-up; 20 %, 40 % on the whole range)."""

    def tickStrings(self, values, scale, spacing):
        decimals = max(0, -math.floor(math.log10(spacing * 100))) if spacing > 0 else 0
        return [f"{v * 100:.{decimals}f} %" for v in values]


def _class_pen(i: int, n: int):
    return pg.mkPen(pg.intColor(i, hues=max(n, 6), values=1, maxValue=200), width=2,
                    style=STYLES[i % len(STYLES)])


class FinalCurvesPanel(QWidget):
    """Shows the curves of the latest final test of the session's project."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("finalCurvesPanel")
        self.session = session
        self._shown: tuple | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.box = QGroupBox(gui_text("curves.title"))
        self.box.setObjectName("curvesBox")
        outer.addWidget(self.box)
        layout = QVBoxLayout(self.box)
        self.empty = note("", "curvesNote")
        layout.addWidget(self.empty)
        self.content = QWidget()
        layout.addWidget(self.content)
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        body.addLayout(grid)
        self.plots: dict[str, pg.PlotWidget] = {}
        self.captions: dict[str, object] = {}
        for i, (name, x_key, y_key) in enumerate((
                ("roc", "axis_fpr", "axis_tpr"), ("pr", "axis_recall", "axis_precision"),
                ("calibration", "axis_predicted_probability", "axis_observed"),
                ("coverage", "axis_coverage", "axis_accuracy"),
                ("regression", "axis_true", "axis_predicted"))):
            cell = QVBoxLayout()
            plot = self._plot(name, x_key, y_key, percent=name != "regression")
            caption = note("", f"{name}Caption", muted=True)
            sentence = note("", f"{name}Sentence")
            for widget in (plot, sentence, caption):
                cell.addWidget(widget)
            grid.addLayout(cell, i // 2, i % 2, Qt.AlignTop)
            self.plots[name], self.captions[name] = plot, (sentence, caption)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.more_classes = note("", "moreClassesNote", muted=True)
        self.top_k = note("", "topKSentence")
        self.table_title = note("", "perClassTitle")
        self.table_title.setStyleSheet("font-weight: 600;")
        self.table = ResultTable("perClassTable")
        for widget in (self.more_classes, self.top_k, self.table_title, self.table):
            body.addWidget(widget)
        body.addStretch(1)
        session.project_changed.connect(self.refresh)
        self.refresh()

    # ----- showing
    def refresh(self) -> None:
        project = self.session.project
        final = project.final_test if project is not None else None
        bundle = final.curves if final is not None else None
        key = (str(project.root) if project else None,
               final.evaluated_at if final is not None else None, bundle is not None)
        if key == self._shown:
            return
        self._shown = key
        self.content.setVisible(bundle is not None)
        self.empty.setVisible(bundle is None)
        if bundle is None:
            self.empty.setText(gui_text("curves.no_curves" if final else "curves.before_vault"))
            return
        if bundle.is_regression:
            self._show_regression(bundle)
        else:
            self._show_classification(bundle)
        settle_layout()

    def _show_classification(self, bundle: CurveBundle) -> None:
        for name in ("roc", "pr", "calibration", "coverage"):
            self._cell(name, True)
        self._cell("regression", False)
        binary = bundle.task == "binary"
        suffix = "" if binary else "_multi"
        positive = bundle.positive_label
        drawn = words.classes_to_draw(bundle)
        self._draw_roc(bundle, drawn)
        self._draw_pr(bundle, drawn)
        self._draw_calibration(bundle)
        self._draw_coverage(bundle)
        self._say("roc", words.roc_sentence(bundle), words.caption("roc" + suffix,
                                                                   positive=positive))
        self._say("pr", words.pr_sentence(bundle), words.caption("pr" + suffix,
                                                                 positive=positive))
        self._say("calibration", words.calibration_sentence(bundle),
                  words.caption("calibration"))
        self._say("coverage", words.reject_sentence(bundle), words.coverage_caption(bundle))
        n = len(bundle.roc.curves) if bundle.roc else 0
        self.more_classes.setVisible(len(drawn) < n)
        self.more_classes.setText(gui_text("curves.more_classes", shown=len(drawn), n=n))
        top = words.top_k_sentence(bundle)
        self.top_k.setVisible(bool(top))
        self.top_k.setText(top)
        self.table_title.setText(gui_text("curves.per_class_title"))
        headers, rows = words.per_class_table(bundle)
        self.table.fill(headers, rows, numeric=range(1, len(headers)))

    def _show_regression(self, bundle: CurveBundle) -> None:
        for name in ("roc", "pr", "calibration", "coverage"):
            self._cell(name, False)
        self._cell("regression", True)
        reg = bundle.regression or RegressionPoints()
        plot = self._reset("regression")
        plot.addItem(pg.InfiniteLine(pos=(0, 0), angle=45, pen=REFERENCE_PEN))
        plot.plot(reg.true, reg.predicted, pen=None, symbol="o", symbolSize=5,
                  symbolPen=None, symbolBrush=pg.mkBrush(31, 78, 156, 140))
        plot.getPlotItem().enableAutoRange()
        self._say("regression", words.regression_sentence(bundle),
                  words.caption("regression", n=len(reg.true)))
        self.more_classes.hide()
        self.top_k.hide()
        self.table_title.setText(gui_text("curves.residuals_title"))
        headers, rows = words.residual_table(bundle)
        self.table.fill(headers, rows, numeric=(1, 2))

    # ----- the four curves
    def _draw_roc(self, bundle: CurveBundle, drawn: list[int]) -> None:
        plot = self._reset("roc")
        curves = bundle.roc.curves if bundle.roc else ()
        plot.plot([0, 1], [0, 1], pen=REFERENCE_PEN)
        for j, i in enumerate(drawn):
            c = curves[i]
            plot.plot(list(c.fpr), list(c.tpr), pen=self._pen(bundle, j, len(drawn)),
                      name=self._name(bundle, c.label))

    def _draw_pr(self, bundle: CurveBundle, drawn: list[int]) -> None:
        plot = self._reset("pr")
        curves = bundle.pr.curves if bundle.pr else ()
        for j, i in enumerate(drawn):
            c = curves[i]
            pen = self._pen(bundle, j, len(drawn))
            plot.plot(list(c.recall), list(c.precision), pen=pen,
                      name=self._name(bundle, c.label))
            if c.base_rate is not None:
                base = REFERENCE_PEN if bundle.task == "binary" else pg.mkPen(
                    pen.color(), width=1, style=Qt.DashLine)
                plot.plot([0, 1], [c.base_rate] * 2, pen=base)

    def _draw_calibration(self, bundle: CurveBundle) -> None:
        plot = self._reset("calibration")
        cal = bundle.calibration or Calibration()
        plot.plot([0, 1], [0, 1], pen=REFERENCE_PEN)
        plot.plot(list(cal.predicted), list(cal.observed), pen=MODEL_PEN,
                  symbol="o", symbolSize=7, symbolBrush="#1f4e9c", symbolPen=None)

    def _draw_coverage(self, bundle: CurveBundle) -> None:
        plot = self._reset("coverage")
        cov = bundle.coverage or RejectCurve()
        plot.plot(list(cov.coverage), list(cov.accuracy), pen=MODEL_PEN)
        if cov.target_accuracy is not None:
            plot.plot([0, 1], [cov.target_accuracy] * 2, pen=TARGET_PEN)
        chosen = cov.chosen
        if chosen is not None:
            plot.plot([chosen.coverage], [chosen.accuracy], pen=None, symbol="star",
                      symbolSize=16, symbolBrush="#b03a2e", symbolPen="#222")
        item = plot.getPlotItem()
        item.setXRange(-0.06, 1.05, padding=0)
        item.getViewBox().setDefaultPadding(0.08)
        item.getViewBox().setLimits(yMin=-0.06, yMax=1.04)  # a share never passes 100 %
        item.enableAutoRange(axis="y")

    # ----- pieces
    def _plot(self, name: str, x_key: str, y_key: str, percent: bool) -> pg.PlotWidget:
        plot = styled_plot(gui_text(f"curves.{name}_title"), text(f"test_curves.{x_key}"),
                           text(f"test_curves.{y_key}"),
                           left=ShareAxis("left") if percent else None,
                           bottom=ShareAxis("bottom") if percent else pg.AxisItem("bottom"),
                           still=True, min_size=(300, PLOT_HEIGHT))
        plot.setObjectName(f"{name}Plot")
        plot.setMaximumHeight(PLOT_HEIGHT + 40)
        return plot

    def _reset(self, name: str) -> pg.PlotWidget:
        plot = self.plots[name]
        item = plot.getPlotItem()
        item.clear()
        if item.legend is not None:
            item.legend.clear()
        elif name in LEGEND_CORNER:
            item.addLegend(offset=LEGEND_CORNER[name], labelTextColor="#222",
                           brush=pg.mkBrush(255, 255, 255, 210))
        if name != "regression":
            item.setRange(xRange=(-0.06, 1.05), yRange=(-0.06, 1.04), padding=0)
        return plot

    def _cell(self, name: str, visible: bool) -> None:
        self.plots[name].setVisible(visible)
        for label in self.captions[name]:
            label.setVisible(visible)

    def _say(self, name: str, sentence: str, caption: str) -> None:
        said, shown = self.captions[name]
        said.setText(sentence)
        said.setVisible(bool(sentence))
        shown.setText(caption)

    @staticmethod
    def _pen(bundle: CurveBundle, j: int, n: int):
        return MODEL_PEN if bundle.task == "binary" else _class_pen(j, n)

    @staticmethod
    def _name(bundle: CurveBundle, label: str) -> str | None:
        return None if bundle.task == "binary" else label
