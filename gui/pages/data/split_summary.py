"""What a split made, on the Data page: the vault's state, rows per set with the share and
the file it came from, notes, and the classes in each set. Shown from ``project.split``."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.split import SPLITS
from gui.pages.base import gui_text
from gui.pages.labels import heading, note


def readable_date(iso: str) -> str:
    try:
        return _dt.datetime.fromisoformat(iso).strftime("%d %B %Y at %H:%M")
    except (TypeError, ValueError):
        return str(iso)


def lock_pixmap(opened: bool, size: int = 28) -> QPixmap:
    """A padlock drawn with the painter (no emoji font needed); open or shut."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    color = QColor("#2e7d32" if opened else "#8a5a00")
    pen = QPen(color, size * 0.11)
    painter.setPen(pen)
    shackle = QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5)
    if opened:
        shackle.translate(size * 0.2, -size * 0.06)
        painter.drawArc(shackle, 0, 180 * 16)
        painter.drawLine(shackle.right(), shackle.center().y(), shackle.right(), size * 0.45)
    else:
        painter.drawArc(shackle, 0, 180 * 16)
        painter.drawLine(shackle.left(), shackle.center().y(), shackle.left(), size * 0.45)
        painter.drawLine(shackle.right(), shackle.center().y(), shackle.right(), size * 0.45)
    painter.setPen(Qt.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(size * 0.14, size * 0.42, size * 0.72, size * 0.52), 3, 3)
    painter.setBrush(QColor("white"))
    painter.drawEllipse(QRectF(size * 0.44, size * 0.56, size * 0.12, size * 0.16))
    painter.end()
    return pixmap


def _table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.NoSelection)
    table.setFocusPolicy(Qt.TabFocus)
    table.setTabKeyNavigation(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setMinimumSectionSize(90)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    return table


def _cell(value: str, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(value)
    if number:
        item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return item


def _fit(table: QTableWidget) -> None:
    """Size a short table to its cells: every row shown, no empty stretch to the right."""
    table.resizeColumnsToContents()
    table.resizeRowsToContents()
    frame = 2 * table.frameWidth()
    header = table.horizontalHeader()
    height = header.sizeHint().height() + frame
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    width = table.verticalHeader().sizeHint().width() + frame + 2
    width += sum(table.columnWidth(c) for c in range(table.columnCount()))
    table.setFixedHeight(height)
    table.setMaximumWidth(width)


class SplitSummary(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(heading("data.summary_heading"))
        self.vault_box = QFrame()
        self.vault_box.setObjectName("vaultBox")
        self.vault_box.setStyleSheet("QFrame#vaultBox { border-radius: 4px;"
                                     " background: #fdf3dc; border: 1px solid #e0c27a; }")
        vault_row = QHBoxLayout(self.vault_box)
        vault_row.setContentsMargins(12, 8, 12, 8)
        self.vault_icon = QLabel()
        self.vault_icon.setObjectName("vaultIcon")
        self.vault = QLabel()
        self.vault.setObjectName("vaultLabel")
        self.vault.setProperty("role", "vault")
        self.vault.setWordWrap(True)
        vault_row.addWidget(self.vault_icon)
        vault_row.addWidget(self.vault, 1)
        outer.addWidget(self.vault_box)
        self.stale = note(name="splitStale", role="warning")
        outer.addWidget(self.stale)
        self.sizes = _table("splitTable")
        self.sizes.setColumnCount(3)
        self.sizes.setHorizontalHeaderLabels([gui_text("data.col_rows"),
                                              gui_text("data.col_share"),
                                              gui_text("data.col_source")])
        outer.addWidget(self.sizes)
        self.notes = note(name="splitNotes")
        outer.addWidget(self.notes)
        self.balance_heading = heading("data.balance_heading")
        outer.addWidget(self.balance_heading)
        self.balance = _table("balanceTable")
        outer.addWidget(self.balance)

    def show_split(self, project, stale: bool) -> None:
        split = project.split
        sizes = split.sizes
        fractions = split.fractions.to_dict() if split.fractions is not None else {}
        sources = split.sources
        opened = project.vault_open
        if opened:
            self.vault.setText(gui_text("data.vault_open",
                                        date=readable_date(project.vault.opened_at)))
        else:
            self.vault.setText(gui_text("data.vault_locked", n=f"{sizes.get('test', 0):,}"))
        self.vault_icon.setPixmap(lock_pixmap(opened))
        self.vault_icon.setProperty("locked", not opened)
        self.vault_icon.setAccessibleName(gui_text("data.vault_open_name" if opened
                                                   else "data.vault_locked_name"))
        self.stale.setText(gui_text("data.stale"))
        self.stale.setVisible(stale)

        names = [gui_text(f"data.name_{name}") for name in SPLITS]
        self.sizes.setRowCount(len(SPLITS))
        self.sizes.setVerticalHeaderLabels(names)
        for row, name in enumerate(SPLITS):
            self.sizes.setItem(row, 0, _cell(f"{sizes.get(name, 0):,}", number=True))
            share = fractions.get(name)
            self.sizes.setItem(row, 1, _cell("" if share is None else f"{share:.1%}",
                                             number=True))
            self.sizes.setItem(row, 2, _cell(self._source_text(project, sources.get(name))))
        _fit(self.sizes)

        notes = list(split.notes)
        if split.dropped_missing_target:
            notes.append(gui_text("data.dropped", n=split.dropped_missing_target))
        if split.class_balance is not None and split.stratified:
            notes.insert(0, gui_text("data.stratified"))  # when not, the engine's notes say so
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self._show_balance(split.class_balance, names)

    @staticmethod
    def _source_text(project, role: str | None) -> str:
        source = project.source(role) if role else None
        if source is None:
            return ""
        # text keys: gui.data.source_{main,target}
        return gui_text(f"data.source_{role}", name=Path(source.path).name)

    def _show_balance(self, balance: dict | None, names: list[str]) -> None:
        self.balance_heading.setVisible(bool(balance))
        self.balance.setVisible(bool(balance))
        if not balance:
            return
        labels: list[str] = []
        for name in SPLITS:
            for label in balance.get(name, {}):
                if label not in labels:
                    labels.append(label)
        self.balance.clear()
        self.balance.setRowCount(len(SPLITS))
        self.balance.setColumnCount(len(labels))
        self.balance.setHorizontalHeaderLabels(labels)
        self.balance.setVerticalHeaderLabels(names)
        for row, name in enumerate(SPLITS):
            counts = balance.get(name, {})
            total = sum(counts.values()) or 1
            for col, label in enumerate(labels):
                count = counts.get(label, 0)
                text = gui_text("data.balance_cell", count=f"{count:,}",
                                share=f"{count / total:.0%}")
                self.balance.setItem(row, col, _cell(text, number=True))
        _fit(self.balance)
