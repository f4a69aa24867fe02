"""Launch-to-window time of Practica next to a bare PySide6 window, in one run.

Each variant starts a fresh Python process (offscreen) and reports the moment its window
was shown and painted, measured from just before the process was started. Medians of
several launches are printed with their ratio.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

RUNS = 3

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
w = QWidget(); w.resize(1180, 780); w.show(); app.processEvents(); w.grab()
print(time.time())
"""

PRACTICA = """
import sys, time
from gui.app import make_app
app = make_app(sys.argv[:1])
from gui.main_window import MainWindow
w = MainWindow(); w.show(); app.processEvents(); w.grab()
print(time.time())
assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported early'
"""


def _launch(code: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1]) - start


def main() -> dict:
    bare = statistics.median(_launch(BARE) for _ in range(RUNS))
    app = statistics.median(_launch(PRACTICA) for _ in range(RUNS))
    print(f"launch_time: bare PySide6 window {bare:.2f} s, Practica window {app:.2f} s, "
          f"ratio {app / bare:.2f} (target: Practica window <= 1.5 s)")
    return {"bare_s": bare, "app_s": app}


if __name__ == "__main__":
    main()
