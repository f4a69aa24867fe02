"""What every telemetry tab of the live monitor shares (see ``gui.telemetry_panels``).

``TelemetryPanel`` is a tab with a plain explanation, a note while it waits for its first
numbers, a key of the layers' colours and the plots of a subclass; ``LayerCurves`` keeps one
growing buffer and one curve per layer; ``LayerColours`` gives a layer the same colour on
every tab. Buffers fill on events; curves get the data only in ``redraw``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.core import FiltersSampled, TelemetrySampled
from gui.pages.base import gui_text
from gui.plot_parts import GrowingSeries, styled_plot

# Okabe-Ito colours (no yellow: too pale on white); past seven layers the dashes differ.
LAYER_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LAYER_STYLES = (Qt.SolidLine, Qt.DashLine, Qt.DotLine)
LEGEND_COLUMNS = 4


class LayerColours:
    """One colour (and dash) per layer, in the order the layers first appear in a run,
    shared by all panels so a layer looks the same on every tab."""

    def __init__(self) -> None:
        self._order: dict[str, int] = {}
        self._pens: dict[tuple[int, float], object] = {}

    def clear(self) -> None:
        self._order.clear()

    def see(self, layers) -> None:
        for layer in layers:
            self._order.setdefault(layer, len(self._order))

    def pen(self, layer: str, width: float = 2):
        index = self._order.setdefault(layer, len(self._order))
        key = (index, width)
        if key not in self._pens:  # every sample asks, for every layer of every panel
            colour = LAYER_COLOURS[index % len(LAYER_COLOURS)]
            style = LAYER_STYLES[(index // len(LAYER_COLOURS)) % len(LAYER_STYLES)]
            self._pens[key] = pg.mkPen(colour, width=width, style=style)
        return self._pens[key]


def _drawable(value, log: bool) -> bool:
    """A number a curve can show (a log axis cannot show zero, e.g. a frozen layer)."""
    return value is not None and math.isfinite(value) and (value > 0 or not log)


class LayerCurves:
    """One curve per layer on one plot, in the order the layers first appear."""

    def __init__(self, plot: pg.PlotWidget, log: bool, symbol: str | None = None,
                 on_new=None) -> None:
        self.plot, self.log, self.symbol = plot, log, symbol
        self.on_new = on_new  # called with (layer, curve) when a layer's curve is made
        self._series: dict[str, GrowingSeries] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._pens: dict[str, object] = {}
        self._pending: list[str] = []  # layers whose curve the next redraw makes

    def add(self, layer: str, x: float, y: float | None, pen) -> bool:
        """Append (x, y) to the layer's series (its curve, drawn with ``pen``, is made at
        the next ``redraw``); False when ``y`` cannot be drawn."""
        if not _drawable(y, self.log):
            return False
        if layer not in self._series:
            self._series[layer] = GrowingSeries()
            self._pens[layer] = pen
            self._pending.append(layer)
        self._series[layer].append(x, y)
        return True

    def _make(self, layer: str) -> pg.PlotDataItem:
        """The layer's curve, made now. Making curves (and their legend rows) costs a few
        ms each: made at an event, all layers of all panels at once held the window up
        for 50-70 ms at a run's first sample; made at redraw, one panel's per tick."""
        if layer not in self._curves:
            pen = self._pens[layer]
            options = {"pen": pen}
            if self.symbol:
                options.update(symbol=self.symbol, symbolSize=5, symbolPen=pen.color(),
                               symbolBrush=pen.color())
            self._curves[layer] = self.plot.getPlotItem().plot([], [], **options)
            if self.on_new is not None:
                self.on_new(layer, self._curves[layer])
        return self._curves[layer]

    def redraw(self) -> None:
        for layer in self._pending:
            self._make(layer)
        self._pending.clear()
        for layer, series in self._series.items():
            self._curves[layer].setData(*series.data())

    def clear(self) -> None:
        for curve in self._curves.values():
            self.plot.getPlotItem().removeItem(curve)
        self._series.clear()
        self._curves.clear()
        self._pens.clear()
        self._pending.clear()

    def layers(self) -> list[str]:
        return list(self._series)

    def curve(self, layer: str) -> pg.PlotDataItem:
        return self._make(layer)

    def shown(self, layer: str) -> tuple[np.ndarray, np.ndarray]:
        """A copy of what the layer's curve shows, as of the last redraw."""
        if layer not in self._curves:
            return np.empty(0), np.empty(0)
        x, y = self._curves[layer].getOriginalDataset()
        if x is None or y is None:
            return np.empty(0), np.empty(0)
        return np.array(x, dtype=float), np.array(y, dtype=float)


class TelemetryPanel(QWidget):
    """A monitor tab: what it shows in plain words, a note while it waits, a key of the
    layers' colours, and the plots of a subclass (in ``self.plots_row``)."""

    key = ""

    def __init__(self, colours: LayerColours | None = None, parent=None) -> None:
        super().__init__(parent)
        self.colours = colours or LayerColours()
        self.setObjectName(f"{self.key}Panel")
        # text keys: gui.telemetry.filters_tab, gui.telemetry.gradients_tab
        # text keys: gui.telemetry.units_tab, gui.telemetry.updates_tab
        self.title = gui_text(f"telemetry.{self.key}_tab")
        self.stale = False  # not redrawn while its tab was hidden
        self._seen = False  # this run sends statistics
        self._data_kind = "table"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(4)
        # text keys: gui.telemetry.filters_explain, gui.telemetry.gradients_explain
        # text keys: gui.telemetry.units_explain, gui.telemetry.updates_explain
        self.explain = QLabel(gui_text(f"telemetry.{self.key}_explain"))
        self.explain.setObjectName(f"{self.key}Explain")
        self.explain.setWordWrap(True)
        self.explain.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.explain)
        # text keys: gui.telemetry.filters_waiting, gui.telemetry.gradients_waiting
        # text keys: gui.telemetry.units_waiting, gui.telemetry.updates_waiting
        self.waiting = QLabel(gui_text(f"telemetry.{self.key}_waiting"))
        self.waiting.setObjectName(f"{self.key}Waiting")
        self.waiting.setWordWrap(True)
        self.waiting.setStyleSheet("color: #555; font-style: italic;")
        layout.addWidget(self.waiting)
        self.legend_view = pg.GraphicsLayoutWidget()
        self.legend_view.setBackground("w")
        self.legend_view.ci.setContentsMargins(6, 0, 0, 0)
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS, labelTextColor="#222",
                                    labelTextSize="9pt", horSpacing=20, verSpacing=0,
                                    frame=False)
        self.legend_view.addItem(self.legend)
        layout.addWidget(self.legend_view)
        self.plots_row = QHBoxLayout()
        self.plots_row.setSpacing(6)
        layout.addLayout(self.plots_row, 1)
        self._legend_names: list[str] = []

    # ----- what the monitor calls
    def take(self, event) -> bool:
        """Keep the numbers of ``event``; True when the panel needs a redraw."""
        first = not self._seen and isinstance(event, (TelemetrySampled, FiltersSampled))
        self._seen = self._seen or first
        return self._take(event) or first

    def redraw(self) -> None:
        self.stale = False
        has_data = self.has_data()
        self.waiting.setVisible(not has_data)
        self._redraw(has_data)  # makes the curves of new layers, and their legend rows
        self.legend_view.setVisible(has_data and bool(self._legend_names))

    def reset(self) -> None:
        self._seen = False
        self.stale = False
        self.colours.clear()
        self.legend.clear()
        self._legend_names.clear()
        self._reset()
        self.redraw()

    def wanted(self) -> bool:
        """Whether the panel's tab should show."""
        return self._seen

    def set_data_kind(self, kind: str) -> None:
        self._data_kind = kind

    # ----- for subclasses
    def _take(self, event) -> bool:
        raise NotImplementedError

    def _redraw(self, has_data: bool) -> None:
        raise NotImplementedError

    def _reset(self) -> None:
        raise NotImplementedError

    def has_data(self) -> bool:
        raise NotImplementedError

    def _curve_made(self, layer: str, curve) -> None:
        self._add_to_legend(curve, self._legend_label(layer))

    def _legend_label(self, layer: str) -> str:
        return layer

    def _add_to_legend(self, curve, name: str) -> None:
        if name in self._legend_names:
            return
        self._legend_names.append(name)
        self.legend.addItem(curve, name)
        rows = math.ceil(len(self._legend_names) / LEGEND_COLUMNS)
        self.legend_view.setFixedHeight(8 + 20 * rows)

    def _plot(self, name: str, log: bool, left=None) -> pg.PlotWidget:
        # text keys: gui.telemetry.dead_{axis,title}, gui.telemetry.gradients_{axis,title}
        # text keys: gui.telemetry.saturated_{axis,title}, gui.telemetry.updates_{axis,title}
        plot = styled_plot(gui_text(f"telemetry.{name}_title"),
                           gui_text("monitor.step_axis"), gui_text(f"telemetry.{name}_axis"),
                           left=left, log_y=log, long_curve=True, min_size=(240, 150))
        plot.setObjectName(f"{name}Plot")
        self.plots_row.addWidget(plot)
        return plot
