"""The list of steps on the left, each marked locked / ready / done / stale."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from engine.app import LOCKED, STEPS
from gui.pages.base import gui_text

# Glyphs every common UI font has (an emoji lock shows as an empty box without emoji fonts).
MARKS = {"locked": "\u2013", "ready": "\u25CB", "done": "\u2714", "stale": "\u26A0"}


class StepList(QListWidget):
    """Steps in wizard order; a locked step cannot be selected."""

    step_chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("stepList")
        self.setFocusPolicy(Qt.StrongFocus)
        for step in STEPS:
            item = QListWidgetItem(gui_text(f"step.{step}"))
            item.setData(Qt.UserRole, step)
            self.addItem(item)
        self.currentRowChanged.connect(self._changed)

    def set_states(self, states) -> None:
        """Show each step's state; ``states`` is ``engine.app.steps.step_states`` (or None)."""
        for row, step in enumerate(STEPS):
            item = self.item(row)
            state = states[step].state if states else (LOCKED if step != "goal" else "ready")
            reason = states[step].reason if states else ""
            item.setText(f"{MARKS[state]}  {gui_text(f'step.{step}')}")
            item.setToolTip(gui_text(f"state.{state}") + (f" \u2014 {reason}" if reason else ""))
            item.setData(Qt.AccessibleDescriptionRole, gui_text(f"state.{state}"))
            flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
            item.setFlags(Qt.NoItemFlags if state == LOCKED else flags)

    def select(self, step: str) -> None:
        self.setCurrentRow(STEPS.index(step))

    def _changed(self, row: int) -> None:
        if row >= 0:
            self.step_chosen.emit(STEPS[row])
