"""Several labellers on the Goal page: before the project exists, which columns are labels
of the same thing (a tick, then a checkable list of the columns); once it exists, how often
one person disagrees with the others (the human-level error) and what people mix up (the
labeller confusion matrix). The engine computes everything (``engine.goal.labellers``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHeaderView, QListWidget,
                               QListWidgetItem, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from engine.goal import confusion_table, labellers_lines
from gui.pages.base import gui_text
from gui.pages.labels import heading, note

ROW_HEIGHT = 24


class LabellersChoice(QWidget):
    """"Several people labelled the same thing" and, when ticked, the columns to tick."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(gui_text("goal.labellers.check"))
        self.check.setObjectName("labellersCheck")
        self.check.setToolTip(gui_text("goal.labellers.tip"))
        self.hint = note(gui_text("goal.labellers.hint"), "labellersHint", muted=True)
        self.list = QListWidget()
        self.list.setObjectName("labellersList")
        self.list.setSelectionMode(QAbstractItemView.NoSelection)
        self.status = note(name="labellersStatus")
        for w in (self.check, self.hint, self.list, self.status):
            layout.addWidget(w)
        self.check.toggled.connect(self._toggled)
        self.list.itemChanged.connect(lambda _item: self._changed())
        self._toggled(False)

    def set_columns(self, names: list[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.list.addItem(item)
        row = self.list.sizeHintForRow(0) if names else ROW_HEIGHT
        self.list.setFixedHeight(min(8, max(len(names), 1)) * row + 2 * self.list.frameWidth()
                                 + 4)
        self.list.blockSignals(False)
        self.check.setChecked(False)

    def tick(self, names) -> None:
        """Tick the box and the columns ``names`` (as a user would)."""
        self.check.setChecked(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.Checked if item.text() in names else Qt.Unchecked)

    def columns(self) -> tuple[str, ...]:
        """The ticked label columns; empty unless the box is ticked and two or more are."""
        if not self.check.isChecked():
            return ()
        names = tuple(self.list.item(i).text() for i in range(self.list.count())
                      if self.list.item(i).checkState() == Qt.Checked)
        return names if len(names) >= 2 else ()

    def _toggled(self, on: bool) -> None:
        self.hint.setVisible(on)
        self.list.setVisible(on)
        self.status.setVisible(on)
        self._changed()

    def _changed(self) -> None:
        names = self.columns()
        self.status.setText(gui_text("goal.labellers.chosen", columns=", ".join(names))
                            if names else gui_text("goal.labellers.need_two"))
        self.changed.emit()


class LabellersView(QWidget):
    """The human-level error of an open project's labellers and their confusion matrix."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(heading("goal.labellers.heading"))
        self.lines = note(name="labellersLines")
        self.lines.setTextFormat(Qt.PlainText)
        self.table = QTableWidget()
        self.table.setObjectName("labellersMatrix")
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.matrix_note = note(gui_text("goal.labellers.matrix_note"), muted=True)
        for w in (self.lines, self.table, self.matrix_note):
            layout.addWidget(w)

    def show_goal(self, goal) -> None:
        h = goal.labellers if goal is not None else None
        self.setVisible(h is not None)
        if h is None:
            return
        self.lines.setText("\n\n".join(labellers_lines(h, goal.target_error)))
        rows = confusion_table(h)
        has_matrix = len(rows) > 1
        self.table.setVisible(has_matrix)
        self.matrix_note.setVisible(has_matrix)
        if not has_matrix:
            return
        classes = rows[0][1:]
        self.table.setRowCount(len(classes))
        self.table.setColumnCount(len(classes))
        self.table.setHorizontalHeaderLabels([gui_text("goal.labellers.said", name=c)
                                              for c in classes])
        self.table.setVerticalHeaderLabels([gui_text("goal.labellers.others", name=c)
                                            for c in classes])
        for i, row in enumerate(rows[1:]):
            for j, cell in enumerate(row[1:]):
                item = QTableWidgetItem(cell)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if i == j:
                    item.setForeground(Qt.darkGreen)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + frame
                                  + sum(self.table.rowHeight(i) for i in range(len(classes))))
        self.table.setFixedWidth(self.table.verticalHeader().sizeHint().width() + frame
                                 + sum(self.table.columnWidth(j) for j in range(len(classes))))
