"""Launch-to-window time of Practica next to a bare PySide6 window, in one run.

Each variant starts a fresh Python process (offscreen) and reports the moment its window
was shown and painted, measured from just before the process was started; for Practica also
the moment its pages were built (heavy libraries imported in the background meanwhile).
Medians of several launches are printed with their ratio.
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
from gui.preload import Preloader
w = MainWindow(build_pages=False); w.show(); app.processEvents(); w.grab()
shown = time.time()
assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'TF imported early'
p = Preloader(w); p.loaded.connect(w.build_pages); p.start()
while not w.pages:
    app.processEvents()
    time.sleep(0.005)
w.grab()
print(shown, time.time())
"""


def _launch(code: str) -> list[float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    return [float(v) - start for v in out.stdout.strip().splitlines()[-1].split()]


def main() -> dict:
    bare = statistics.median(_launch(BARE)[0] for _ in range(RUNS))
    runs = [_launch(PRACTICA) for _ in range(RUNS)]
    shown = statistics.median(r[0] for r in runs)
    ready = statistics.median(r[1] for r in runs)
    print(f"launch_time: bare PySide6 window {bare:.2f} s, Practica window shown {shown:.2f} s "
          f"(ratio {shown / bare:.2f}; target <= 1.5 s), pages ready {ready:.2f} s")
    return {"bare_s": bare, "shown_s": shown, "ready_s": ready}


if __name__ == "__main__":
    main()
