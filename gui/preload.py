"""Import the libraries later pages need in a background thread, after the Goal page shows.

pandas and pyqtgraph take about 1 s to import on a small machine. Importing them while the
user reads the Goal page makes the first visit of a later page quick; the pages are built
on the GUI thread when first shown. Nothing here computes: scikit-learn, SciPy, matplotlib,
reportlab, Optuna and Keras stay in the engine process.
"""

from __future__ import annotations

import importlib
import threading

from PySide6.QtCore import QObject, Signal

HEAVY = ("pandas", "pyqtgraph")


class Preloader(QObject):
    """``Preloader().start()``; ``loaded`` fires on the GUI thread when done."""

    loaded = Signal()

    def start(self) -> "Preloader":
        threading.Thread(target=self._run, name="practica-preload", daemon=True).start()
        return self

    def _run(self) -> None:
        for name in HEAVY:
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # the page that needs it will say so when it is built
        self.loaded.emit()
