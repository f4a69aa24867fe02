"""The Tune page's plots of the whole search: optimization history and importance.

``HistoryPlot`` draws each finished trial's dev error in trial order, coloured by round,
with the best-so-far line (of trials that meet every limit) in the colour of the round that
set it; trials that break a limit are red crosses, trials stopped early grey dots at their
last epoch. ``ImportancePlot`` draws each setting's share of the differences in dev error
(Optuna's importance evaluator, run by the engine). Everything drawn comes from the summary
(``engine.tuning.summary``); the shared colours and the error axis live here too.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from engine.tuning import HistoryPoint, TuningSummary
from engine.words import error_is_share, fmt_share
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.pages.tune.range_row import param_label
from gui.pages.tune.trials_table import shown_number
from gui.plot_parts import PercentAxis, named_series, styled_plot

# Okabe-Ito colours for rounds 1, 2, 3 ... (told apart by colour-blind readers).
ROUND_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
BROKEN = "#C62828"
PRUNED = "#9E9E9E"
BEST = "#1B1B1B"
PLOT_SIZE = (420, 340)


def rt(key: str, **values) -> str:
    return gui_text(f"tune.results.{key}", **values)


def round_colour(round_number: int) -> str:
    return ROUND_COLOURS[(max(1, int(round_number)) - 1) % len(ROUND_COLOURS)]


def rounds_of(summary: TuningSummary) -> list[int]:
    """The round numbers of the summary's trials, in order."""
    return sorted({t.round for t in summary.trials})


class ErrorAxis(pg.AxisItem):
    """A left axis for dev errors: percentages when the error is a share (with as many
    decimals as the tick spacing needs, so no two ticks read the same), else numbers."""

    share = False

    def set_share(self, share: bool) -> None:
        if share != self.share:
            self.share = share
            self.picture = None  # pyqtgraph's cached drawing of the ticks
            self.update()

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        if not self.share:
            return super().tickStrings(values, scale, spacing)
        step = spacing * 100
        decimals = 0 if step >= 1 else min(4, math.ceil(-math.log10(step)))
        return [f"{v * 100:.{decimals}f} %" for v in values]


class LegendStrip(pg.GraphicsLayoutWidget):
    """The key of a plot in a strip above it, so it never hides a point."""

    def __init__(self, columns: int = 4) -> None:
        super().__init__()
        self.setBackground("w")
        self.setFixedHeight(28)
        self.ci.setContentsMargins(6, 0, 0, 0)
        self.legend = pg.LegendItem(colCount=columns, labelTextColor="#222",
                                    labelTextSize="9pt", horSpacing=18, verSpacing=0,
                                    frame=False)
        self.addItem(self.legend)

    def fill(self, plot: pg.PlotWidget) -> None:
        """List the plot's named curves."""
        self.legend.clear()
        for entry in plot.getPlotItem().listDataItems():
            if entry.name():
                self.legend.addItem(entry, entry.name())


class HistoryPlot(QWidget):
    """Dev error of every finished trial and the best so far, trial after trial."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.axis = ErrorAxis("left")
        self.plot = styled_plot(rt("history_title"), rt("history_x"), rt("axis_error"),
                                left=self.axis, still=True, min_size=PLOT_SIZE)
        self.plot.setObjectName("historyPlot")
        self.legend = LegendStrip()
        layout.addWidget(self.legend)
        layout.addWidget(self.plot)
        layout.addStretch(1)

    def show_summary(self, summary: TuningSummary) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        self.axis.set_share(error_is_share(summary.metric))
        trials = summary.trials
        best = summary.best_number
        for r in rounds_of(summary):
            done = [t for t in trials if t.round == r and t.state == "complete"
                    and t.value is not None and t.feasible is not False]
            if done:
                colour = round_colour(r)
                item.plot([shown_number(t) for t in done], [t.value for t in done], pen=None,
                          symbol="o", symbolSize=8, symbolPen=colour, symbolBrush=colour,
                          name=rt("legend_round", round=r))
        broken = [t for t in trials if t.state == "complete" and t.feasible is False
                  and t.value is not None]
        if broken:
            item.plot([shown_number(t) for t in broken], [t.value for t in broken], pen=None,
                      symbol="x", symbolSize=10, symbolPen=BROKEN, symbolBrush=BROKEN,
                      name=rt("legend_broken"))
        pruned = [t for t in trials if t.state == "pruned" and t.curve]
        if pruned:
            item.plot([shown_number(t) for t in pruned], [t.curve[-1][1] for t in pruned],
                      pen=None, symbol="o", symbolSize=6, symbolPen=PRUNED,
                      symbolBrush=pg.mkBrush(PRUNED), name=rt("legend_pruned"))
        self._best_line(item, summary.history)
        chosen = [t for t in trials if t.number == best and t.value is not None]
        if chosen:
            item.plot([shown_number(chosen[0])], [chosen[0].value], pen=None, symbol="star",
                      symbolSize=16, symbolPen=BEST, symbolBrush=pg.mkBrush("#FFD54F"))
        self.legend.fill(self.plot)
        item.enableAutoRange()

    def _best_line(self, item, history: tuple[HistoryPoint, ...]) -> None:
        """The best-so-far line as a staircase, one piece per round in the round's colour,
        each joined to the one before."""
        points = [h for h in history if h.best_so_far is not None]
        previous = None
        named = False
        for r in sorted({h.round for h in points}):
            piece = [h for h in points if h.round == r]
            xs, ys = [], []
            if previous is not None:
                xs.append(previous[0])
                ys.append(previous[1])
            for h in piece:  # a staircase: the best holds until a trial beats it
                if ys:
                    xs.append(shown_number(h))
                    ys.append(ys[-1])
                xs.append(shown_number(h))
                ys.append(h.best_so_far)
            item.plot(xs, ys, pen=pg.mkPen(round_colour(r), width=2.5),
                      name=None if named else rt("legend_best"))
            named = True
            previous = (xs[-1], ys[-1])

    def plotted(self) -> dict[str, tuple[list, list]]:
        """The named series as drawn (for tests)."""
        return named_series(self.plot)


class ImportancePlot(QWidget):
    """One bar per searched setting: its share of the differences in dev error."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("importanceView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.help = note(rt("importance_help"), "importanceHelp", muted=True)
        self.none = note(rt("importance_none"), "importanceNone", role="warning")
        self.plot = styled_plot(rt("importance_title"), rt("importance_x"),
                                bottom=PercentAxis("bottom"), still=True, min_size=PLOT_SIZE)
        self.plot.setObjectName("importancePlot")
        self.plot.getPlotItem().invertY(True)  # the most important setting on top
        for widget in (self.help, self.none, self.plot):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.shares: dict[str, float] = {}

    def show_summary(self, summary: TuningSummary) -> None:
        shares = dict(summary.importance)
        self.shares = shares
        self.none.setVisible(not shares)
        self.plot.setVisible(bool(shares))
        self.help.setVisible(bool(shares))
        item = self.plot.getPlotItem()
        item.clear()
        if not shares:
            return
        names = list(shares)
        rows = list(range(len(names)))
        item.addItem(pg.BarGraphItem(x0=0, y=rows, height=0.6, width=[shares[n] for n in names],
                                     brush=ROUND_COLOURS[0], pen=None))
        for row, name in zip(rows, names):
            label = pg.TextItem(fmt_share(shares[name]), color="#222", anchor=(0, 0.5))
            label.setPos(shares[name], row)
            item.addItem(label)
        # text keys: gui.tune.param.{augment,depth,dropout,filters,imbalance,l2,optimizer,schedule}
        # text keys: gui.tune.param.{width,batch_norm,batch_size,embed_dim,learning_rate}
        item.getAxis("left").setTicks([[(row, param_label(n)) for row, n in zip(rows, names)]])
        item.setXRange(0, 1.15, padding=0)
        item.setYRange(-0.6, len(names) - 0.4, padding=0)
        item.getAxis("left").setStyle(tickTextWidth=140, autoExpandTextSpace=True)
        item.getViewBox().setLimits(xMin=0)
        item.setMouseEnabled(x=False, y=False)
