"""GUI tests: offscreen, settings and projects in temp folders, screenshots collected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import OFFSCREEN

os.environ.setdefault("QT_QPA_PLATFORM", OFFSCREEN)

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = Path(os.environ.get("PRACTICA_SCREENSHOTS", ROOT / "screenshots"))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp, monkeypatch):
    """Qt settings (recent projects) and the home folder point at a temp folder."""
    from PySide6.QtCore import QSettings

    from gui.app import apply_look

    apply_look(qapp)
    qapp.setOrganizationName("PracticaTest")
    qapp.setApplicationName("PracticaTest")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    yield


def save_screenshot(widget, name: str) -> Path:
    """Save ``widget.grab()`` as ``screenshots/<name>.png`` for a person to look at."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop

    # Let pending layout passes run, as the event loop would before the next frame.
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        QCoreApplication.processEvents(QEventLoop.AllEvents, 20)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path
