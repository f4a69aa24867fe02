"""The Use page's export formats: a check box per format; the ticked ones are written and
the box says how closely each runtime format matched Keras; for a baseline the network
formats are greyed out with the reason."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPushButton

from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training
from gui.pages.use.page import UsePage
from gui.session import ProjectSession
from tests.gui.conftest import save_screenshot
from tests.gui.page_helpers import job_done


def _box(page, fmt) -> QCheckBox:
    return page.findChild(QCheckBox, f"exportFormat_{fmt}")


def test_ticked_formats_are_written_and_a_baseline_greys_out_the_network_formats(
        qtbot, engine_runner, split_project, tmp_path):
    root = str(split_project.root)
    mlp = run_training(TrainingSpec(root, "mlp", {"epochs": 2, "width": 8})).run_id
    linear = run_training(TrainingSpec(root, "linear", {})).run_id
    project = open_project(root)
    project.chosen_run = mlp
    project.save()

    session = ProjectSession(engine_runner)
    assert session.open(root)
    page = UsePage(session)
    qtbot.addWidget(page)
    page.resize(1000, 900)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    boxes = {f: _box(page, f) for f in ("keras", "savedmodel", "onnx", "litert")}
    assert all(b.isChecked() for b in boxes.values())
    assert not boxes["keras"].isEnabled() and "practica predict" in boxes["keras"].toolTip()
    assert all(boxes[f].isEnabled() for f in ("savedmodel", "onnx", "litert"))
    assert not page.findChild(QLabel, "exportFormatReasons").isVisible()

    folder = tmp_path / "exported"
    page.findChild(QLineEdit, "exportFolderEdit").setText(str(folder))
    boxes["litert"].setChecked(False)
    with job_done(qtbot, engine_runner, "export_model"):
        qtbot.mouseClick(page.findChild(QPushButton, "exportModelButton"), Qt.LeftButton)
    assert (folder / "model.onnx").is_file() and not (folder / "model.tflite").exists()
    assert (folder / "saved_model").is_dir() and (folder / "model_card.md").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert list(manifest["formats"]) == ["onnx"] and manifest["formats"]["onnx"]["agrees"]
    state = page.findChild(QLabel, "exportState").text()
    assert "ONNX: largest difference from Keras" in state and "LiteRT" not in state
    page.resize(1000, page.widget().sizeHint().height() + 20)
    save_screenshot(page.export_box, "use_export_formats")

    session.edit(lambda p: setattr(p, "chosen_run", linear))
    page.refresh()
    assert boxes["keras"].isChecked()
    for fmt in ("savedmodel", "onnx", "litert"):
        assert not boxes[fmt].isEnabled() and not boxes[fmt].isChecked()
        assert "Only a neural network" in boxes[fmt].toolTip()
    reasons = page.findChild(QLabel, "exportFormatReasons")
    assert reasons.isVisible() and reasons.text().count("Only a neural network") == 1
    assert reasons.text().startswith("TensorFlow SavedModel, ONNX, LiteRT")
    assert not page.findChild(QLabel, "exportState").isVisible()  # the mlp's export words
    save_screenshot(page.export_box, "use_export_formats_baseline")
