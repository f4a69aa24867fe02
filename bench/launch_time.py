"""Launch-to-window time of Practica next to a bare PySide6 window, in one run.

Each variant starts a fresh Python process (offscreen) and reports the moment its window
was shown and painted, measured from just before the process was started. For Practica also:
pages ready, the moment the Goal page is usable (built and painted, the samples listed;
target 1.5 s), then that its file chooser opens, and the moment every other page has been
shown once (each is built on its first showing). The GUI process must not have imported
TensorFlow, scikit-learn, SciPy, Optuna or matplotlib by then.
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
w = MainWindow(build_pages=False); w.show(); app.processEvents(); w.grab()
shown = time.time()
w.open_pages(); app.processEvents(); w.grab()
choice = w.pages["goal"].form.choice
from engine.data import SAMPLES
assert choice.sample_list.count() == len(SAMPLES) > 0, 'samples not listed'
ready = time.time()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog
seen = []
def close_dialog():
    dialog = app.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(10, close_dialog)
        return
    seen.append(type(dialog).__name__)
    dialog.reject()
QTimer.singleShot(0, close_dialog)
choice.choose_button.click()
assert seen == [QFileDialog.__name__], seen
chooser = time.time()
from engine.app import STEPS
for step in STEPS:
    w.show_step(step); app.processEvents()
w.grab()
heavy = {'tensorflow', 'keras', 'sklearn', 'scipy', 'optuna', 'matplotlib'}
assert not heavy & {m.split('.')[0] for m in sys.modules}, 'a heavy library in the GUI'
print(shown, ready, chooser, time.time())
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
    shown, ready, chooser, every = (statistics.median(r[i] for r in runs) for i in range(4))
    print(f"launch_time: bare PySide6 window {bare:.2f} s, Practica window shown {shown:.2f} s "
          f"(ratio {shown / bare:.2f}), pages ready (Goal page usable) {ready:.2f} s "
          f"(ratio {ready / bare:.2f}; target <= 1.5 s), file chooser open {chooser:.2f} s, "
          f"every page shown once {every:.2f} s")
    return {"bare_s": bare, "shown_s": shown, "ready_s": ready, "chooser_s": chooser,
            "every_page_s": every}


if __name__ == "__main__":
    main()
