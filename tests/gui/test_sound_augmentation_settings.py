"""Recordings on the Baseline page: the augmentation row explains what sounds get, and five
boxes pick the changes (noise and time shift ticked at first; stretch, pitch shift and crop
off), usable once augmentation is on; the ticks reach the engine's settings as they are."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox

from engine.models.train_params import SOUND_SWITCHES, TrainParams, sound_changes
from gui.pages.baseline.deep_settings import DeepSettings
from tests.gui.conftest import save_screenshot


def test_recordings_pick_the_changes_of_their_augmentation(qtbot):
    settings = DeepSettings()
    qtbot.addWidget(settings)
    settings.resize(900, 700)
    settings.show()
    settings.more_button.setChecked(True)
    boxes = {name: settings.findChild(QCheckBox, f"{name}Check") for name in SOUND_SWITCHES}
    settings.set_project("images", "multiclass")
    assert not any(box.isVisible() for box in boxes.values())  # pictures: not these
    assert "sound_noise" not in settings.params()
    settings.set_project("sound", "multiclass")
    assert settings.kind() == "sound_cnn"
    assert all(box.isVisible() for box in boxes.values())
    assert not settings.findChild(QCheckBox, "flipKeepsLabelCheck").isVisible()
    assert [name for name, box in boxes.items() if box.isChecked()] == [
        "sound_noise", "sound_shift"]
    assert not any(box.isEnabled() for box in boxes.values())  # augmentation is off
    assert "background noise" in settings.more.augment.toolTip()
    assert "machine whose speed" in boxes["sound_stretch"].toolTip()
    assert "only while training" in boxes["sound_pitch"].toolTip()
    settings.more.augment.setValue(0.5)
    assert all(box.isEnabled() for box in boxes.values())
    qtbot.mouseClick(boxes["sound_pitch"], Qt.LeftButton)
    qtbot.mouseClick(boxes["sound_noise"], Qt.LeftButton)
    params = settings.params()
    chosen = TrainParams.from_dict(params)
    assert chosen.augment == 0.5 and sound_changes(params) == ("shift", "pitch")
    assert (chosen.sound_noise, chosen.sound_pitch, chosen.sound_crop) == (False, True, False)
    settings.resize(900, settings.sizeHint().height())
    save_screenshot(settings, "baseline_sound_augmentation")
    settings.reset()
    assert sound_changes(settings.params()) == ("noise", "shift")
