"""The live monitor's "Filters" tab: the first convolution layer's filters as small images.

The engine sends them at each epoch end (``FiltersSampled``), already scaled to [0, 1]; the
panel keeps the latest and, on the monitor's timer, turns them into 8-bit images (for
display only) drawn side by side, scaled up without blurring.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.core import FiltersSampled
from engine.kinds.registry import data_kind
from gui.pages.base import gui_text
from gui.telemetry_base import LayerColours, TelemetryPanel


def filter_images(filters: list) -> list[QImage]:
    """The filters as small 8-bit images (colour for three input channels, else grey of
    the first channel).

    ``filters`` is a list of filters, each ``[row][column][channel]`` with values the
    engine already scaled to [0, 1] (``engine.training.monitor.conv_filters``).
    """
    stack = np.asarray(filters, dtype=float)
    if stack.ndim == 3:
        stack = stack[..., np.newaxis]
    if stack.ndim != 4 or stack.size == 0:
        return []
    pixels = (np.clip(np.nan_to_num(stack), 0.0, 1.0) * 255).round().astype(np.uint8)
    images = []
    for tile in pixels:
        h, w, channels = tile.shape
        if channels == 3:
            data = np.ascontiguousarray(tile)
            image = QImage(data.data, w, h, 3 * w, QImage.Format_RGB888)
        else:
            data = np.ascontiguousarray(tile[..., 0])
            image = QImage(data.data, w, h, w, QImage.Format_Grayscale8)
        images.append(image.copy())  # the copy owns its pixels
    return images


class FilterGrid(QWidget):
    """Small images side by side in rows, scaled up without blurring."""

    GAP = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filterGrid")
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.images: list[QImage] = []

    def set_images(self, images: list[QImage]) -> None:
        self.images = images
        self.setAccessibleName(gui_text("telemetry.filters_accessible", n=len(images)))
        self.update()

    def _cells(self) -> tuple[int, int, int]:
        n = len(self.images)
        columns = min(n, max(1, math.ceil(math.sqrt(2 * n))))  # wider than tall
        rows = math.ceil(n / columns)
        size = min((self.width() - self.GAP) // columns, (self.height() - self.GAP) // rows)
        return columns, rows, max(4, size - self.GAP)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        if not self.images:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
        columns, _rows, cell = self._cells()
        left = max(0, (self.width() - columns * (cell + self.GAP) - self.GAP) // 2)
        painter.setPen(QPen(QColor("#999999"), 1))
        for i, image in enumerate(self.images):
            r, c = divmod(i, columns)
            rect = QRect(left + self.GAP + c * (cell + self.GAP),
                         self.GAP + r * (cell + self.GAP), cell, cell)
            painter.drawImage(rect, image)
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()


class FiltersPanel(TelemetryPanel):
    """The first convolution layer's filters at the last epoch end."""

    key = "filters"

    def __init__(self, colours: LayerColours | None = None, parent=None) -> None:
        super().__init__(colours, parent)
        self.legend_view.hide()
        self.caption = QLabel()
        self.caption.setObjectName("filtersCaption")
        self.grid = FilterGrid()
        column = QVBoxLayout()
        column.addWidget(self.caption)
        column.addWidget(self.grid, 1)
        self.plots_row.addLayout(column)
        self._latest: FiltersSampled | None = None

    def _take(self, event) -> bool:
        if isinstance(event, FiltersSampled):
            self._latest = event
            return True
        return False

    def wanted(self) -> bool:
        return self._latest is not None or (self._seen and data_kind(self._data_kind).image_inputs)

    def _redraw(self, has_data: bool) -> None:
        event = self._latest
        self.grid.set_images(filter_images(event.filters) if event else [])
        self.caption.setVisible(has_data)
        self.grid.setVisible(has_data)
        if event is not None:
            images = self.grid.images
            size = f"{images[0].width()} × {images[0].height()}" if images else "?"
            self.caption.setText(gui_text("telemetry.filters_caption", epoch=event.epoch,
                                          layer=event.layer, n=len(images), size=size))

    def _reset(self) -> None:
        self._latest = None

    def has_data(self) -> bool:
        return self._latest is not None
