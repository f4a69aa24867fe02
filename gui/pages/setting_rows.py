"""Rows of settings the way the Baseline page shows them: a label (Alt + its underlined
letter focuses the field), the field with a plain tooltip, and the recommended value beside
it. ``SettingsForm`` keeps the rows by name so a page can show, hide or reset them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from gui.pages.base import gui_text


def int_spin(name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setGroupSeparatorShown(True)
    return spin


def rate_spin(name: str, value: float, low: float = 0.00001, high: float = 1.0,
              decimals: int = 5) -> QDoubleSpinBox:
    """A spin box for small positive numbers; the arrows change the last shown digit."""
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
    spin.setValue(value)
    return spin


def choice_combo(name: str, items: list[tuple[str, object]]) -> QComboBox:
    """A combo of (plain text, value) items."""
    combo = QComboBox()
    combo.setObjectName(name)
    for label, value in items:
        combo.addItem(label, value)
    return combo


def check_box(name: str, label: str) -> QCheckBox:
    """A yes-or-no setting, off at first."""
    box = QCheckBox(label)
    box.setObjectName(name)
    return box


def value_of(widget: QWidget):
    """The value a settings field holds (a combo's item data, a check box's yes or no)."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    return widget.value()


def set_value(widget: QWidget, value) -> None:
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    else:
        widget.setValue(value)


class SettingsForm:
    """A ``QFormLayout`` of named setting rows with their recommended marks.

    Args:
        form: the layout to fill.
        prefix: where the texts live: ``gui.<prefix>.<name>`` is the label,
            ``<name>_tip`` the tooltip.
    """

    def __init__(self, form: QFormLayout, prefix: str) -> None:
        self.form = form
        self.prefix = prefix
        self.fields: dict[str, QWidget] = {}
        self.marks: dict[str, QLabel] = {}
        self._rows: dict[str, QWidget] = {}

    def add(self, name: str, field: QWidget, shown_default: str,
            extra: QWidget | None = None, below: QWidget | None = None) -> QWidget:
        """Add row ``name`` with ``field``; ``shown_default`` is the recommended value as
        text; ``extra`` goes after the field (a button, say), ``below`` under it (a note).
        Returns the row's widget right of the label."""
        # text keys: gui.deep.{kind,kind_tip,epochs,epochs_tip,width,width_tip,depth,depth_tip}
        # text keys: gui.deep.{learning_rate,learning_rate_tip,optimizer,optimizer_tip,schedule}
        # text keys: gui.deep.{schedule_tip,batch_size,batch_size_tip,patience,patience_tip}
        # text keys: gui.deep.{imbalance,imbalance_tip,augment,augment_tip,transfer,transfer_tip}
        # text keys: gui.deep.{transfer_mode,transfer_mode_tip,freeze_layers,freeze_layers_tip}
        # text keys: gui.deep.{flip_keeps_label,flip_keeps_label_tip,rotate_keeps_label}
        # text keys: gui.deep.rotate_keeps_label_tip
        # text keys: gui.deep.{hard_examples,hard_examples_tip,mixed_precision,mixed_precision_tip}
        field.setToolTip(gui_text(f"{self.prefix}.{name}_tip"))
        mark = QLabel()
        mark.setObjectName(f"{name}Recommended")
        mark.setProperty("role", "recommended")
        self.marks[name] = mark
        self.set_recommended(name, shown_default)
        line = QWidget()
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(mark)
        layout.addStretch(1)
        if below is not None:
            column = QVBoxLayout()
            column.setContentsMargins(0, 0, 0, 0)
            column.addLayout(layout)
            column.addWidget(below)
            line.setLayout(column)
        else:
            line.setLayout(layout)
        label = QLabel(gui_text(f"{self.prefix}.{name}"))
        label.setBuddy(field)
        label.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.form.addRow(label, line)
        self.fields[name] = field
        self._rows[name] = line
        return line

    def set_recommended(self, name: str, shown: str) -> None:
        self.marks[name].setText(gui_text("baseline.recommended", value=shown))

    def show_row(self, name: str, on: bool) -> None:
        self.form.setRowVisible(self._rows[name], on)

    def values(self) -> dict:
        return {name: value_of(field) for name, field in self.fields.items()}
