"""The Baseline page of a picture project offers the pretrained networks: "Get the pretrained
weights" downloads through the engine process from a local server (progress and time left in
the job strip), the file lands in the Keras cache and the network can be started from at
once; "Use a weights file I have…" refuses a file with the wrong checksum."""

import hashlib

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from engine.goal.step import GoalChoice, new_project
from engine.split.step import split_project
from gui.job_panel import JobPanel
from gui.pages.baseline.page import BaselinePage
from gui.session import ProjectSession
from tests.engine.models.weights_server import WeightsServer
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import child, click
from tests.job_fixtures import WeightsSourceForTestRequest

NAME = "MobileNetV3Small"
FILE = "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"
BODY = np.random.default_rng(0).bytes(1_500_000)


@pytest.fixture
def picture_project(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    pics = tmp_path / "pics"
    for label, bright in (("dark", 60), ("light", 190)):
        (pics / label).mkdir(parents=True)
        for i in range(20):
            pixels = np.clip(rng.normal(bright, 30, (8, 8)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(pics / label / f"{i}.png")
    project = new_project(tmp_path / "proj", GoalChoice(data=str(pics), target=None))
    split_project(project, seed=0)
    return project


def _run(qtbot, runner, request):
    qtbot.waitUntil(lambda: not runner.busy, timeout=60_000)
    with qtbot.waitSignal(runner.run(request).finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: not runner.busy, timeout=60_000)


def test_get_the_pretrained_weights_from_the_page(qtbot, engine_runner, picture_project,
                                                  tmp_path, monkeypatch):
    home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(home))  # what this process's box reads
    session = ProjectSession(engine_runner)
    assert session.open(picture_project.root)
    window = QWidget()
    layout = QVBoxLayout(window)
    page = BaselinePage(session)
    layout.addWidget(page, 1)
    layout.addWidget(JobPanel(engine_runner, window))
    qtbot.addWidget(window)
    window.resize(1100, 900)
    window.show()
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)
    box = child(page, QWidget, "backboneBox")
    assert box.isVisible()
    state = child(page, QLabel, f"backboneState_{NAME}")
    assert state.text() == "not on this computer"
    get = child(page, QPushButton, f"getWeightsButton_{NAME}")
    events = []
    engine_runner.job_started.connect(lambda handle: handle.event.connect(events.append))
    with WeightsServer(BODY) as server:
        server.pause_s = 0.05  # about 2.5 s in all: long enough to see the bar move
        _run(qtbot, engine_runner, WeightsSourceForTestRequest(
            name=NAME, digest=hashlib.sha256(BODY).hexdigest(), base_url=server.url,
            keras_home=str(home)))
        try:
            click(qtbot, get)
            bar = window.findChild(JobPanel).bar
            qtbot.waitUntil(lambda: bar.maximum() == 1000 and 300 < bar.value() < 900,
                            timeout=30_000)
            qtbot.wait(1100)  # the time left shows after a second
            assert "Downloading the weights of MobileNetV3Small" in \
                window.findChild(JobPanel).label.text()
            save_screenshot(window, "backbone_box_downloading")
            qtbot.waitUntil(lambda: not engine_runner.busy, timeout=30_000)
        finally:
            _run(qtbot, engine_runner, WeightsSourceForTestRequest())
    assert (home / "models" / FILE).read_bytes() == BODY
    assert any(getattr(e, "total", 0) == len(BODY) for e in events)
    qtbot.waitUntil(lambda: state.text().startswith("ready"), timeout=5_000)
    assert not get.isVisible()
    use = child(page, QPushButton, f"useBackboneButton_{NAME}")
    click(qtbot, use)
    assert child(page, QLineEdit, "transferEdit").text() == f"keras:{NAME}"
    save_screenshot(window, "backbone_box_ready")
    session.deleteLater()


def test_a_weights_file_with_the_wrong_checksum_is_refused(qtbot, engine_runner,
                                                           picture_project, tmp_path,
                                                           monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    wrong = tmp_path / "copied.h5"
    wrong.write_bytes(b"not the weights")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wrong), ""))
    session = ProjectSession(engine_runner)
    assert session.open(picture_project.root)
    problems = []
    session.problem.connect(lambda message, *rest: problems.append(message))
    page = BaselinePage(session)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)
    click(qtbot, child(page, QPushButton, f"addWeightsButton_{NAME}"))
    qtbot.waitUntil(lambda: bool(problems), timeout=60_000)
    assert "d3e8ec802a04aa4fc771ee12a9a9b836" in problems[0]  # Keras' published MD5
    assert not (tmp_path / "keras" / "models" / FILE).exists()
    assert child(page, QLabel, f"backboneState_{NAME}").text() == "not on this computer"
    session.deleteLater()


def test_cancel_stops_the_download_and_leaves_nothing(qtbot, engine_runner, picture_project,
                                                      tmp_path, monkeypatch):
    home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(home))
    session = ProjectSession(engine_runner)
    assert session.open(picture_project.root)
    window = QWidget()
    layout = QVBoxLayout(window)
    page = BaselinePage(session)
    layout.addWidget(page, 1)
    panel = JobPanel(engine_runner, window)
    layout.addWidget(panel)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not engine_runner.busy, timeout=60_000)
    with WeightsServer(BODY) as server:
        server.pause_s = 0.1
        _run(qtbot, engine_runner, WeightsSourceForTestRequest(
            name=NAME, digest=hashlib.sha256(BODY).hexdigest(), base_url=server.url,
            keras_home=str(home)))
        try:
            click(qtbot, child(page, QPushButton, f"getWeightsButton_{NAME}"))
            qtbot.waitUntil(lambda: panel.bar.maximum() == 1000 and panel.bar.value() > 0,
                            timeout=30_000)
            click(qtbot, panel.cancel_button)
            qtbot.waitUntil(lambda: not engine_runner.busy, timeout=30_000)
        finally:
            _run(qtbot, engine_runner, WeightsSourceForTestRequest())
    assert list((home / "models").iterdir()) == []  # no file, no .part
    assert child(page, QLabel, f"backboneState_{NAME}").text() == "not on this computer"
    assert child(page, QPushButton, f"getWeightsButton_{NAME}").isEnabled()
    session.deleteLater()


def test_few_pictures_get_a_pretrained_network_proposed(qtbot, engine_runner, picture_project):
    """40 pictures: the box proposes a pretrained network, names the count and says to
    freeze first and fine-tune later; a project with enough pictures gets no proposal."""
    from engine.models.pretrained import FEW_PICTURES

    session = ProjectSession(engine_runner)
    assert session.open(picture_project.root)
    page = BaselinePage(session)
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    proposal = child(page, QLabel, "backboneProposal")
    train = picture_project.split.sizes["train"]
    assert proposal.isVisible() and f"{train} training pictures" in proposal.text()
    assert "frozen" in proposal.text() and "smaller rates" in proposal.text()
    save_screenshot(page.findChild(QWidget, "backboneBox"), "backbone_box_proposal")
    box = page.findChild(QWidget, "backboneBox")
    box.show_proposal(FEW_PICTURES)
    assert not proposal.isVisible()
