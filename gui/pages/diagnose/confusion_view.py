"""The dev confusion matrix of the Error analysis tab: counts, coloured by how large a part
of their true class they are, whose cells open their examples.

Clicking a cell, or moving to it with the arrow keys and pressing Enter, emits
``cell_opened(true_index, predicted_index)``. The counts and shares come from the engine
(``engine.diagnosis.error_analysis.confusion_cells``); this widget only draws them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QAbstractScrollArea, QHeaderView,
                               QSizePolicy, QTableWidget, QTableWidgetItem)

from engine.words import fmt_count, fmt_share
from gui.pages.base import gui_text

RIGHT = QColor("#2f6db5")   # predicted right (the diagonal)
WRONG = QColor("#c8553d")   # mistakes
CELL_WIDTH = 56
MIN_CELL_WIDTH = 34
MAX_CELL_WIDTH = 120
WIDTH_BUDGET = 640  # pixels the cells may take before they narrow


class ConfusionView(QTableWidget):
    """Rows: true class; columns: predicted class."""

    cell_opened = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionView")
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setTabKeyNavigation(False)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractScrollArea.AdjustIgnored)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.cellClicked.connect(self.cell_opened)
        self.activated.connect(lambda index: self.cell_opened.emit(index.row(), index.column()))

    def fill(self, labels: list[str], matrix: Sequence[Sequence[int]],
             shares: Sequence[Sequence[float]]) -> None:
        """Show the counts of ``matrix``; colour each cell by its share of its true class."""
        self.clear()
        n = len(labels)
        metrics = QFontMetrics(self.horizontalHeader().font())
        widest = max((metrics.horizontalAdvance(str(v)) for v in labels), default=0) + 14
        cell = min(max(CELL_WIDTH, widest), MAX_CELL_WIDTH)
        if n * cell > WIDTH_BUDGET:  # many classes: narrower cells, names cut (see tooltips)
            cell = max(MIN_CELL_WIDTH, WIDTH_BUDGET // max(n, 1))
        self.horizontalHeader().setDefaultSectionSize(cell)
        self.setRowCount(n)
        self.setColumnCount(n)
        for k, label in enumerate(labels):
            for setter in (self.setHorizontalHeaderItem, self.setVerticalHeaderItem):
                item = QTableWidgetItem(str(label))
                item.setToolTip(str(label))
                setter(k, item)
        corner = gui_text("error_analysis.confusion_corner")
        self.setToolTip(gui_text("error_analysis.confusion_help"))
        self.horizontalHeader().setToolTip(corner)
        for i in range(n):
            for j in range(n):
                count = matrix[i][j] if i < len(matrix) and j < len(matrix[i]) else 0
                share = shares[i][j] if i < len(shares) and j < len(shares[i]) else 0.0
                item = QTableWidgetItem(fmt_count(count))
                item.setTextAlignment(Qt.AlignCenter)
                base = RIGHT if i == j else WRONG
                if count:
                    colour = QColor(base)
                    colour.setAlphaF(0.12 + 0.88 * float(share))
                    item.setBackground(QBrush(colour))
                    if share > 0.55:
                        item.setForeground(QBrush(QColor("white")))
                tip = gui_text("error_analysis.confusion_cell_tip", count=fmt_count(count),
                               true=labels[i], predicted=labels[j])
                item.setToolTip(f"{tip} ({fmt_share(share)})")
                self.setItem(i, j, item)
        self.resizeRowsToContents()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        for c in range(n):
            self.setColumnWidth(c, cell)
        # As large as the whole matrix: the page scrolls, never the matrix.
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(n))
        width = self.verticalHeader().sizeHint().width() + 2 * self.frameWidth() + n * cell
        self.setFixedSize(width + 2, height + 2)
        self.setCurrentCell(-1, -1)
