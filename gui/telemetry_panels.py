"""The live monitor's telemetry tabs: weight updates, gradients, units and filters.

Each panel takes the engine's ``TelemetrySampled`` and ``FiltersSampled`` events of the run
on show (``take``), appends the numbers the engine computed to growing buffers, and draws
them only when the monitor's timer calls ``redraw`` (never per event). A new run clears
them (``reset``). A panel's tab shows once the run sends statistics (``wanted``); until its
own numbers arrive it says in plain words when they will. Nothing here computes on data:
the 8-bit conversion of the filters is for display only.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine.core import TelemetrySampled
from gui.filters_panel import FiltersPanel, filter_images
from gui.pages.base import gui_text
from gui.plot_parts import PercentAxis, RateAxis
from gui.telemetry_base import LayerColours, LayerCurves, TelemetryPanel

__all__ = ["FiltersPanel", "GradientPanel", "LayerColours", "UnitsPanel", "UpdateRatioPanel",
           "filter_images", "telemetry_panels"]

GLOBAL_PEN = {"color": "#555555", "width": 3.5}
HEALTHY_BAND = (1e-4, 1e-2)  # update ratios around 1e-3 are healthy
BAND_COLOUR = (0, 158, 115)


class LayerPanel(TelemetryPanel):
    """Per-layer curves over training steps on one log-scale plot."""

    field = ""

    def __init__(self, colours: LayerColours | None = None, parent=None) -> None:
        super().__init__(colours, parent)
        self.plot = self._plot(self.key, log=True, left=RateAxis("left"))
        self.curves = LayerCurves(self.plot, log=True, on_new=self._curve_made)

    def _take(self, event) -> bool:
        if not isinstance(event, TelemetrySampled):
            return False
        changed = False
        values = getattr(event, self.field) or {}
        self.colours.see(values)
        for layer, value in values.items():
            if self.curves.add(layer, event.step, value, self.colours.pen(layer)):
                changed = True
        return changed

    def _redraw(self, has_data: bool) -> None:
        self.plot.setVisible(has_data)
        self.curves.redraw()

    def _reset(self) -> None:
        self.curves.clear()

    def has_data(self) -> bool:
        return bool(self.curves.layers())

    def series(self, layer: str) -> tuple[np.ndarray, np.ndarray]:
        return self.curves.shown(layer)


class UpdateRatioPanel(LayerPanel):
    """How much each layer's weights change per step, against the healthy band."""

    key, field = "updates", "update_ratio"

    def __init__(self, colours: LayerColours | None = None, parent=None) -> None:
        super().__init__(colours, parent)
        low, high = (math.log10(v) for v in HEALTHY_BAND)  # the band's place on a log axis
        self.band = pg.LinearRegionItem((low, high), orientation="horizontal", movable=False,
                                        brush=pg.mkBrush(*BAND_COLOUR, 45),
                                        pen=pg.mkPen(None))
        self.band.setZValue(-10)
        self.band.setToolTip(gui_text("telemetry.band_tip"))
        item = self.plot.getPlotItem()
        item.addItem(self.band, ignoreBounds=True)
        middle = pg.InfiniteLine((low + high) / 2, angle=0,
                                 pen=pg.mkPen(BAND_COLOUR, width=1, style=Qt.DashLine),
                                 label=gui_text("telemetry.band_label"),
                                 labelOpts={"position": 0.02, "color": BAND_COLOUR,
                                            "anchors": [(0, 1), (0, 1)]})
        item.addItem(middle, ignoreBounds=True)
        # An invisible curve keeps the band and a decade around it in view.
        self._frame = item.plot([], [], pen=pg.mkPen(0, 0, 0, 0))

    def _redraw(self, has_data: bool) -> None:
        super()._redraw(has_data)
        layers = self.curves.layers()
        if layers:
            x, _y = self.curves.shown(layers[0])
            if len(x):
                self._frame.setData([x[0], x[0]], [HEALTHY_BAND[0] / 10, HEALTHY_BAND[1] * 10])


class GradientPanel(LayerPanel):
    """The size of each layer's gradient and of all of them together."""

    key, field = "gradients", "grad_norm"
    GLOBAL = "__all__"

    def _take(self, event) -> bool:
        changed = super()._take(event)
        if isinstance(event, TelemetrySampled) and self.curves.add(
                self.GLOBAL, event.step, event.global_grad_norm, self._global_pen()):
            changed = True
        return changed

    def _legend_label(self, layer: str) -> str:
        return gui_text("telemetry.all_layers") if layer == self.GLOBAL else layer

    def _global_pen(self):
        if not hasattr(self, "_global"):
            self._global = pg.mkPen(**GLOBAL_PEN)
        return self._global


class UnitsPanel(TelemetryPanel):
    """Shares of dead and of saturated units per layer, from the activation probes."""

    key = "units"
    STATS = ("dead", "saturated")

    def __init__(self, colours: LayerColours | None = None, parent=None) -> None:
        super().__init__(colours, parent)
        self.plots = {stat: self._plot(stat, log=False, left=PercentAxis("left"))
                      for stat in self.STATS}
        self.curves = {stat: LayerCurves(plot, log=False, symbol="o",
                                         on_new=self._curve_made)
                       for stat, plot in self.plots.items()}
        for plot in self.plots.values():
            plot.getPlotItem().setYRange(0, 1)
            plot.getPlotItem().enableAutoRange(y=False)

    def _take(self, event) -> bool:
        if not isinstance(event, TelemetrySampled) or not event.activations:
            return False
        changed = False
        self.colours.see(event.activations)
        for layer, stats in event.activations.items():
            for stat in self.STATS:
                value = (stats or {}).get(stat)
                if self.curves[stat].add(layer, event.step, value, self.colours.pen(layer)):
                    changed = True
        return changed

    def _redraw(self, has_data: bool) -> None:
        for stat, curves in self.curves.items():
            self.plots[stat].setVisible(bool(curves.layers()))
            curves.redraw()

    def _reset(self) -> None:
        for curves in self.curves.values():
            curves.clear()

    def has_data(self) -> bool:
        return any(c.layers() for c in self.curves.values())

    def series(self, stat: str, layer: str) -> tuple[np.ndarray, np.ndarray]:
        return self.curves[stat].shown(layer)


def telemetry_panels() -> list[TelemetryPanel]:
    """The panels the live monitor shows as tabs, in order; their layers share colours."""
    colours = LayerColours()
    return [cls(colours) for cls in (UpdateRatioPanel, GradientPanel, UnitsPanel,
                                     FiltersPanel)]
