"""A read-only Qt table model over a pandas DataFrame, for previews of data files.

Nothing is copied into widgets: ``data()`` reads one cell when the view asks for it, and
the view only asks for the rows it shows, so a frame of a million rows opens at once.
Missing values show as empty cells, floats compactly (six significant digits).

Example:
    >>> view = QTableView()
    >>> view.setModel(FrameModel(frame))
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView


def format_cell(value) -> str:
    """A cell as text: '' for missing, floats with up to six significant digits."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return f"{value:.6g}"
    if isinstance(value, (np.bool_, bool)):
        return "yes" if value else "no"
    return str(value)


class FrameModel(QAbstractTableModel):
    """Shows ``frame`` in a ``QTableView``; the frame is read, never modified."""

    def __init__(self, frame: pd.DataFrame, parent=None) -> None:
        super().__init__(parent)
        self._frame = frame
        self._columns: dict[int, object] = {}  # column arrays, fetched on first use
        self._numeric = [pd.api.types.is_numeric_dtype(dtype) and
                         not pd.api.types.is_bool_dtype(dtype) for dtype in frame.dtypes]

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._frame.shape[1]

    def _column(self, col: int):
        """Column ``col`` for reading cells: a numpy view when the column is stored as one,
        else the column itself (text columns read one cell at a time, not converted whole)."""
        values = self._columns.get(col)
        if values is None:
            series = self._frame.iloc[:, col]
            values = series.to_numpy() if isinstance(series.dtype, np.dtype) \
                and series.dtype != object else series.array
            self._columns[col] = values
        return values

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            try:
                value = self._column(index.column())[index.row()]
            except IndexError:
                return None
            return format_cell(value)
        if role == Qt.TextAlignmentRole:
            horizontal = Qt.AlignRight if self._numeric[index.column()] else Qt.AlignLeft
            return int(horizontal | Qt.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            if 0 <= section < self._frame.shape[1]:
                return str(self._frame.columns[section])
            return None
        return str(section + 1)  # row numbers as a person counts them


def fit_columns(view: QTableView, rows: int = 30, widest: int = 280) -> None:
    """Size each column to its name and its first ``rows`` cells (at most ``widest`` pixels).

    Qt's own ``resizeColumnsToContents`` reads up to a thousand rows per column, which takes
    seconds on a wide frame of a million rows; the first rows are enough for a preview.
    """
    model = view.model()
    if model is None:
        return
    cells = view.fontMetrics()
    names = view.horizontalHeader().fontMetrics()
    pad = 2 * view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 16
    shown = min(rows, model.rowCount())
    for col in range(model.columnCount()):
        width = names.horizontalAdvance(str(model.headerData(col, Qt.Horizontal))) + pad
        for row in range(shown):
            text = model.data(model.index(row, col)) or ""
            width = max(width, cells.horizontalAdvance(text) + pad)
        view.setColumnWidth(col, min(max(width, 60), widest))
