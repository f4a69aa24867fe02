"""The main window's size: what the user left it at, else the usual size fitted to the
screen it opens on.

A saved size is used only while it still fits the screen (a laptop screen after a big
monitor gets the fitted size instead). The fitted size is ``USUAL`` shrunk to the screen's
free area (without panels and task bars) less room for the title bar and frame, and
centred there.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

USUAL = QSize(1180, 780)
FRAME = QSize(16, 48)
"""Room left for the window manager's frame and title bar, which Qt's size leaves out."""
KEY = "window/geometry"


def fitted_size(available: QSize) -> QSize:
    """``USUAL`` shrunk to fit ``available`` with room for the frame.

    Example:
        >>> s = fitted_size(QSize(1366, 728)); (s.width(), s.height())
        (1180, 680)
    """
    return QSize(min(USUAL.width(), available.width() - FRAME.width()),
                 min(USUAL.height(), available.height() - FRAME.height()))


def screen_area(window: QWidget) -> QRect:
    """The free area of the screen the window is on (the primary screen before it shows)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def place_window(window: QWidget) -> None:
    """Restore the user's size and place, or fit and centre the usual size."""
    area = screen_area(window)
    saved = QSettings().value(KEY)
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        if area.contains(window.geometry()):
            return
    size = fitted_size(area.size())
    window.resize(size)
    frame = QRect(area.topLeft(), size)
    frame.moveCenter(area.center())
    window.move(frame.topLeft())


def remember_window(window: QWidget) -> None:
    """Keep the window's size and place for the next start."""
    QSettings().setValue(KEY, window.saveGeometry())
