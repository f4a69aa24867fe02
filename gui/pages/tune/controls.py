"""How the Tune page searches: method, early stopping, budget, epochs, workers, round,
whether each trial is scored over folds (small data), and the Start / Stop buttons.

The widget only collects choices (``request_for`` builds the engine's ``TuneRequest``
from them) and shows whether a search can start;
the page starts the ``tune`` job. A budget is a number of trials, a time limit, or both.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout)

from engine.core import TUNING_EPOCHS
from engine.words import fmt_count
from engine.tuning import SearchSpace, grid_size
from engine.tuning import PRUNERS, SAMPLERS, TuneRequest, TuningSettings
from gui.pages.base import gui_text
from gui.pages.labels import note, set_role
from gui.pages.setting_rows import int_spin

DEFAULT_TRIALS = 20
DEFAULT_EPOCHS = TUNING_EPOCHS
FOLD_CHOICES = (0, 3, 5, 10)
"""Scoring each trial on the dev rows (0), or by its mean error over K folds."""


def _ct(key: str, **values) -> str:
    return gui_text(f"tune.controls.{key}", **values)


def cores() -> int:
    return max(1, os.cpu_count() or 1)


class TuneControls(QGroupBox):
    """Method, budget and the buttons that start and stop the search."""

    start_requested = Signal()
    stop_requested = Signal()
    test_requested = Signal(str)
    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(_ct("title"), parent)
        self.setObjectName("tuneControls")
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.sampler = QComboBox()
        self.sampler.setObjectName("samplerCombo")
        for name in SAMPLERS:
            # text keys: gui.tune.controls.sampler_{random,tpe,grid}
            self.sampler.addItem(_ct(f"sampler_{name}"), name)
        self.pruner = QComboBox()
        self.pruner.setObjectName("prunerCombo")
        for name in ("", *PRUNERS):
            # text keys: gui.tune.controls.pruner_{default,median,hyperband,none}
            self.pruner.addItem(_ct(f"pruner_{name or 'default'}"), name)
        self.trials = self._spin("trialsSpin", 0, 100_000, DEFAULT_TRIALS)
        self.minutes = self._spin("minutesSpin", 0, 100_000, 0)
        self.minutes.setSuffix(_ct("minutes_suffix"))
        self.epochs = self._spin("tuneEpochsSpin", 1, 10_000, DEFAULT_EPOCHS)
        self.workers = self._spin("workersSpin", 1, cores(), 1)
        self.round = self._spin("roundSpin", 1, 999, 1)
        self.kfold = QComboBox()
        self.kfold.setObjectName("kfoldCombo")
        for folds in FOLD_CHOICES:
            self.kfold.addItem(_ct("kfold_folds", n=folds) if folds else _ct("kfold_off"), folds)
        fields = (("sampler", self.sampler), ("pruner", self.pruner), ("trials", self.trials),
                  ("minutes", self.minutes), ("epochs", self.epochs),
                  ("workers", self.workers), ("round", self.round), ("kfold", self.kfold))
        for i, (key, field) in enumerate(fields):
            label = QLabel(_ct(key))
            label.setBuddy(field)
            tip = _ct(f"{key}_tip", cores=cores()) if key == "workers" else _ct(f"{key}_tip")
            field.setToolTip(tip)
            row, col = (0, 2 * i) if i < 2 else (1 + (i - 2) // 3, 2 * ((i - 2) % 3))
            grid.addWidget(label, row, col)
            grid.addWidget(field, row, col + 1)
        grid.setColumnStretch(6, 1)
        layout.addLayout(grid)
        layout.addLayout(self._storage_row())
        self.storage_note = note("", "storageCheckNote")
        self.storage_note.hide()
        layout.addWidget(self.storage_note)
        for spin in (self.trials, self.minutes):
            spin.setSpecialValueText(_ct("no_limit"))
        for combo in (self.sampler, self.pruner, self.kfold):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for spin in (self.trials, self.minutes, self.epochs, self.workers, self.round):
            spin.valueChanged.connect(lambda _v: self.changed.emit())

        buttons = QHBoxLayout()
        self.start_button = QPushButton(_ct("start"))
        self.start_button.setObjectName("startTuneButton")
        self.start_button.setToolTip(_ct("start_tip"))
        self.start_button.clicked.connect(self.start_requested)
        self.stop_button = QPushButton(_ct("stop"))
        self.stop_button.setObjectName("stopTuneButton")
        self.stop_button.setToolTip(_ct("stop_tip"))
        self.stop_button.clicked.connect(self.stop_requested)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.state_note = note("", "tuneStateNote", muted=True)
        layout.addWidget(self.state_note)

    def _storage_row(self) -> QHBoxLayout:
        """Where the study lives: empty for the journal file, or a database address, with
        the button that tries it."""
        row = QHBoxLayout()
        self.storage = QLineEdit()
        self.storage.setObjectName("storageEdit")
        self.storage.setPlaceholderText(_ct("storage_placeholder"))
        self.storage.setToolTip(_ct("storage_tip"))
        self.storage.setClearButtonEnabled(True)
        self.storage.textChanged.connect(self._storage_edited)
        label = QLabel(_ct("storage"))
        label.setBuddy(self.storage)
        self.test_button = QPushButton(_ct("test_storage"))
        self.test_button.setObjectName("testStorageButton")
        self.test_button.setToolTip(_ct("test_storage_tip"))
        self.test_button.clicked.connect(
            lambda: self.test_requested.emit(self.storage.text().strip()))
        row.addWidget(label)
        row.addWidget(self.storage, 1)
        row.addWidget(self.test_button)
        return row

    def _storage_edited(self, _text: str) -> None:
        self.storage_note.hide()  # the last answer was about another address
        self.changed.emit()

    def show_storage_check(self, ok: bool | None, line: str) -> None:
        """Show the connection check's line (``ok`` None: it is running)."""
        set_role(self.storage_note, "" if ok is None else "recommended" if ok else "warning")
        self.storage_note.setText(line)
        self.storage_note.show()

    def _spin(self, name: str, low: int, high: int, value: int) -> QSpinBox:
        spin = int_spin(name, low, high, value)
        spin.setMinimumWidth(90)
        spin.setMaximumWidth(140)
        return spin

    def tab_chain(self) -> list:
        return [self.sampler, self.pruner, self.trials, self.minutes, self.epochs,
                self.workers, self.round, self.kfold, self.storage, self.test_button,
                self.start_button, self.stop_button]

    # ----- loading and reading
    def load(self, settings: TuningSettings | None, next_round: int = 1) -> None:
        """Show the last search's method and epochs, or the defaults; the round is the last
        search's (continuing it)."""
        if settings is None:
            settings = TuningSettings(epochs=DEFAULT_EPOCHS, round=next_round)
        self.sampler.setCurrentIndex(max(0, self.sampler.findData(settings.sampler)))
        self.pruner.setCurrentIndex(max(0, self.pruner.findData(settings.pruner)))
        self.epochs.setValue(int(settings.epochs))
        self.round.setValue(int(settings.round))
        if self.kfold.findData(int(settings.kfold)) < 0:
            self.kfold.addItem(_ct("kfold_folds", n=settings.kfold), int(settings.kfold))
        self.kfold.setCurrentIndex(self.kfold.findData(int(settings.kfold)))

    def request_for(self, space: dict, project_dir: str = "") -> TuneRequest:
        """The ``tune`` job's request: ``space`` searched with the choices made here."""
        trials = self.trials.value() or None
        minutes = self.minutes.value()
        return TuneRequest(project=str(project_dir), trials=trials,
                           seconds=60.0 * minutes if minutes else None,
                           workers=self.workers.value(), sampler=self.sampler.currentData(),
                           pruner=self.pruner.currentData(), epochs=self.epochs.value(),
                           space=space, round=self.round.value(),
                           kfold=int(self.kfold.currentData() or 0),
                           storage=self.storage.text().strip())

    def has_budget(self) -> bool:
        return bool(self.trials.value() or self.minutes.value())

    # ----- state
    def show_state(self, ready: bool, tuning: bool, busy: bool, space: dict | None) -> None:
        """Enable what may be used now and say in a line what Start would do.

        Args:
            ready: the step is open and the ranges have no problem.
            tuning: a search of this page runs now.
            busy: some job runs now.
            space: the ranges (for the size of a grid), None when they have problems.
        """
        for field in (self.sampler, self.pruner, self.trials, self.minutes, self.epochs,
                      self.workers, self.round, self.kfold, self.storage, self.test_button):
            field.setEnabled(not busy)
        self.start_button.setEnabled(ready and not busy and self.has_budget())
        self.stop_button.setEnabled(tuning)
        if tuning:
            words = _ct("running")
        elif busy:
            words = _ct("busy")
        elif not self.has_budget():
            words = _ct("need_budget")
        elif not ready:
            words = ""
        else:
            epochs = self.epochs.value()
            words = _ct("ready", trials=self._budget_words(),
                        epochs=_ct("epoch_word") if epochs == 1 else _ct("epochs_word", n=epochs))
            if self.sampler.currentData() == "grid" and space is not None:
                n = grid_size(SearchSpace.from_dict(space))
                words += " " + _ct("grid_size", n=fmt_count(n))
            if self.kfold.currentData():
                words += " " + _ct("kfold_ready", n=self.kfold.currentData())
        self.state_note.setText(words)
        self.state_note.setVisible(bool(words))

    def _budget_words(self) -> str:
        trials, minutes = self.trials.value(), self.minutes.value()
        if trials and minutes:
            return _ct("ready_both", n=trials, m=minutes)
        if trials == 1:
            return _ct("ready_trial")
        return _ct("ready_trials", n=trials) if trials else _ct("ready_minutes", n=minutes)
