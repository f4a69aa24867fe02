"""Starting the desktop app: the window shows first, then the Goal page, then the engine
process starts.

TensorFlow, scikit-learn, SciPy, Optuna and matplotlib are never imported in the GUI process;
the engine process imports them, in the background, while the user reads the first page.
The other pages are built the first time they are shown (``MainWindow.page``); pandas and
pyqtgraph, which some of them need, are imported in the background meanwhile.
"""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from engine.core import RESOURCES


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("Practica")
    app.setApplicationName("Practica")
    apply_look(app)
    return app


def apply_look(app: QApplication) -> None:
    """Practica's style sheet and icon (also used by the tests, so screenshots are true)."""
    style = RESOURCES / "style.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    icon = RESOURCES / "icons" / "practica.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def main(argv: list[str] | None = None) -> int:
    from gui.platform_check import xcb_problem

    problem = xcb_problem()
    if problem:  # Qt would stop with a message that does not say what to install
        print(f"practica: {problem}", file=sys.stderr)
        return 2
    app = make_app(argv)
    from gui.main_window import MainWindow

    from gui.preload import Preloader
    from gui.quiet_collector import settle_collector

    window = MainWindow(build_pages=False)
    window.show()
    QTimer.singleShot(0, window.open_pages)
    QTimer.singleShot(0, window.runner.start)
    # Once the Goal page is up, so that the import does not slow it down.
    preloader = Preloader(window)
    preloader.loaded.connect(settle_collector)  # start-up's objects live as long as the app
    QTimer.singleShot(0, preloader.start)
    _quit_on_signals(window)
    return app.exec()


def _quit_on_signals(window) -> None:
    """SIGTERM / Ctrl+C close the window properly, so the engine process is stopped too.

    Python runs signal handlers only when it gets control, so a light timer hands it
    control twice a second while Qt's event loop runs.
    """
    def close(*_args) -> None:
        QTimer.singleShot(0, window.close)

    signal.signal(signal.SIGTERM, close)
    signal.signal(signal.SIGINT, close)
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: None)
    ticker.start(500)
