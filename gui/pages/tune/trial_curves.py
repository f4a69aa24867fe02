"""The curves of one trial the user clicked on the Tune page.

Left: the trial's dev error after each epoch (what the pruner judged it on), over the faint
curves of every other trial, so a trial stopped early shows where it fell behind. Right:
the training and dev loss per epoch of the trial's run (``RunRecord.history``, the Keras
logs the engine saved). Values come from the summary and the project as they are.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from engine.core import ProjectError
from engine.tuning import TrialRow, TuningSummary
from engine.words import error_is_share
from gui.pages.tune.plots import ErrorAxis, LegendStrip, round_colour, rt
from gui.pages.tune.trials_table import shown_number
from gui.plot_parts import styled_plot

TRAIN, DEV = "#0072B2", "#D55E00"
OTHERS = pg.mkColor(120, 120, 120, 140)
CURVE_SIZE = (360, 240)


class TrialCurves(QWidget):
    """Dev error per epoch of a trial (among all trials) and its run's losses."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("trialCurves")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.axis = ErrorAxis("left")
        self.error_plot = styled_plot(rt("curves_error_none"), rt("curves_epoch"),
                                      rt("axis_error"), left=self.axis, still=True,
                                      min_size=CURVE_SIZE)
        self.error_plot.setObjectName("trialErrorPlot")
        self.loss_plot = styled_plot(rt("curves_loss_none"), rt("curves_epoch"),
                                     rt("curves_loss"), still=True, min_size=CURVE_SIZE)
        self.loss_plot.setObjectName("trialLossPlot")
        self.loss_legend = LegendStrip(columns=2)
        loss_column = QVBoxLayout()
        loss_column.setSpacing(0)
        loss_column.addWidget(self.loss_legend)
        loss_column.addWidget(self.loss_plot, 1)
        row.addWidget(self.error_plot, 1)
        row.addLayout(loss_column, 1)
        self.trial: int | None = None

    def show_trial(self, summary: TuningSummary, number: int | None, project) -> None:
        """Draw trial ``number`` of ``summary``; its run is read from ``project``."""
        self.trial = number
        trials = {t.number: t for t in summary.trials}
        chosen = trials.get(number) if number is not None else None
        self.axis.set_share(error_is_share(summary.metric))
        item = self.error_plot.getPlotItem()
        item.clear()
        # The other trials as one grey curve, each apart by a gap (quick with hundreds).
        xs, ys = [], []
        for t in trials.values():
            if t is not chosen and t.curve:
                xs += [p[0] for p in t.curve] + [math.nan]
                ys += [p[1] for p in t.curve] + [math.nan]
        if xs:
            item.plot(xs, ys, pen=pg.mkPen(OTHERS, width=1), connect="finite", symbol="o",
                      symbolSize=5, symbolPen=None, symbolBrush=pg.mkBrush(OTHERS))
        if chosen is not None and chosen.curve:
            colour = round_colour(chosen.round)
            item.plot([p[0] for p in chosen.curve], [p[1] for p in chosen.curve],
                      pen=pg.mkPen(colour, width=3), symbol="o", symbolSize=7,
                      symbolPen=colour, symbolBrush=colour, name="trial")
        title = (rt("curves_error_title", trial=shown_number(chosen)) if chosen is not None
                 else rt("curves_error_none"))
        item.setTitle(title, color="#222", size="10pt")
        item.enableAutoRange()
        self._draw_losses(chosen, project)

    def _draw_losses(self, trial: TrialRow | None, project) -> None:
        item = self.loss_plot.getPlotItem()
        item.clear()
        history = []
        if trial is not None and trial.run_id and project is not None:
            try:
                history = project.run(trial.run_id).history or []
            except ProjectError:
                history = []
        title = (rt("curves_loss_title", trial=shown_number(trial)) if trial is not None
                 else rt("curves_loss_none"))
        item.setTitle(title, color="#222", size="10pt")
        epochs = list(range(1, len(history) + 1))
        for key, colour, style, symbol, name in (
                ("loss", TRAIN, Qt.SolidLine, "o", "curves_train"),
                ("val_loss", DEV, Qt.DashLine, "t", "curves_dev")):
            points = [(e, h[key]) for e, h in zip(epochs, history) if key in h]
            if points:
                item.plot([p[0] for p in points], [p[1] for p in points],
                          pen=pg.mkPen(colour, width=2, style=style), symbol=symbol,
                          symbolSize=7, symbolPen=colour,
                          symbolBrush="w" if symbol == "t" else colour, name=rt(name))
        self.loss_legend.fill(self.loss_plot)
        item.enableAutoRange()

    def drawn(self) -> dict[str, tuple[list, list]]:
        """The named curves as drawn (for tests): "trial", and the two losses."""
        out = {}
        for plot in (self.error_plot, self.loss_plot):
            for entry in plot.getPlotItem().listDataItems():
                if entry.name():
                    x, y = entry.getOriginalDataset()
                    out[entry.name()] = (list(x), list(y))
        return out
