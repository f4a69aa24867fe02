"""The Baseline page's neural-network settings: the kind of network (the zoo's families for
the project's data kind), its main settings, and "More settings" folded away.

It only collects choices; ``params()`` and ``kind()`` become the ``baselines`` job's
``deep_params`` and ``deep_kind``, which the engine checks. Recommended values are the
zoo's and ``TrainParams``' defaults.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QPushButton,
                               QToolButton, QVBoxLayout)

from engine.models import zoo
from engine.words import fmt_number
from engine.models import TrainParams
from gui.pages.base import gui_text
from gui.pages.baseline.deep_more import MoreSettings
from gui.pages.labels import note
from gui.pages.setting_rows import SettingsForm, int_spin, rate_spin

ARCH = ("width", "depth")  # the architecture fields shown for every family


def kind_name(kind: str) -> str:
    """The plain name of a zoo family (its kind as is when Practica has no name for it)."""
    try:
        return gui_text(f"deep.kind_{kind}")
    except KeyError:
        return kind


class DeepSettings(QGroupBox):
    """The network's kind and settings; ``more`` holds the folded-away ones."""

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("deep.title"), parent)
        self.setObjectName("mlpSettings")
        self._data_kind: str | None = None
        self._task = "binary"
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        self.rows = SettingsForm(form, "deep")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("modelKindCombo")
        self.kind_combo.setMinimumWidth(260)
        self.about = note(name="modelAbout", muted=True)
        self.rows.add("kind", self.kind_combo, "", below=self.about)
        train = TrainParams()
        self.epochs_spin = int_spin("epochsSpin", 1, 10_000, train.epochs)
        self.width_spin = int_spin("widthSpin", 1, 4096, 64)
        self.depth_spin = int_spin("depthSpin", 1, 12, 2)
        self.learning_rate_spin = rate_spin("learningRateSpin", train.learning_rate)
        self._spins = {"epochs": self.epochs_spin, "width": self.width_spin,
                       "depth": self.depth_spin, "learning_rate": self.learning_rate_spin}
        for name, spin in self._spins.items():
            self.rows.add(name, spin, "")
        for name in ("epochs", "learning_rate"):
            self.rows.set_recommended(name, fmt_number(getattr(train, name)))

        self.more_button = QToolButton()
        self.more_button.setObjectName("moreSettingsButton")
        self.more_button.setText(gui_text("deep.more"))
        self.more_button.setToolTip(gui_text("deep.more_tip"))
        self.more_button.setCheckable(True)
        self.more_button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.more_button.setArrowType(Qt.RightArrow)
        self.more_button.setFocusPolicy(Qt.StrongFocus)
        self.more_button.setAutoRaise(True)
        outer.addWidget(self.more_button, 0, Qt.AlignLeft)
        self.more = MoreSettings()
        self.more.setContentsMargins(18, 0, 0, 0)
        self.more.hide()
        outer.addWidget(self.more)
        self.reset_button = QPushButton(gui_text("deep.reset"))
        self.reset_button.setObjectName("resetMlpButton")
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_button)
        reset_row.addStretch(1)
        outer.addLayout(reset_row)

        self.more_button.toggled.connect(self._fold)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.reset_button.clicked.connect(self.reset)
        self.set_project("table", "binary")

    # ----- the project
    def set_project(self, data_kind: str, task: str) -> None:
        """Offer the families for ``data_kind``; keep the user's choices when it is the same."""
        self._task = task
        self.more.set_data(data_kind, task)
        if data_kind == self._data_kind:
            return
        self._data_kind = data_kind
        kinds = zoo.kinds_for(data_kind) or (zoo.default_kind("table"),)
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for kind in kinds:
            self.kind_combo.addItem(kind_name(kind), kind)
            self.kind_combo.setItemData(self.kind_combo.count() - 1,
                                        zoo.FAMILIES[kind].describe(), Qt.ToolTipRole)
        self.kind_combo.blockSignals(False)
        default = zoo.default_kind(data_kind) if data_kind in zoo.DEFAULT_KINDS else kinds[0]
        # text keys: gui.deep.kind_{cnn,conv1d,gru,lstm,mlp}, gui.deep.kind_text_{conv,pool}
        self.rows.set_recommended("kind", kind_name(default))
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(default)))
        self._kind_changed()

    def _kind_changed(self, _index: int = 0) -> None:
        """A new family: its own recommended width and depth."""
        kind = self.kind()
        self.about.setText(zoo.FAMILIES[kind].describe())
        arch = zoo.arch_params(kind, {})
        for name in ARCH:
            self._spins[name].setValue(getattr(arch, name))
            self.rows.set_recommended(name, fmt_number(getattr(arch, name)))

    def _fold(self, open_: bool) -> None:
        self.more.setVisible(open_)
        self.more_button.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)

    # ----- values
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def set_learning_rate(self, value: float) -> None:
        self.learning_rate_spin.setValue(value)
        self.learning_rate_spin.setFocus()

    def reset(self) -> None:
        train = TrainParams()
        self.epochs_spin.setValue(train.epochs)
        self.learning_rate_spin.setValue(train.learning_rate)
        default = zoo.default_kind(self._data_kind) \
            if self._data_kind in zoo.DEFAULT_KINDS else self.kind()
        index = self.kind_combo.findData(default)
        if index != self.kind_combo.currentIndex():
            self.kind_combo.setCurrentIndex(index)  # sets width and depth too
        else:
            self._kind_changed()
        self.more.reset()

    def params(self) -> dict:
        """The settings as the ``baselines`` job's ``deep_params`` (the rest keep their
        defaults in the engine)."""
        return {**{name: spin.value() for name, spin in self._spins.items()},
                **self.more.params()}
