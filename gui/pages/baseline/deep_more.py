"""The "More settings" of the Baseline page's neural network: optimizer, learning-rate
schedule, batch size, early-stopping patience, class imbalance (classification only),
augmentation (not for text; for pictures, whether mirrored or turned ones keep their right
answer, off until the user ticks it; for recordings, which of noise, time shift, stretch,
pitch shift and crop to make, noise and shift ticked at first), hard examples (with the
warning that wrong labels get weighed up too, shown once it is on), mixed precision
(greyed out with the engine's reason where the device would not gain from it) and transfer
learning from a saved model.

Every field shows its recommended value (``TrainParams``' default) and a plain tooltip; the
engine checks the values when the job runs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QFileDialog, QFormLayout, QLineEdit,
                               QPushButton, QWidget)

from engine.core import text
from engine.kinds.registry import data_kind as kind_named
from engine.models import (IMBALANCE, MIXED_PRECISION, OPTIMIZERS, SCHEDULES, SOUND_SWITCHES,
                           TrainParams)
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.pages.setting_rows import (SettingsForm, check_box, choice_combo, int_spin, rate_spin,
                                    set_value, value_of)

# Tooltips of the imbalance strategies: the engine's own explanations.
IMBALANCE_TIPS = {"class_weights": "imbalance.weights", "oversample": "imbalance.oversample",
                  "undersample": "imbalance.undersample"}
ALL_LAYERS = -1  # freeze_layers: every layer of the saved model


def _choices(prefix: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(gui_text(f"deep.{prefix}_{v}"), v) for v in values]


class MoreSettings(QWidget):
    """The less common training settings, hidden behind "More settings" by the page."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("moreSettings")
        self._data_kind, self._task = "table", "binary"
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.rows = SettingsForm(form, "deep")
        d = TrainParams()
        self.optimizer = choice_combo("optimizerCombo", _choices("optimizer", OPTIMIZERS))
        self.schedule = choice_combo("scheduleCombo", _choices("schedule", SCHEDULES))
        self.batch_size = int_spin("batchSizeSpin", 1, 65_536, d.batch_size)
        self.patience = int_spin("patienceSpin", 1, 10_000, d.patience)
        # text keys: gui.deep.imbalance_{none,class_weights,oversample,undersample}
        self.imbalance = choice_combo("imbalanceCombo", _choices("imbalance", IMBALANCE))
        for value, key in IMBALANCE_TIPS.items():
            self.imbalance.setItemData(self.imbalance.findData(value), text(key), Qt.ToolTipRole)
        self.augment = rate_spin("augmentSpin", d.augment, low=0.0, high=1.0, decimals=1)
        self.augment.setSingleStep(0.1)
        self.augment.setStepType(QAbstractSpinBox.DefaultStepType)
        self.augment.setSpecialValueText(gui_text("deep.augment_off"))
        # text keys: gui.deep.optimizer_{adadelta,adagrad,adam,nadam,rmsprop,sgd}
        # text keys: gui.deep.schedule_{exponential,none,plateau,step}
        # text keys: gui.deep.schedule_inverse_time, gui.deep.schedule_warmup_cosine
        for name, field, shown in (
                ("optimizer", self.optimizer, gui_text(f"deep.optimizer_{d.optimizer}")),
                ("schedule", self.schedule, gui_text(f"deep.schedule_{d.schedule}")),
                ("batch_size", self.batch_size, str(d.batch_size)),
                ("patience", self.patience, str(d.patience)),
                ("imbalance", self.imbalance, gui_text(f"deep.imbalance_{d.imbalance}")),
                ("augment", self.augment, gui_text("deep.augment_off"))):
            self.rows.add(name, field, shown)
        # Pictures only: whether a mirrored / turned picture keeps its right answer.
        self.flip = check_box("flipKeepsLabelCheck", gui_text("deep.keeps_label"))
        self.rotate = check_box("rotateKeepsLabelCheck", gui_text("deep.keeps_label"))
        for name, box in (("flip_keeps_label", self.flip), ("rotate_keeps_label", self.rotate)):
            self.rows.add(name, box, gui_text("deep.keeps_label_off"))
        # Recordings only: which changes sound augmentation makes.
        self.sound_boxes = {}
        for name in SOUND_SWITCHES:
            # text keys: gui.deep.{sound_noise_box,sound_shift_box,sound_stretch_box}
            # text keys: gui.deep.{sound_pitch_box,sound_crop_box}
            # text keys: gui.deep.{sound_noise,sound_noise_tip,sound_shift,sound_shift_tip}
            # text keys: gui.deep.{sound_stretch,sound_stretch_tip,sound_pitch,sound_pitch_tip}
            # text keys: gui.deep.{sound_crop,sound_crop_tip}
            box = check_box(f"{name}Check", gui_text(f"deep.{name}_box"))
            self.sound_boxes[name] = box
            self.rows.add(name, box, gui_text("deep.change_on" if getattr(d, name)
                                              else "deep.change_off"))
            box.setToolTip(gui_text(f"deep.{name}_tip") + "\n\n"
                           + gui_text("deep.sound_changes_note"))
        self.augment.valueChanged.connect(self._show_rows)
        # Hard examples: the training rows the model gets wrong count more each epoch.
        self.hard = rate_spin("hardExamplesSpin", d.hard_examples, low=0.0, high=1.0,
                              decimals=1)
        self.hard.setSingleStep(0.1)
        self.hard.setStepType(QAbstractSpinBox.DefaultStepType)
        self.hard.setSpecialValueText(gui_text("deep.hard_examples_off"))
        self.hard_note = note(gui_text("deep.hard_examples_check"), name="hardExamplesNote")
        self.rows.add("hard_examples", self.hard, gui_text("deep.hard_examples_off"),
                      below=self.hard_note)
        self.hard.valueChanged.connect(self._show_hard_note)
        # Mixed precision: offered where the engine's device gains from it (set_device).
        # text keys: gui.deep.mixed_precision_{auto,on,off}
        self.mixed = choice_combo("mixedPrecisionCombo",
                                  _choices("mixed_precision", MIXED_PRECISION))
        self.mixed_note = note("", name="mixedPrecisionNote")
        self.mixed_note.hide()
        self.rows.add("mixed_precision", self.mixed, gui_text("deep.mixed_precision_auto"),
                      below=self.mixed_note)

        self.transfer = QLineEdit()
        self.transfer.setObjectName("transferEdit")
        self.transfer.setPlaceholderText(gui_text("deep.transfer_placeholder"))
        self.transfer.setMinimumWidth(300)
        self.browse = QPushButton(gui_text("deep.transfer_browse"))
        self.browse.setObjectName("transferBrowseButton")
        self.clear = QPushButton(gui_text("deep.transfer_clear"))
        self.clear.setObjectName("transferClearButton")
        self.clear.setToolTip(gui_text("deep.transfer_clear_tip"))
        line = self.rows.add("transfer", self.transfer, gui_text("deep.none_value"),
                             extra=self.browse)
        line.layout().insertWidget(2, self.clear)
        self.transfer_mode = choice_combo("transferModeCombo",
                                          _choices("transfer_mode", ("freeze", "rates")))
        self.freeze = int_spin("freezeSpin", ALL_LAYERS, 1000, ALL_LAYERS)
        self.freeze.setSpecialValueText(gui_text("deep.freeze_all"))
        self.rows.add("transfer_mode", self.transfer_mode,
                      gui_text("deep.transfer_mode_freeze"))
        self.rows.add("freeze_layers", self.freeze, gui_text("deep.freeze_all"))
        self.browse.clicked.connect(self.choose_transfer)
        self.clear.clicked.connect(self.transfer.clear)
        self.transfer.textChanged.connect(self._show_rows)
        self.transfer_mode.currentIndexChanged.connect(self._show_rows)
        self.reset()

    def set_data(self, data_kind: str, task: str) -> None:
        """Show the fields that apply: class balance for classes, augmentation not for text."""
        self._data_kind, self._task = data_kind, task
        # text keys: models.augment_{images,sequence,sound,table}
        augment_tip = (f"models.augment_{data_kind}" if self._augments()
                       else "models.augment_none_for_text")
        self.augment.setToolTip(gui_text("deep.augment_tip") + "\n\n" + text(augment_tip))
        self._show_rows()

    def _augments(self) -> bool:
        """Whether the data kind takes augmentation (text takes none)."""
        return kind_named(self._data_kind).augmentation != "none"

    def _pictures(self) -> bool:
        """Whether the data are pictures (the only kind augmentation may mirror or turn)."""
        return kind_named(self._data_kind).augmentation == "image"

    def _sounds(self) -> bool:
        """Whether the data are recordings (their augmentation's changes can be picked)."""
        return kind_named(self._data_kind).augmentation == "sound"

    def set_device(self, info: dict | None) -> None:
        """The engine said what trains (its ``ready`` message): mixed precision is greyed
        out, with the engine's reason beneath, where it would not speed training up."""
        refusal = (info or {}).get("mixed_precision_refusal", "")
        if refusal:
            set_value(self.mixed, "auto")
        self.mixed.setEnabled(not refusal)
        self.mixed_note.setText(refusal)
        self.mixed_note.setVisible(bool(refusal))

    def _show_hard_note(self, *_args) -> None:
        """Once hard examples are on: the warning, and that the labels are checked first."""
        strength = self.hard.value()
        self.hard_note.setVisible(strength > 0)

    def _show_rows(self, *_args) -> None:
        self.rows.show_row("imbalance", self._task != "regression")
        self.rows.show_row("augment", self._augments())
        for name in ("flip_keeps_label", "rotate_keeps_label"):
            self.rows.show_row(name, self._pictures())
        for name, box in self.sound_boxes.items():
            self.rows.show_row(name, self._sounds())
            box.setEnabled(self.augment.value() > 0)  # they change nothing while it is off
        transfer = bool(self.transfer.text().strip())
        self.clear.setEnabled(transfer)
        self.rows.show_row("transfer_mode", transfer)
        self.rows.show_row("freeze_layers",
                           transfer and self.transfer_mode.currentData() == "freeze")

    def choose_transfer(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, gui_text("deep.transfer_browse_title"), str(Path.home()),
            gui_text("deep.transfer_filter"))
        if path:
            self.transfer.setText(path)

    def reset(self) -> None:
        d = TrainParams()
        for field, value in ((self.optimizer, d.optimizer), (self.schedule, d.schedule),
                             (self.batch_size, d.batch_size), (self.patience, d.patience),
                             (self.imbalance, d.imbalance), (self.augment, d.augment),
                             (self.flip, d.flip_keeps_label),
                             (self.rotate, d.rotate_keeps_label),
                             (self.hard, d.hard_examples),
                             (self.mixed, d.mixed_precision),
                             *((box, getattr(d, name))
                               for name, box in self.sound_boxes.items())):
            set_value(field, value)
        self._show_hard_note()
        self.transfer.clear()
        self.transfer_mode.setCurrentIndex(0)
        self.freeze.setValue(ALL_LAYERS)
        self._show_rows()

    def params(self) -> dict:
        """The settings as ``TrainParams`` keys (only those that apply)."""
        out = {name: value_of(self.rows.fields[name])
               for name in ("optimizer", "schedule", "batch_size", "patience")}
        if self._task != "regression":
            out["imbalance"] = self.imbalance.currentData()
        if self._augments():
            out["augment"] = self.augment.value()
        if self._pictures():
            out.update(flip_keeps_label=self.flip.isChecked(),
                       rotate_keeps_label=self.rotate.isChecked())
        if self._sounds():
            out.update({name: box.isChecked() for name, box in self.sound_boxes.items()})
        if self.mixed.isEnabled() and self.mixed.currentData() != "auto":
            out["mixed_precision"] = self.mixed.currentData()
        if self.hard.value() > 0:
            out["hard_examples"] = round(self.hard.value(), 1)
        source = self.transfer.text().strip()
        if source:
            rates = self.transfer_mode.currentData() == "rates"
            out.update(transfer_from=source, transfer_rates=rates,
                       freeze_layers=0 if rates else self.freeze.value())
        return out
