"""Images, texts and sequences go from the bundled sample to a trained model and a diagnosis
in the GUI, by the same clicks as a table (screenshots: ``screenshots/kind_<sample>_*.png``)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget

from engine.models import zoo
from engine.data.samples import SAMPLES
from tests.e2e.test_wizard import LONG, _go, _run_and_wait
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


@pytest.mark.parametrize("sample", ["digits", "support_messages", "vibration"])
def test_sample_of_each_data_kind_reaches_a_diagnosis(sample, qtbot, tmp_path, engine_runner):
    from gui.main_window import MainWindow

    window = MainWindow(runner=engine_runner)
    qtbot.addWidget(window)
    window.resize(1280, 860)
    window.show()
    qtbot.waitUntil(lambda: "trains on" in window.engine_label.text(), timeout=LONG)
    samples = window.findChild(QListWidget, "sampleList")
    row = list(SAMPLES).index(sample)
    with job_done(qtbot, engine_runner, "suggest_goal", timeout=LONG):
        rect = samples.visualItemRect(samples.item(row))
        qtbot.mouseClick(samples.viewport(), Qt.LeftButton, pos=rect.center())
    folder = window.findChild(QLineEdit, "folderEdit")
    folder.clear()
    qtbot.keyClicks(folder, str(tmp_path / sample))
    _run_and_wait(qtbot, window, "createButton", "new_project")
    qtbot.waitUntil(lambda: window.session.project is not None, timeout=LONG)
    kind = SAMPLES[sample].data_kind
    assert window.session.project.goal.data_kind == kind
    save_screenshot(window, f"kind_{sample}_goal")

    _go(qtbot, window, "data")
    _run_and_wait(qtbot, window, "splitButton", "split")
    _go(qtbot, window, "baseline")
    epochs = window.pages["baseline"].findChild(object, "epochsSpin")
    epochs.selectAll()
    qtbot.keyClicks(epochs, "2")
    _run_and_wait(qtbot, window, "trainBaselinesButton", "baselines")
    project = window.session.project
    deep = [r for r in project.runs if zoo.is_keras_kind(r.model)]
    assert [r.model for r in deep] == [zoo.default_kind(kind)]
    assert deep[0].status == "finished" and len(deep[0].history) == 2
    assert project.sanity and project.sanity.model == zoo.default_kind(kind)
    save_screenshot(window, f"kind_{sample}_baseline")

    _go(qtbot, window, "diagnose")
    _run_and_wait(qtbot, window, "diagnoseButton", "diagnose")
    assert window.session.project.diagnosis.verdict
    save_screenshot(window, f"kind_{sample}_diagnose")
