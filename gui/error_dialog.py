"""A problem shown to the user: a plain message, and the technical details behind a button."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from gui.pages.base import gui_text


def show_problem(parent: QWidget | None, message: str, details: str = "") -> QMessageBox:
    """Show ``message`` (what is wrong, what to do) non-blockingly; return the box."""
    box = QMessageBox(parent)
    box.setObjectName("problemBox")
    box.setIcon(QMessageBox.Warning)
    box.setWindowTitle(gui_text("problem.title"))
    box.setText(message)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.Ok)
    box.open()
    return box
