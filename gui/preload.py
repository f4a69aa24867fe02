"""Import the heavy libraries the pages need in a background thread, after the window shows.

pandas, scikit-learn, SciPy, matplotlib, reportlab and pyqtgraph take about 3-4 s to import
on a small machine. Importing them while the window is already on screen keeps launch
fast; the pages are built on the GUI thread once they are loaded (then cheaply).
"""

from __future__ import annotations

import importlib
import threading

from PySide6.QtCore import QObject, Signal

HEAVY = ("pandas", "scipy.stats", "sklearn.metrics", "sklearn.model_selection",
         "sklearn.datasets", "matplotlib.backends.backend_agg", "reportlab.platypus",
         "pyqtgraph")


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
