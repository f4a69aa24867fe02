"""The "Learning curves" tab of the Diagnose page: will more data help?

The user picks the training-set sizes and the draws per size, then starts the
``learning_curve`` job. The plot, the table and the answer all come from the engine
(``project.learning_curve``, ``engine.diagnosis.learning_curve_view``); this panel only shows them.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from engine.diagnosis.requests import LearningCurveRequest
from engine.diagnosis import (curve_is_current, curve_note, curve_rows, curve_series,
                              has_curve)
from engine.words import fmt_count, fmt_time
from engine.project import find_run
from engine.project.parts import LearningCurveRecord
from engine.core import text
from gui.pages.base import gui_text
from gui.pages.diagnose.chosen_run_button import update_for_chosen_run
from gui.pages.labels import note
from gui.pages.setting_rows import choice_combo, int_spin
from gui.plot_parts import named_series, styled_plot
from gui.result_table import ResultTable, settle_layout

PRESETS = (("default", (0.1, 0.25, 0.5, 1.0)), ("quick", (0.25, 0.5, 1.0)),
           ("fine", (0.05, 0.1, 0.2, 0.4, 0.7, 1.0)))
TRAIN_PEN = pg.mkPen("#1f5fa8", width=2)
DEV_PEN = pg.mkPen("#c0561b", width=2)
TARGET_PEN = pg.mkPen("#444444", width=1.5, style=Qt.DashLine)
BEAM = 0.04  # width of an error bar's end caps, in decades of the log axis


def _key(name: str, **values) -> str:
    return gui_text(f"learning_curve.{name}", **values)


class LearningCurvePanel(QWidget):
    """Settings, the button that draws the curves, the plot, the table and the answer."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("learningCurveTab")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(note(text("learning_curve.about"), "curveAbout"))

        settings = QHBoxLayout()
        self.sizes = choice_combo("curveSizes", [(_key(f"preset_{name}"), list(sizes))
                                                 for name, sizes in PRESETS])
        self.seeds = int_spin("curveSeeds", 1, 10, 3)
        self.epochs = int_spin("curveEpochs", 0, 10000, 0)
        self.epochs.setSpecialValueText(_key("epochs_own"))
        self.folds = choice_combo("curveFolds", [(_key("folds_off"), 0)] + [
            (_key("folds_k", n=k), k) for k in (3, 5, 10)])
        self.folds.currentIndexChanged.connect(self._folds_changed)
        folds_row = QHBoxLayout()  # its own line: the first is full at the page's width
        for row, name, field in ((settings, "sizes", self.sizes), (settings, "seeds", self.seeds),
                                 (settings, "epochs", self.epochs),
                                 (folds_row, "folds", self.folds)):
            label = QLabel(_key(name))
            label.setBuddy(field)
            field.setToolTip(_key(f"{name}_tip"))
            row.addWidget(label)
            row.addWidget(field)
            row.addSpacing(12)
        for row in (settings, folds_row):
            row.addStretch(1)
            layout.addLayout(row)

        row = QHBoxLayout()
        self.draw_button = QPushButton(_key("draw"))
        self.draw_button.setObjectName("drawCurveButton")
        self.draw_button.setToolTip(_key("draw_tip"))
        self.draw_button.clicked.connect(self.draw)
        row.addWidget(self.draw_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.button_note = note("", "curveButtonNote", muted=True)
        self.stale = note(_key("stale"), "curveStale", role="warning")
        self.drawn_for = note("", "curveDrawnFor", muted=True)
        for widget in (self.button_note, self.stale, self.drawn_for):
            layout.addWidget(widget)

        self.answer_box = QGroupBox(_key("answer_title"))
        self.answer_box.setObjectName("curveAnswerBox")
        answer_layout = QVBoxLayout(self.answer_box)
        self.answer = note("", "curveAnswer", role="verdict")
        self.explanation = note("", "curveExplanation")
        answer_layout.addWidget(self.answer)
        answer_layout.addWidget(self.explanation)
        layout.addWidget(self.answer_box)

        self.plot = self._make_plot()
        layout.addWidget(self.plot)
        self.bars_note = note(_key("bars_note"), "curveBarsNote", muted=True)
        layout.addWidget(self.bars_note)
        self.table = ResultTable("curveTable")
        layout.addWidget(self.table)
        layout.addStretch(1)

        session.project_changed.connect(self.refresh)
        session.runner.busy_changed.connect(self._busy_changed)  # a method: gone with us
        self.refresh()

    # ----- action
    def draw(self) -> None:
        epochs = self.epochs.value()
        sizes = self.sizes.currentData()
        self.session.run(LearningCurveRequest(sizes=tuple(sizes or ()), seeds=self.seeds.value(),
                                              max_epochs=epochs or None,
                                              folds=int(self.folds.currentData() or 0)))

    def _folds_changed(self, _index: int) -> None:
        self.seeds.setEnabled(not self.folds.currentData())  # one fit per fold and size

    # ----- showing the project
    def refresh(self) -> None:
        self._show_project()
        settle_layout()  # the page around this tab is laid out again before anyone clicks

    def _show_project(self) -> None:
        project = self.session.project
        curve = project.learning_curve if project is not None else None
        shown = has_curve(curve)
        for widget in (self.answer_box, self.plot, self.bars_note, self.table,
                       self.drawn_for):
            widget.setVisible(shown)
        self.stale.setVisible(shown and not curve_is_current(project))
        self._update_button()
        if not shown:
            return
        run = find_run(project, curve.run)
        label = run.label if run else curve.run
        if curve.folds:
            self.drawn_for.setText(_key("drawn_for_kfold", label=label,
                                        when=fmt_time(curve.created), folds=curve.folds))
        else:
            self.drawn_for.setText(_key("drawn_for", label=label, when=fmt_time(curve.created),
                                        seeds=curve.seeds))
        self.bars_note.setText(curve_note(curve) or _key("bars_note"))
        self.answer.setText(curve.answer)
        self.explanation.setText(curve.explanation)
        self.table.fill([_key(f"col_{c}") for c in ("share", "rows", "train", "dev")],
                        curve_rows(curve), numeric={1, 2, 3})
        self._draw(curve)

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        # text keys: gui.learning_curve.no_choice, gui.learning_curve.busy, gui.learning_curve.for_run
        update_for_chosen_run(self.session, self.draw_button, self.button_note, _key)

    # ----- the plot
    def _make_plot(self) -> pg.PlotWidget:
        plot = styled_plot(_key("plot_title"), _key("axis_rows"), bottom=pg.AxisItem("bottom"),
                           still=True, min_size=(260, 280))
        plot.setObjectName("curvePlot")
        item = plot.getPlotItem()
        item.setLogMode(x=True, y=False)
        item.getViewBox().setDefaultPadding(0.08)
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor="#222",
                                     brush=pg.mkBrush(255, 255, 255, 220))
        return plot

    def _draw(self, curve: LearningCurveRecord) -> None:
        series = curve_series(curve)
        item = self.plot.getPlotItem()
        item.clear()
        self.legend.clear()
        item.setLabel("left", _key("axis_percent" if series.percent else "axis_error"),
                      color="#333")
        # Ticks at the sizes drawn, labelled with their row counts (the axis is log10).
        item.getAxis("bottom").setTicks([list(zip(series.log_rows.tolist(),
                                                  [fmt_count(r) for r in series.rows]))])
        for values, spread, pen, symbol, name in (
                (series.train, series.train_std, TRAIN_PEN, "o", "legend_train"),
                (series.dev, series.dev_std, DEV_PEN, "s", "legend_dev")):
            colour = pen.color()
            item.addItem(pg.ErrorBarItem(x=series.log_rows, y=values, top=spread,
                                         bottom=spread, beam=BEAM, pen=pg.mkPen(colour)))
            item.plot(series.rows, values, pen=pen, symbol=symbol, symbolSize=8,
                      symbolPen=pg.mkPen(colour), symbolBrush=pg.mkBrush(colour),
                      name=_key(name))
        if series.target is not None:
            ends = series.rows[[0, -1]]
            item.plot(ends, [series.target] * 2, pen=TARGET_PEN, name=_key("legend_target"))

    # ----- for tests
    def plotted(self) -> dict[str, tuple[list, list]]:
        """The named series as drawn (for tests)."""
        return named_series(self.plot)
