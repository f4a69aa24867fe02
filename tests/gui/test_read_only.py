"""The app holds the project it opens; a project held by another program opens read-only
on request (issue 15, delivery 1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.texts import text
from engine.project.lock import ENV_TOKEN, holder_of
from gui.main_window import MainWindow
from tests.gui.conftest import save_screenshot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def held_elsewhere(split_project):
    """``split_project`` held by a separate program (its own writer token)."""
    env = {k: v for k, v in os.environ.items() if k != ENV_TOKEN}
    env["PYTHONPATH"] = str(ROOT)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from engine.project.lock import hold; "
         "hold(sys.argv[1], \"the command 'practica tune'\"); print('held', flush=True); "
         "sys.stdin.read()", str(split_project.root)],
        cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    yield split_project.root, holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait()


def test_the_app_holds_the_project_it_opens_and_gives_it_back(qtbot, engine_runner,
                                                              split_project):
    window = MainWindow(engine_runner, build_pages=False)
    qtbot.addWidget(window)
    assert window.session.open(split_project.root) and not window.session.read_only
    holder = holder_of(split_project.root)
    assert holder is not None and holder.pid == os.getpid()
    assert holder.program == text("lock.program_app")
    window.new_project()
    assert holder_of(split_project.root) is None


def test_a_project_in_use_elsewhere_opens_read_only_on_request(qtbot, engine_runner,
                                                               held_elsewhere):
    root, pid = held_elsewhere
    window = MainWindow(engine_runner, build_pages=False)
    qtbot.addWidget(window)
    asked = []
    window.session.ask_read_only = lambda message: asked.append(message) or False
    assert not window.session.open(root) and window.session.project is None
    assert "practica tune" in asked[0] and f"process {pid}" in asked[0]

    window.session.ask_read_only = lambda message: True
    assert window.session.open(root) and window.session.read_only
    assert "(read-only)" in window.windowTitle()
    assert not window.data_warning.isHidden() and "practica tune" in window.data_warning.text()
    problems = []
    window.session.problem.connect(lambda m, d: problems.append(m))
    assert not window.session.edit(lambda p: setattr(p, "chosen_run", "x"))
    assert window.session.run(None) is None
    assert problems == [text("gui.read_only.refused")] * 2
    assert holder_of(root).pid == pid  # the other program still holds it
    window.resize(1000, 600)
    window.show()
    qtbot.waitExposed(window)
    save_screenshot(window, "read_only_project")


def test_a_lock_left_on_another_computer_can_be_taken_over(qtbot, engine_runner,
                                                           split_project):
    import json

    from engine.project.lock import LOCK_FILE
    from gui.session import TAKE_OVER

    (split_project.root / LOCK_FILE).write_text(json.dumps({
        "program": "the Practica app", "pid": 4242, "host": "lab-pc-7",
        "since": "2026-01-01T09:00:00+00:00", "token": "someone-else"}))
    window = MainWindow(engine_runner, build_pages=False)
    qtbot.addWidget(window)
    window.session.ask_read_only = lambda message: TAKE_OVER
    assert window.session.open(split_project.root) and not window.session.read_only
    assert window.session.blocked_by.host == "lab-pc-7"
    assert holder_of(split_project.root).pid == os.getpid()
    window.session.close()
