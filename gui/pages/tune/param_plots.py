"""The Tune page's plots of the settings: parallel coordinates and score against a setting.

``ParallelPlot`` draws one line per trial across one vertical axis per searched setting, at
the positions the engine computed (0 = low end, 1 = high end of the widest range searched,
on a log scale for log ranges: ``TrialRow.positions``). ``ScorePlot`` draws
the dev error of each finished trial against the value of one setting the user picks, on a
log axis where that setting's range is log. Nothing here computes on the data.
"""

from __future__ import annotations

import math
from typing import Mapping

import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.tuning import Axis, TrialRow, TuningSummary
from engine.words import error_is_share, fmt_number
from gui.pages.labels import note
from gui.pages.tune.plots import (BEST, BROKEN, PLOT_SIZE, PRUNED, ErrorAxis, rt,
                                  round_colour)
from gui.pages.tune.range_row import param_label
from gui.pages.tune.trials_table import param_columns
from gui.plot_parts import RateAxis, styled_plot


def searched_names(summary: TuningSummary) -> list[str]:
    """The settings that have an axis (searched in some trial), in the space's order."""
    return [n for n in param_columns(summary) if n in summary.axes]


class ParallelPlot(QWidget):
    """One line per trial through one axis per searched setting."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("parallelView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(note(rt("parallel_help"), "parallelHelp", muted=True))
        self.plot = styled_plot(rt("parallel_title"), "", rt("parallel_y"),
                                bottom=pg.AxisItem("bottom"), still=True, min_size=PLOT_SIZE)
        self.plot.setObjectName("parallelPlot")
        layout.addWidget(self.plot)
        layout.addStretch(1)
        self.lines: dict[int, list] = {}

    def show_summary(self, summary: TuningSummary) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.lines = {}
        names = searched_names(summary)
        axes = summary.axes
        xs = list(range(len(names)))
        item.getAxis("bottom").setTicks([[(x, self._axis_name(n, axes)) for x, n in
                                          zip(xs, names)]])
        item.getAxis("left").setTicks([[(0, ""), (1, "")]])
        for x in xs:
            item.addItem(pg.InfiniteLine(pos=x, angle=90, pen=pg.mkPen("#BBB", width=1)))
        best = summary.best_number
        trials = summary.trials
        # One curve per look (trials apart by a gap), drawn bottom to top: hundreds of
        # trials stay quick to draw.
        groups: dict[str, list[TrialRow]] = {}
        for trial in trials:
            groups.setdefault(self._look(trial, best), []).append(trial)
        for look in sorted(groups, key=self._rank):
            line_x, line_y = [], []
            for trial in groups[look]:
                ys = [trial.positions.get(n) for n in names]
                ys = [math.nan if y is None else y for y in ys]
                self.lines[trial.number] = ys
                line_x += xs + [math.nan]
                line_y += ys + [math.nan]
            pen = self._pen(look)
            item.plot(line_x, line_y, pen=pen, connect="finite", symbol="o", symbolSize=5,
                      symbolPen=pen.color(), symbolBrush=pen.color())
        self._end_labels(item, names, axes, trials)
        if names:
            item.setXRange(-0.4, len(names) - 0.6, padding=0)
        item.setYRange(-0.08, 1.08, padding=0)

    def _axis_name(self, name: str, axes: Mapping[str, Axis]) -> str:
        log = name in axes and axes[name].log
        # text keys: gui.tune.param.{augment,depth,dropout,filters,imbalance,l2,optimizer,schedule}
        # text keys: gui.tune.param.{width,batch_norm,batch_size,embed_dim,learning_rate}
        return rt("score_log", name=param_label(name)) if log else param_label(name)

    @staticmethod
    def _look(trial: TrialRow, best) -> str:
        """How a trial's line is drawn: best, pruned (or not finished), broken, round N."""
        if trial.number == best:
            return "best"
        if trial.state != "complete":
            return "pruned"
        if trial.feasible is False:
            return "broken"
        return f"round {trial.round}"

    @staticmethod
    def _rank(look: str) -> tuple:
        order = {"pruned": 0, "broken": 1, "best": 3}
        return (order.get(look, 2), look)

    @staticmethod
    def _pen(look: str) -> pg.QtGui.QPen:
        if look == "best":
            return pg.mkPen(BEST, width=3.5)
        if look == "pruned":
            return pg.mkPen(PRUNED, width=1)
        if look == "broken":
            return pg.mkPen(BROKEN, width=1.5)
        return pg.mkPen(round_colour(int(look.split()[1])), width=1.8)

    def _end_labels(self, item, names: list[str], axes: Mapping[str, Axis],
                    trials: tuple[TrialRow, ...]) -> None:
        """The ends of each numeric axis, and each choice a trial used where it lies."""
        for x, name in enumerate(names):
            axis = axes.get(name) or Axis()
            if axis.choices:
                marks = {}
                for t in trials:
                    pos = t.positions.get(name)
                    if pos is not None and name in t.params:
                        marks[pos] = fmt_number(t.params[name])
                ends = list(marks.items())
            else:
                ends = [(0.0, fmt_number(axis.low)), (1.0, fmt_number(axis.high))]
            for y, words in ends:
                label = pg.TextItem(words, color="#333", anchor=(-0.1, 0.5))
                label.setPos(x, y)
                item.addItem(label)


class ScorePlot(QWidget):
    """Dev error of each finished trial against one setting the user picks."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        label = QLabel(rt("score_param"))
        self.combo = QComboBox()
        self.combo.setObjectName("scoreParamCombo")
        label.setBuddy(self.combo)
        row.addWidget(label)
        row.addWidget(self.combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.none = note(rt("score_none"), "scoreNone", role="warning")
        layout.addWidget(self.none)
        self.axis = ErrorAxis("left")
        self.plot = styled_plot(rt("score_title", name=""), "", rt("axis_error"),
                                left=self.axis, bottom=RateAxis("bottom"), still=True,
                                min_size=PLOT_SIZE)
        self.plot.setObjectName("scorePlot")
        layout.addWidget(self.plot)
        layout.addStretch(1)
        self.summary = TuningSummary()
        self.combo.currentIndexChanged.connect(lambda _i: self._draw())

    def show_summary(self, summary: TuningSummary) -> None:
        self.summary = summary
        names = searched_names(summary)
        keep = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for name in names:
            self.combo.addItem(param_label(name), name)
        if keep in names:
            self.combo.setCurrentIndex(names.index(keep))
        self.combo.blockSignals(False)
        self.none.setVisible(not names)
        self.plot.setVisible(bool(names))
        self._draw()

    def choose(self, name: str) -> None:
        self.combo.setCurrentIndex(self.combo.findData(name))

    def is_log(self) -> bool:
        return self.combo.currentData() in self.summary.log_params

    def _draw(self) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        name = self.combo.currentData()
        if name is None:
            return
        summary = self.summary
        self.axis.set_share(error_is_share(summary.metric))
        axis = summary.axes.get(name) or Axis()
        choices = list(axis.choices)
        log = self.is_log()
        label = rt("score_log", name=param_label(name)) if log else param_label(name)
        item.setTitle(rt("score_title", name=param_label(name)), color="#222", size="10pt")
        item.setLabel("bottom", label, color="#333")
        item.setLogMode(x=log, y=False)
        bottom = item.getAxis("bottom")
        if choices:
            bottom.setTicks([[(i, fmt_number(c)) for i, c in enumerate(choices)]])
        else:
            bottom.setTicks(None)
        best = summary.best_number
        done = [t for t in summary.trials if t.state == "complete"
                and t.value is not None and name in t.params]

        def x_of(t):
            v = t.params[name]
            return choices.index(v) if choices and v in choices else v

        groups: dict[tuple, list] = {}
        for t in done:
            if t.number == best:
                key = ("best",)
            elif t.feasible is False:
                key = ("broken",)
            else:
                key = ("round", t.round)
            groups.setdefault(key, []).append(t)
        for key, group in sorted(groups.items(), key=lambda kv: kv[0] == ("best",)):
            if key == ("best",):
                style = dict(symbol="star", symbolSize=16, symbolPen=BEST,
                             symbolBrush=pg.mkBrush("#FFD54F"))
            elif key == ("broken",):
                style = dict(symbol="x", symbolSize=10, symbolPen=BROKEN, symbolBrush=BROKEN)
            else:
                colour = round_colour(key[1])
                style = dict(symbol="o", symbolSize=8, symbolPen=colour, symbolBrush=colour)
            item.plot([x_of(t) for t in group], [t.value for t in group], pen=None, **style)
        item.enableAutoRange()

    def points(self) -> tuple[list, list]:
        """All (x, y) points drawn, as given to the plot (for tests)."""
        xs, ys = [], []
        for entry in self.plot.getPlotItem().listDataItems():
            x, y = entry.getOriginalDataset()
            xs += list(x)
            ys += list(y)
        return xs, ys
