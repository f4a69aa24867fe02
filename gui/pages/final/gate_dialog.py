"""The confirmation asked before going past the checks of the vault on purpose: an override
(testing a model the checks object to) or a new experiment (a second look at the test set).

The dialog lists what the checks found (``engine.final.gate``), asks for the user's reason
in their own words and for a ticked box that says they understand; "Go ahead" stays
disabled until both are given. The reason goes to the engine, which logs it and prints it
in the report.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QLineEdit, QPushButton,
                               QVBoxLayout)

from gui.pages.base import gui_text
from gui.pages.labels import note


class ReasonDialog(QDialog):
    """Asks for a reason and a ticked confirmation; ``reason()`` after ``exec``."""

    def __init__(self, kind: str, label: str, reasons: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("gateDialog")
        # text keys: gui.final.gate.{override,new}_{title,intro,confirm,placeholder}
        self.setWindowTitle(gui_text(f"final.gate.{kind}_title"))
        layout = QVBoxLayout(self)
        layout.addWidget(note(gui_text(f"final.gate.{kind}_intro", label=label), "gateIntro"))
        found = note("\n".join(f"\u2022 {r}" for r in reasons), "gateFound", role="warning")
        found.setTextFormat(Qt.PlainText)
        layout.addWidget(found)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("gateReason")
        self.reason_edit.setPlaceholderText(gui_text(f"final.gate.{kind}_placeholder"))
        layout.addWidget(self.reason_edit)
        self.confirm = QCheckBox(gui_text(f"final.gate.{kind}_confirm"))
        self.confirm.setObjectName("gateConfirm")
        layout.addWidget(self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.go = QPushButton(gui_text("final.gate.go"))
        self.go.setObjectName("gateGo")
        buttons.addButton(self.go, QDialogButtonBox.AcceptRole)
        buttons.button(QDialogButtonBox.Cancel).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason_edit.textChanged.connect(self._update)
        self.confirm.toggled.connect(self._update)
        self._update()

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def _update(self) -> None:
        self.go.setEnabled(bool(self.reason()) and self.confirm.isChecked())


def ask_reason(parent, kind: str, label: str, reasons: tuple[str, ...]) -> str:
    """The user's reason for going ahead (``kind``: ``override`` or ``new``), or ``""``
    when they cancelled."""
    dialog = ReasonDialog(kind, label, reasons, parent)
    if dialog.exec() != QDialog.Accepted:
        return ""
    return dialog.reason()
