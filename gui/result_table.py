"""A read-only table of results: rows of already formatted strings, sized to show them all.

Pages hand it headers and cells they took from the project (numbers formatted by the
engine's report helpers); it computes nothing. The table grows to its rows so the page,
not the table, scrolls, and it stays keyboard-reachable (Tab in, arrows to move).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (QAbstractItemView, QAbstractScrollArea, QHeaderView,
                               QSizePolicy, QTableWidget, QTableWidgetItem)

from engine.core import text


class ResultTable(QTableWidget):
    """A table that shows strings; ``fill`` replaces everything it shows.

    Example:
        >>> table = ResultTable("runsTable")
        >>> table.fill(["Model", "Dev error"], [["Linear", "12.00%"]], numeric={1})
    """

    def __init__(self, object_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        # The table is as large as its contents: the page scrolls, never the table.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizeAdjustPolicy(QAbstractScrollArea.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)

    def fill(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
             numeric: Iterable[int] = (), bold_rows: Iterable[int] = (),
             tips: dict[tuple[int, int], str] | None = None,
             wrap: dict[int, int] | None = None) -> None:
        """Show ``rows`` under ``headers``.

        Args:
            headers: the column titles.
            rows: one list of strings per row.
            numeric: columns whose cells are right-aligned.
            bold_rows: rows written in bold (e.g. the optimizing metric).
            tips: tooltips by (row, column).
            wrap: columns whose text wraps onto more lines past a width in pixels
                (e.g. long model names); the others are as wide as their contents.
        """
        numeric, bold_rows, tips = set(numeric), set(bold_rows), tips or {}
        self.clear()
        self.setColumnCount(len(headers))
        self.setRowCount(len(rows))
        for c, title in enumerate(headers):
            item = QTableWidgetItem(str(title))
            align = Qt.AlignRight if c in numeric else Qt.AlignLeft
            item.setTextAlignment(align | Qt.AlignVCenter)
            self.setHorizontalHeaderItem(c, item)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(str(value))
                align = Qt.AlignRight if c in numeric else Qt.AlignLeft
                item.setTextAlignment(align | Qt.AlignVCenter)
                if r in bold_rows:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if (r, c) in tips:
                    item.setToolTip(tips[(r, c)])
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        for c in range(len(headers)):
            header.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        self.resizeColumnsToContents()
        for c, width in (wrap or {}).items():
            if c < len(headers) and self.columnWidth(c) > width:
                header.setSectionResizeMode(c, QHeaderView.Interactive)
                self.setColumnWidth(c, width)
        self.resizeRowsToContents()
        self.setCurrentCell(-1, -1)
        self.setFixedHeight(self._content_height())
        self.updateGeometry()

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def _content_height(self) -> int:
        height = self.horizontalHeader().sizeHint().height()
        for r in range(self.rowCount()):
            height += self.rowHeight(r)
        return height + 2 * self.frameWidth()


def vault_marked(label: str, after_vault: bool) -> str:
    """``label``, marked "made after seeing the test set" when its run was trained after the
    vault was opened (``RunRecord.after_vault``); every table and list of runs uses it."""
    return f"{label} ({text('gui.vault_mark.after')})" if after_vault else label


def vault_tip() -> str:
    """The tooltip of a run marked by ``vault_marked``."""
    return text("gui.vault_mark.tip")


def settle_layout() -> None:
    """Lay out now what changed size, instead of at the next turn of the event loop, so a
    page never shows (or a screenshot never catches) tables over the widgets below them."""
    QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
