"""The window fits the screen it opens on, keeps the user's size, and every page can be
shown on a 1280 x 720 screen without the window outgrowing it."""

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSize

from tests.gui.conftest import SCREENSHOTS

PROBE = """
import json, sys
from gui.app import make_app
from gui.main_window import MainWindow
from engine.app.steps import STEPS
app = make_app()
window = MainWindow()
window.show()
app.processEvents()
area = window.screen().availableGeometry()
seen = {"area": [area.width(), area.height()], "steps": {}}
for step in STEPS:
    window.show_step(step)
    for _ in range(3):
        app.processEvents()
    frame = window.frameGeometry()
    bar = window.statusBar().geometry()
    seen["steps"][step] = {"window": [frame.width(), frame.height()],
                           "inside": area.contains(frame),
                           "status_bottom": bar.bottom(), "height": window.height()}
    window.grab().save(f"{sys.argv[1]}/screen-{area.width()}x{area.height()}-{step}.png")
print(json.dumps(seen))
"""


def _screen_file(tmp_path, width, height):
    path = tmp_path / f"screen{width}.json"
    path.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width,
                                             "height": height, "logicalDpiX": 96,
                                             "logicalDpiY": 96, "dpr": 1}]}))
    return path


@pytest.mark.parametrize("width,height", [(1366, 768), (1280, 720)])
def test_the_window_fits_small_screens_on_every_page(tmp_path, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM":
           f"offscreen:configfile={_screen_file(tmp_path, width, height)}",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(SCREENSHOTS)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["area"] == [width, height]
    for step, got in seen["steps"].items():
        assert got["inside"], (step, got)  # the frame, title bar excluded, is on screen
        assert got["status_bottom"] < got["height"], (step, got)  # the status bar shows


def test_the_window_keeps_the_users_size_and_fits_when_it_no_longer_does(qtbot):
    from gui.main_window import MainWindow
    from gui.window_size import USUAL, fitted_size, remember_window

    window = MainWindow(build_pages=False)
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    assert window.size() == fitted_size(area.size()) == USUAL  # the tests' screen is big
    window.resize(1000, 700)
    remember_window(window)
    again = MainWindow(build_pages=False)
    qtbot.addWidget(again)
    assert again.size() == QSize(1000, 700)
    again.resize(area.width() + 400, area.height() + 300)  # left by a bigger screen
    remember_window(again)
    third = MainWindow(build_pages=False)
    qtbot.addWidget(third)
    assert area.contains(third.geometry())  # shrunk onto this screen, by Qt or by us
