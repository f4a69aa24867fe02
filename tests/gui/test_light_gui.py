"""The GUI process stays light: with a project open and every page built and shown, it has
imported none of TensorFlow, Keras, scikit-learn, SciPy, Optuna, matplotlib, LightGBM, JAX or
PyTorch (the engine process computes); at launch, before any later page is shown, not even
pandas or pyqtgraph. Checked on the live app in a fresh interpreter, so the imports of other
tests (which train in-process) do not count."""

import json
import os
import subprocess
import sys

from PySide6.QtCore import Qt

from engine.app.steps import STEPS
from engine.training.job import TrainingSpec, run_training
from tests.gui.conftest import save_screenshot

HEAVY = ("tensorflow", "keras", "sklearn", "scipy", "optuna", "matplotlib", "lightgbm", "jax",
         "torch")

# The app as ``practica`` starts it (gui.app.main), minus the engine process and the event
# loop: the window, the Goal page, then the project opened and every page shown in turn.
LIVE_APP = """
import json, sys
from gui.app import make_app
app = make_app(sys.argv[:1])
from gui.main_window import MainWindow
window = MainWindow(build_pages=False)
window.show()
app.processEvents()
window.open_pages()
app.processEvents()
found = {"goal": sorted(m for m in sys.modules if m.split('.')[0] in HEAVY + EXTRA)}
found["built_at_launch"] = sorted(window.pages)
if FOLDER:
    assert window.session.open(FOLDER)
for step in STEPS:
    window.show_step(step)
    app.processEvents()
    window.grab()
found["built"] = sorted(window.pages)
PLANT
found["all"] = sorted({m.split('.')[0] for m in sys.modules} & set(HEAVY + EXTRA))
window.session.close()
print(json.dumps(found))
"""


def _live_app(folder: str, plant: str = "") -> dict:
    code = (f"HEAVY = {HEAVY!r}; EXTRA = ('pandas', 'pyqtgraph'); FOLDER = {folder!r}; "
            f"STEPS = {tuple(STEPS)!r}\n" + LIVE_APP.replace("PLANT", plant))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_page_of_a_project_with_runs_leaves_the_heavy_libraries_out(split_project):
    for model in ("majority", "linear"):  # runs for the Baseline, Diagnose and Tune pages
        run_training(TrainingSpec(str(split_project.root), model))
    found = _live_app(str(split_project.root))
    assert found["built"] == sorted(STEPS)  # every page was built and shown
    assert [m for m in found["all"] if m in HEAVY] == []
    # At launch only the Goal page exists and neither pandas nor pyqtgraph is loaded yet.
    assert found["built_at_launch"] == ["goal"]
    assert found["goal"] == []


def test_the_check_sees_a_heavy_import():
    """The same probe with an import of SciPy planted after the pages reports it."""
    found = _live_app("", plant="import scipy.stats")
    assert "scipy" in found["all"] and found["built"] == sorted(STEPS)


def test_the_sidebar_builds_a_page_when_first_chosen(qtbot, engine_runner, split_project):
    """Pages on demand keep the sidebar and its keyboard use working: Down from Goal shows
    the Data page, built at that moment."""
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner, build_pages=False)
    qtbot.addWidget(window)
    window.show()
    window.open_pages()
    assert set(window.pages) == {"goal"}
    assert window.stack.currentWidget() is window.pages["goal"]
    assert window.session.open(split_project.root)
    window.steps.setFocus()
    qtbot.keyClick(window.steps, Qt.Key_Down)
    assert "data" in window.pages
    assert window.stack.currentWidget() is window.pages["data"]
    assert set(window.pages) == {"goal", "data"}
    save_screenshot(window, "light_gui_data_page_on_demand")
    window.session.close()


def test_the_preloader_imports_only_what_pages_show_with():
    """The background imports at launch are pandas and pyqtgraph, never a computing library."""
    from gui.preload import HEAVY as PRELOADED

    assert {name.split(".")[0] for name in PRELOADED} == {"pandas", "pyqtgraph"}
