"""Pieces the live monitor's plots share: a growing buffer, axes and the plot's look.

``GrowingSeries`` holds (x, y) points in preallocated arrays that double when full, so an
event only writes two numbers; a timer hands the filled part to a curve. The axes keep
ticks readable for people (whole steps, 1-2-5 rate labels, percentages), and
``styled_plot`` gives every monitor plot the same frame, grid and labels.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt


class GrowingSeries:
    """(x, y) points in preallocated arrays that double when full.

    ``data()`` returns views of the filled part; a cleared series gets fresh arrays, so a
    view handed to a curve earlier is never overwritten.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self.clear()

    def clear(self) -> None:
        self._x = np.empty(self._capacity)
        self._y = np.empty(self._capacity)
        self._n = 0

    def append(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            self._x = np.concatenate([self._x, np.empty(len(self._x))])
            self._y = np.concatenate([self._y, np.empty(len(self._y))])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[:self._n], self._y[:self._n]


class WholeNumberAxis(pg.AxisItem):
    """A bottom axis for epochs and steps: ticks only at whole numbers."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1]
        return levels or [(1.0, 0.0)]


class RateAxis(pg.AxisItem):
    """A log-scale axis labelled only at 1, 2 and 5 times a power of ten (pyqtgraph labels
    every minor tick when the range is under one decade)."""

    def tickStrings(self, values, scale, spacing):
        strings = super().tickStrings(values, scale, spacing)
        if not self.logMode:
            return strings
        return [text if round(10 ** (v - math.floor(v + 1e-9)), 6) in (1.0, 2.0, 5.0) else ""
                for v, text in zip(values, strings)]


class PercentAxis(pg.AxisItem):
    """A left axis for shares (0 to 1) written as percentages."""

    def tickStrings(self, values, scale, spacing):
        return [f"{v * 100:.0f} %" for v in values]


def styled_plot(title: str, x_label: str, y_label: str | None = None, *,
                left: pg.AxisItem | None = None, bottom: pg.AxisItem | None = None,
                log_y: bool = False, long_curve: bool = False, still: bool = False,
                min_size: tuple[int, int] = (260, 180)) -> pg.PlotWidget:
    """A white plot with Practica's frame, grid and axis labels.

    Args:
        title, x_label, y_label: plain words shown on the plot.
        left: a custom left axis (e.g. ``RateAxis``, ``PercentAxis``).
        bottom: a custom bottom axis; default: whole numbers (epochs, steps).
        log_y: a log-scale y axis.
        long_curve: clip to the view and downsample (curves with thousands of points).
        still: a finished result, not a live view: no panning, zooming, menu or focus.
        min_size: the plot's smallest width and height in pixels.
    """
    axes = {"bottom": bottom if bottom is not None else WholeNumberAxis("bottom")}
    if left is not None:
        axes["left"] = left
    widget = pg.PlotWidget(background="w", axisItems=axes)
    widget.setMinimumSize(*min_size)
    if still:
        widget.setMouseEnabled(x=False, y=False)
        widget.setMenuEnabled(False)
        widget.setFocusPolicy(Qt.NoFocus)
    item = widget.getPlotItem()
    item.setTitle(title, color="#222", size="10pt")
    item.showGrid(x=True, y=True, alpha=0.15)
    item.getViewBox().setDefaultPadding(0.05)  # end points are not cut by the frame
    item.hideButtons()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setPen("#888")
        axis.setTextPen("#333")
        axis.enableAutoSIPrefix(False)  # "800 (x0.001)" means nothing to a non-programmer
    item.setLabel("bottom", x_label, color="#333")
    if y_label:
        item.setLabel("left", y_label, color="#333")
    if log_y:
        item.setLogMode(y=True)
    if long_curve:
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
    return widget


def named_series(plot: pg.PlotWidget) -> dict[str, tuple[list, list]]:
    """The (x, y) data of each named curve of ``plot``, as drawn (for tests)."""
    out = {}
    for entry in plot.getPlotItem().listDataItems():
        if entry.name():
            x, y = entry.getOriginalDataset()
            out[entry.name()] = (list(x), list(y))
    return out
