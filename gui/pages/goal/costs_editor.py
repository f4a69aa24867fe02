"""The optional cost table of the Goal page: what each kind of mistake costs.

Off until the user ticks "I know what mistakes cost". For a yes/no task it asks two
amounts, what a false alarm costs and what a miss costs; for several classes it shows a
grid with one row per true class and one column per answer (a right answer, on the
diagonal, usually costs 0). A unit word ("euros", "hours") goes with the amounts. The
widget only collects the table; the page saves it through ``engine.goal.edit.set_costs``,
which checks it. The notes under the table are the engine's own checks of it
(``engine.goal.cost_table.check_table``: a right answer that costs something, no mistake
that costs anything).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from engine.core.errors import PracticaError
from engine.goal import check_table, false_alarm_and_miss
from engine.project.parts import CostTable, Goal
from gui.pages.base import gui_text
from gui.pages.labels import LABEL_WIDTH, note, set_role

MOST = 1e9
"""The largest amount a box takes."""


def _amount_box(name: str, value: float, accessible: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(0.0, MOST)
    box.setDecimals(2)
    box.setSingleStep(1.0)
    box.setValue(value)
    box.setMinimumWidth(130)
    box.setAccessibleName(accessible)
    box.setToolTip(accessible)
    return box


class CostsEditor(QWidget):
    """The "I know what mistakes cost" box, the unit, and the amounts."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("costsEditor")
        self._goal: Goal | None = None
        self._shape: tuple = ()  # the classes the boxes were made for
        self.cells: dict[tuple[int, int], QDoubleSpinBox] = {}
        self.false_alarm: QDoubleSpinBox | None = None
        self.miss: QDoubleSpinBox | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(gui_text("goal.costs.check"))
        self.check.setObjectName("costsCheck")
        self.check.setToolTip(gui_text("goal.costs.check_tip"))
        outer.addWidget(self.check)
        outer.addWidget(note(gui_text("goal.costs.hint"), name="costsHint", muted=True))
        self.body = QWidget()
        self.body.setObjectName("costsBody")
        body = QVBoxLayout(self.body)
        body.setContentsMargins(LABEL_WIDTH // 3, 0, 0, 0)
        unit_row = QHBoxLayout()
        self.unit = QLineEdit()
        self.unit.setObjectName("costsUnit")
        self.unit.setPlaceholderText(gui_text("goal.costs.unit_placeholder"))
        self.unit.setMaxLength(30)
        self.unit.setMaximumWidth(200)
        self.unit.setToolTip(gui_text("goal.costs.unit_tip"))
        self.unit.setAccessibleName(gui_text("goal.costs.unit_label").replace("&", ""))
        unit_label = QLabel(gui_text("goal.costs.unit_label"))
        unit_label.setBuddy(self.unit)
        unit_row.addWidget(unit_label)
        unit_row.addWidget(self.unit)
        unit_row.addWidget(note(gui_text("goal.costs.unit_tip"), muted=True), 1)
        body.addLayout(unit_row)
        self.table_box = QWidget()
        self.table_box.setObjectName("costsTable")
        self.grid = QGridLayout(self.table_box)
        self.grid.setContentsMargins(0, 4, 0, 4)
        self.grid.setHorizontalSpacing(10)
        body.addWidget(self.table_box)
        self.message = note(name="costsMessage")
        body.addWidget(self.message)
        outer.addWidget(self.body)
        self.body.setVisible(False)
        self.check.toggled.connect(self._toggled)
        self.unit.textChanged.connect(self._unit_changed)

    # ----- filling
    def set_goal(self, goal: Goal | None) -> None:
        """Show the cost table of ``goal`` (the boxes for its classes; off without costs).
        A task without classes hides the whole editor."""
        self._goal = goal
        classes = goal is not None and goal.is_classification and len(goal.labels) >= 2
        self.setVisible(classes)
        shape = (tuple(goal.labels), goal.positive_label) if classes else ()
        if shape != self._shape:  # new boxes only for other classes
            self._shape = shape
            self._build()
        costs = goal.costs if classes else None
        self.check.blockSignals(True)
        self.check.setChecked(costs is not None)
        self.check.blockSignals(False)
        self.body.setVisible(costs is not None)
        self.unit.blockSignals(True)
        self.unit.setText(costs.unit if costs is not None else "")
        self.unit.blockSignals(False)
        self._unit_changed(emit=False)
        if costs is not None and tuple(costs.labels) == tuple(goal.labels):
            self._show_table(costs)
        self._update_message()

    def _build(self) -> None:
        """The amount boxes for the goal's classes, in reading order for the Tab key."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # out of findChild's reach at once
                widget.deleteLater()
        self.cells, self.false_alarm, self.miss = {}, None, None
        goal = self._goal
        if goal is None or not goal.is_classification or len(goal.labels) < 2:
            return
        boxes: list[QWidget] = []
        if self._yes_no():
            yes = goal.positive_label
            no = next(label for label in goal.labels if label != yes)
            self.false_alarm = _amount_box("falseAlarmCost", 1.0, gui_text(
                "goal.costs.false_alarm_label", yes=yes, no=no).replace("&", ""))
            self.miss = _amount_box("missCost", 1.0, gui_text(
                "goal.costs.miss_label", yes=yes, no=no).replace("&", ""))
            for row, (key, box) in enumerate((("false_alarm", self.false_alarm),
                                              ("miss", self.miss))):
                # text keys: gui.goal.costs.false_alarm_label, gui.goal.costs.miss_label
                label = QLabel(gui_text(f"goal.costs.{key}_label", yes=yes, no=no))
                label.setBuddy(box)
                self.grid.addWidget(label, row, 0)
                self.grid.addWidget(box, row, 1)
                boxes.append(box)
            self.grid.setColumnStretch(2, 1)
        else:
            corner = QLabel(gui_text("goal.costs.corner"))
            corner.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(corner, 0, 0)
            for j, answer in enumerate(goal.labels):
                head = QLabel(gui_text("goal.costs.answer", label=answer))
                head.setAlignment(Qt.AlignCenter)
                self.grid.addWidget(head, 0, j + 1)
            for i, truth in enumerate(goal.labels):
                self.grid.addWidget(QLabel(gui_text("goal.costs.truth", label=truth)), i + 1, 0)
                for j, answer in enumerate(goal.labels):
                    box = _amount_box(f"cost_{i}_{j}", 0.0 if i == j else 1.0, gui_text(
                        "goal.costs.cell", truth=truth, answer=answer))
                    box.setMinimumWidth(110)
                    self.cells[(i, j)] = box
                    self.grid.addWidget(box, i + 1, j + 1)
                    boxes.append(box)
            self.grid.setColumnStretch(len(goal.labels) + 1, 1)
        self._unit_changed(emit=False)
        previous: QWidget = self.unit
        for box in boxes:
            box.valueChanged.connect(self._edited)
            QWidget.setTabOrder(previous, box)
            previous = box

    def _show_table(self, table: CostTable) -> None:
        goal = self._goal
        if self._yes_no():
            alarm, miss = false_alarm_and_miss(table, goal.positive_label)
            for box, value in ((self.false_alarm, alarm), (self.miss, miss)):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
            return
        for (i, j), box in self.cells.items():
            box.blockSignals(True)
            box.setValue(float(table.matrix[i][j]))
            box.blockSignals(False)

    # ----- reading
    def table(self) -> CostTable | None:
        """The table as entered, or None when the box is not ticked (no costs)."""
        goal = self._goal
        if goal is None or not self.check.isChecked() or not goal.is_classification \
                or len(goal.labels) < 2:
            return None
        labels = tuple(goal.labels)
        unit = " ".join(self.unit.text().split())
        if self._yes_no():
            yes = labels.index(goal.positive_label)
            matrix = [[0.0, 0.0], [0.0, 0.0]]
            matrix[1 - yes][yes] = self.false_alarm.value()
            matrix[yes][1 - yes] = self.miss.value()
        else:
            n = len(labels)
            matrix = [[self.cells[(i, j)].value() for j in range(n)] for i in range(n)]
        return CostTable(labels, tuple(tuple(float(v) for v in r) for r in matrix), unit)

    # ----- behaviour
    def _yes_no(self) -> bool:
        goal = self._goal
        return goal is not None and len(goal.labels) == 2 and goal.positive_label in goal.labels

    def _toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        if on and self.check.hasFocus():
            self.unit.setFocus()
        self._update_message()
        self.changed.emit()

    def _boxes(self) -> list[QDoubleSpinBox]:
        return [b for b in (self.false_alarm, self.miss, *self.cells.values()) if b is not None]

    def _unit_changed(self, *_args, emit: bool = True) -> None:
        """The unit follows every amount ("2.00 euros")."""
        unit = " ".join(self.unit.text().split())
        for box in self._boxes():
            box.setSuffix(f" {unit}" if unit else "")
        if emit:
            self._edited()

    def _edited(self, *_args) -> None:
        self._update_message()
        self.changed.emit()

    def _update_message(self) -> None:
        """The engine's checks of the table as entered: its warnings, or what it refuses."""
        table = self.table() if self.check.isChecked() else None
        words, warning = "", False
        if table is not None:
            try:
                found = check_table(self._goal, table)
            except PracticaError as exc:
                found, warning = [str(exc)], True
            words = " ".join(found)
            warning = warning or bool(found)
        self.message.setText(words)
        self.message.setVisible(bool(words))
        set_role(self.message, "warning" if warning else "")
