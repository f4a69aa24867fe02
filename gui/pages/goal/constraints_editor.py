"""Editing satisfying constraints as rows of "quantity  relation  limit".

Each row is a quantity combo (the task's metrics, then prediction time, parameters and model
size), a relation combo and a number box; ``expressions()`` gives them as the strings the
engine parses (``"recall >= 90%"``, ``"latency_ms <= 50"``). Shares such as recall are
entered in percent. The engine checks every expression; this widget only collects them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QPushButton,
                               QVBoxLayout, QWidget)

from engine.goal import RESOURCE_QUANTITIES, quantity_label, valid_quantities
from engine.goal import COST, find_metric
from engine.project.parts import GoalConstraint
from gui.pages.base import gui_text
from gui.pages.labels import note

OPS = (">=", "<=", ">", "<")
_OP_TEXT = {">=": "op_at_least", "<=": "op_at_most", ">": "op_above", "<": "op_below"}
_RESOURCE_DEFAULTS = {"latency_ms": 50.0, "batch_latency_ms": 500.0, "params": 1_000_000.0,
                      "size_mb": 5.0}


def _is_share(quantity: str) -> bool:
    metric = find_metric(quantity)
    return metric is not None and metric.bounded


def _higher_is_better(quantity: str) -> bool:
    metric = find_metric(quantity)
    return metric is not None and metric.higher_is_better


class ConstraintRow(QWidget):
    """One constraint: quantity, relation, limit and a Remove button."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, quantities: list[str], parent=None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.quantity = QComboBox()
        self.quantity.setObjectName("constraintQuantity")
        self.quantity.setToolTip(gui_text("goal.quantity_tip"))
        self.quantity.setAccessibleName(gui_text("goal.quantity_tip"))
        for name in quantities:
            self.quantity.addItem(quantity_label(name), name)
        self.op = QComboBox()
        self.op.setObjectName("constraintOp")
        for op in OPS:
            self.op.addItem(f"{gui_text('goal.' + _OP_TEXT[op])} ({op})", op)
        self.bound = QDoubleSpinBox()
        self.bound.setObjectName("constraintBound")
        self.bound.setToolTip(gui_text("goal.bound_tip"))
        self.bound.setMinimumWidth(140)
        self.remove = QPushButton(gui_text("goal.remove_constraint"))
        self.remove.setObjectName("removeConstraintButton")
        self.remove.setToolTip(gui_text("goal.remove_tip"))
        self.quantity.setMinimumWidth(280)
        self.op.setMinimumWidth(150)
        row.addWidget(self.quantity)
        row.addWidget(self.op)
        row.addWidget(self.bound)
        row.addWidget(self.remove)
        row.addStretch(1)
        self.quantity.currentIndexChanged.connect(self._quantity_changed)
        self.op.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.bound.valueChanged.connect(lambda _v: self.changed.emit())
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._quantity_changed()

    def focus_widgets(self) -> list[QWidget]:
        return [self.quantity, self.op, self.bound, self.remove]

    def name(self) -> str:
        return self.quantity.currentData()

    def _quantity_changed(self, _index: int = 0) -> None:
        name = self.name()
        box = self.bound
        box.blockSignals(True)
        if _is_share(name):
            box.setRange(0.0, 100.0)
            box.setDecimals(1)
            box.setSuffix(" %")
            box.setValue(90.0)
        elif name in RESOURCE_QUANTITIES:
            box.setRange(0.0, 1e12)
            box.setDecimals(0 if name == "params" else 2)
            box.setSuffix({"latency_ms": " ms", "batch_latency_ms": " ms",
                           "size_mb": " MB"}.get(
                name, gui_text("goal.unit_parameters")))
            box.setValue(_RESOURCE_DEFAULTS[name])
        else:  # a metric in its own units (a cost cannot be below zero)
            box.setRange(0.0 if name == COST else -1e9, 1e9)
            box.setDecimals(4)
            box.setSuffix("")
            box.setValue(0.5 if _higher_is_better(name) else 1.0)
        box.blockSignals(False)
        self.set_op(">=" if _higher_is_better(name) else "<=")
        self.changed.emit()

    def set_op(self, op: str) -> None:
        self.op.setCurrentIndex(max(0, self.op.findData(op)))

    def set_values(self, quantity: str, op: str, bound: float) -> None:
        index = self.quantity.findData(quantity)
        if index < 0:  # a quantity this task does not offer: keep it visible all the same
            self.quantity.addItem(quantity_label(quantity), quantity)
            index = self.quantity.count() - 1
        self.quantity.setCurrentIndex(index)
        self._quantity_changed()
        self.set_op(op)
        self.bound.setValue(bound * 100.0 if _is_share(quantity) else bound)

    def expression(self) -> str:
        """The row as the engine reads it, e.g. ``"recall >= 90%"``."""
        name, op, value = self.name(), self.op.currentData(), self.bound.value()
        if _is_share(name):
            return f"{name} {op} {value:g}%"
        return f"{name} {op} {value:.10g}"


class ConstraintsEditor(QWidget):
    """A list of ``ConstraintRow`` with an "Add a constraint" button below."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("constraintsEditor")
        self._task: str | None = None
        self._costs = False  # the goal has a cost table: the expected cost may be limited
        self.rows: list[ConstraintRow] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.none_label = note(gui_text("goal.constraints_none"), "constraintsNone")
        outer.addWidget(self.none_label)
        self.row_box = QVBoxLayout()
        outer.addLayout(self.row_box)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(gui_text("goal.add_constraint"))
        self.add_button.setObjectName("addConstraintButton")
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.add_button.clicked.connect(self._add_clicked)

    def set_task(self, task: str, costs: bool | None = None) -> None:
        """Offer the quantities of ``task`` (with ``costs``, the expected cost too; None:
        as before); rows that no longer fit are removed."""
        costs = self._costs if costs is None else bool(costs)
        if task == self._task and costs == self._costs:
            return
        self._task, self._costs = task, costs
        valid = set(self._quantities())
        kept = [(r.name(), r.op.currentData(), r.bound.value()) for r in self.rows
                if r.name() in valid]
        kept = [(q, op, v / 100.0 if _is_share(q) else v) for q, op, v in kept]
        self.set_constraints([GoalConstraint(q, op, b) for q, op, b in kept])

    def set_constraints(self, constraints: Sequence[GoalConstraint]) -> None:
        """Show ``constraints`` (the goal's)."""
        for row in list(self.rows):
            self._remove(row, emit=False)
        for c in constraints:
            row = self.add_row()
            row.set_values(c.quantity, c.op, float(c.bound))
        self._update()

    def add_row(self) -> ConstraintRow:
        row = ConstraintRow(self._quantities(), self)
        # New rows go into the tab order just before the Add button, not at the window's end.
        previous = self.add_button.previousInFocusChain()
        for widget in row.focus_widgets():
            QWidget.setTabOrder(previous, widget)
            previous = widget
        QWidget.setTabOrder(previous, self.add_button)
        row.changed.connect(self.changed)
        row.remove_requested.connect(self._remove)
        self.row_box.addWidget(row)
        row.show()
        self.rows.append(row)
        self._update()
        return row

    def _quantities(self) -> list[str]:
        return valid_quantities(self._task or "binary", True if self._costs else None)

    def _add_clicked(self) -> None:
        row = self.add_row()
        row.quantity.setFocus()
        self.changed.emit()

    def _remove(self, row: ConstraintRow, emit: bool = True) -> None:
        index = self.rows.index(row)
        self.rows.remove(row)
        self.row_box.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._update()
        if emit:
            target = self.rows[min(index, len(self.rows) - 1)].remove if self.rows \
                else self.add_button
            target.setFocus()
            self.changed.emit()

    def _update(self) -> None:
        self.none_label.setVisible(not self.rows)

    def expressions(self) -> list[str]:
        """Every row as an expression string, in order."""
        return [row.expression() for row in self.rows]
