"""The main window: launch order, step gating in the sidebar, title, recent projects."""

import os
import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from engine.data.requests import CheckFileRequest
from tests.job_fixtures import RaiseForTestRequest
from engine.goal.edit import set_metric
from engine.data.samples import SAMPLES
from engine.app.steps import STEPS


def test_window_shows_before_the_pages_and_tensorflow(qtbot, engine_runner):
    from gui.main_window import MainWindow
    from gui.preload import Preloader

    window = MainWindow(runner=engine_runner, build_pages=False)
    qtbot.addWidget(window)
    window.show()
    assert window.pages == {} and window.stack.currentWidget() is window.loading
    # As gui.app.main launches: the Goal page only, the others when first shown.
    with qtbot.waitSignal(window.pages_ready, timeout=60_000):
        window.open_pages()
    assert set(window.pages) == {"goal"}
    assert window.stack.currentWidget() is window.pages["goal"]
    preloader = Preloader(window)  # pandas and pyqtgraph, for the later pages
    with qtbot.waitSignal(preloader.loaded, timeout=60_000):
        preloader.start()
    window.build_pages()  # every page at once, as the tests' MainWindow() does
    assert set(window.pages) == set(STEPS)
    assert window.stack.currentWidget() is window.pages["goal"]


def test_the_gui_process_never_imports_tensorflow():
    """Checked in a fresh interpreter: other tests here train in-process. Optuna stays out
    too: the Tune page reads the study through its summary."""
    code = ("import sys; from gui.app import make_app; app = make_app(); "
            "from gui.main_window import MainWindow; w = MainWindow(); w.show(); "
            "app.processEvents(); bad = [m for m in ('tensorflow', 'keras', 'optuna') "
            "if m in sys.modules]; print(bad); assert not bad")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_sidebar_follows_the_project_and_title_shows_unsaved(qtbot, engine_runner,
                                                             split_project, monkeypatch):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner)
    qtbot.addWidget(window)
    locked = [window.steps.item(i).flags() & Qt.ItemIsEnabled for i in range(len(STEPS))]
    assert locked[0] and not any(locked[1:5])  # only Goal (and Report later) open at first
    assert window.session.open(split_project.root)
    enabled = {s: bool(window.steps.item(i).flags() & Qt.ItemIsEnabled)
               for i, s in enumerate(STEPS)}
    assert enabled["data"] and enabled["baseline"] and not enabled["diagnose"]
    assert window.windowTitle().startswith(split_project.name)
    assert "*" not in window.windowTitle()
    window.session.edit(lambda p: set_metric(p, "f1"))
    assert window.windowTitle().startswith(split_project.name + "*")
    # Closing with unsaved changes asks; Cancel keeps the window open.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Cancel)
    assert not window.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Save)
    assert window._may_leave() and not window.session.dirty
    window.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert str(split_project.root) in texts


def test_a_failing_job_shows_a_dialog_and_the_app_goes_on(qtbot, engine_runner):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner)
    qtbot.addWidget(window)
    handle = engine_runner.run(RaiseForTestRequest(message="boom"))
    with qtbot.waitSignal(handle.failed, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "problemBox") is not None)
    box = window.findChild(QMessageBox, "problemBox")
    assert "Nothing you made was lost" in box.text()
    assert "RuntimeError: boom" in box.detailedText()
    from tests.gui.conftest import save_screenshot

    save_screenshot(box, "problem_dialog")
    box.accept()
    handle = engine_runner.run(CheckFileRequest(path=str(SAMPLES["wine"].path)))
    with qtbot.waitSignal(handle.finished, timeout=60_000):
        pass


def test_the_status_bar_names_the_device_and_says_more_on_hover(qtbot, engine_runner):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner, build_pages=False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "trains on" in window.engine_label.text(), timeout=120_000)
    info = engine_runner.ready_info
    assert window.engine_label.text().endswith(f"trains on: {info['device']}")
    tip = window.engine_label.toolTip()
    assert tip == info["device_sentence"] and tip.startswith("Training runs on")
    if info["device"] == "CPU":
        assert "processor" in tip and "mixed precision is not offered" in tip
