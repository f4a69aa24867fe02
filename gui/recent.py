"""The list of recently opened projects, kept in the user's Qt settings."""

from __future__ import annotations

from PySide6.QtCore import QSettings

KEY = "recent_projects"
MAX_RECENT = 8


def recent_projects() -> list[str]:
    value = QSettings().value(KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent(folder: str) -> None:
    items = [folder] + [f for f in recent_projects() if f != folder]
    QSettings().setValue(KEY, items[:MAX_RECENT])
