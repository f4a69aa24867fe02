"""Small text pieces the Goal and Data pages share: section headings, wrapped notes, field
labels of one width (so the fields of a page line up) and the "recommended" mark."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from gui.pages.base import gui_text

LABEL_WIDTH = 150  # pixels of the field label column, so fields line up down the page
MUTED = "color: #555;"


def heading(key: str) -> QLabel:
    """A section heading (text ``gui.<key>``)."""
    label = QLabel(gui_text(key))
    label.setProperty("role", "heading")
    label.setStyleSheet("font-size: 15px; font-weight: 600; margin-top: 8px;")
    return label


def note(text: str = "", name: str = "", role: str = "", muted: bool = False) -> QLabel:
    """A wrapped, selectable paragraph (objectName ``name``; ``role`` for the style sheet)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    if muted:
        label.setStyleSheet(MUTED)
    return label


def set_role(label: QLabel, role: str) -> None:
    """Change a label's style-sheet role (e.g. to "warning") and restyle it."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)


def field_label(key: str, buddy: QWidget | None = None) -> QLabel:
    """The label in front of a field; Alt + its underlined letter focuses ``buddy``."""
    label = QLabel(gui_text(key))
    label.setMinimumWidth(LABEL_WIDTH)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def recommended_mark(name: str) -> QLabel:
    """The mark shown next to a recommended default."""
    label = QLabel("\u2713 " + gui_text("common.recommended"))
    label.setObjectName(name)
    label.setProperty("role", "recommended")
    label.setToolTip(gui_text("common.recommended"))
    return label
