"""One row of the Tune page's ranges editor: a hyperparameter searched or fixed.

``RangeRow`` holds the widgets of one ``engine.tuning.space.ParamRange`` (search tick box,
from / to, log or linear scale, choices or fixed value), loads a range into them and reads
them back as a ``ParamRange`` with the problems of what the user typed, in plain words.
A setting the study already searched keeps its scale and its choices (Optuna cannot change
them within a study): ``lock`` disables those controls and says why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from engine.words import fmt_number
from engine.core import text
from engine.tuning import CATEGORICAL, INT, Axis, ParamRange
from gui.pages.base import gui_text

INVALID = "QLineEdit { border: 1px solid #c62828; background: #fff3f3; }"


def param_label(name: str) -> str:
    """The plain name of hyperparameter ``name`` ("Learning rate")."""
    try:
        return text(f"gui.tune.param.{name}")
    except KeyError:
        return name.replace("_", " ")


def param_tip(name: str) -> str:
    try:
        return text(f"gui.tune.param_tip.{name}")
    except KeyError:
        return ""


def _ed(key: str, **values) -> str:
    return gui_text(f"tune.editor.{key}", **values)


def shown(value: Any) -> str:
    """A value as the editor writes it ("0.001", "64", "yes", "adam")."""
    return fmt_number(value)


class NumberEdit(QLineEdit):
    """A box for one number. Keeps the exact value it was given until the user edits the
    text, so a range loaded from the engine is not rounded by showing it short."""

    def __init__(self, name: str, tip: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setToolTip(tip)
        self.setMinimumWidth(80)
        self.setMaximumWidth(110)
        self._value: float | None = None
        self._text = ""

    def set_number(self, value: float | None) -> None:
        self._value = value
        self._text = "" if value is None else shown(value)
        self.setText(self._text)

    def number(self) -> tuple[float | None, str]:
        """(value, typed text); value None when the text is not a number."""
        typed = self.text().strip()
        if typed == self._text and self._value is not None:
            return float(self._value), typed
        try:
            return float(typed), typed
        except ValueError:
            return None, typed


class RangeRow(QObject):
    """The widgets of one hyperparameter; ``allowed`` are the choices it may take (the
    recommended list), for a categorical."""

    changed = Signal()

    def __init__(self, param: ParamRange, allowed: tuple = (), parent=None) -> None:
        super().__init__(parent)
        self.name = param.name
        self.kind = param.kind
        self.allowed = tuple(allowed) or tuple(param.choices)
        self.label = QLabel(param_label(self.name))
        # text keys: gui.tune.param_tip.{augment,depth,dropout,filters,imbalance,l2,optimizer}
        # text keys: gui.tune.param_tip.{schedule,width,batch_norm,batch_size,embed_dim}
        # text keys: gui.tune.param_tip.learning_rate
        self.label.setToolTip(param_tip(self.name))
        self.search = QCheckBox()
        self.search.setObjectName(f"search_{self.name}")
        self.search.setToolTip(_ed("search_tip"))
        self.search.setAccessibleName(f"{_ed('col_search')}: {param_label(self.name)}")
        self.label.setBuddy(self.search)
        self.low = NumberEdit(f"low_{self.name}", _ed("low_tip"))
        self.high = NumberEdit(f"high_{self.name}", _ed("high_tip"))
        self.scale = QComboBox()
        self.scale.setObjectName(f"scale_{self.name}")
        self.scale.addItem(_ed("log"), True)
        self.scale.addItem(_ed("linear"), False)
        self.choices = QLineEdit()
        self.choices.setObjectName(f"choices_{self.name}")
        allowed_text = ", ".join(shown(c) for c in self.allowed)
        self._choices_tip = _ed("choices_tip", allowed=allowed_text)
        self.choices.setToolTip(self._choices_tip)
        self.choices.setMinimumWidth(250)
        if self.kind == CATEGORICAL:
            self.fixed: QWidget = QComboBox()
            for choice in self.allowed:
                self.fixed.addItem(shown(choice), choice)
            self.fixed.currentIndexChanged.connect(lambda _i: self.changed.emit())
        else:
            self.fixed = NumberEdit(f"fixed_{self.name}", _ed("fixed_tip"))
            self.fixed.textChanged.connect(lambda _t: self.changed.emit())
        self.fixed.setObjectName(f"fixed_{self.name}")
        self.fixed.setToolTip(_ed("fixed_tip"))
        for edit in (self.low, self.high, self.choices):
            edit.textChanged.connect(lambda _t: self.changed.emit())
            edit.setAccessibleName(f"{param_label(self.name)}: {edit.toolTip()}")
        self.fixed.setAccessibleName(f"{param_label(self.name)}: {_ed('col_fixed')}")
        self.scale.setAccessibleName(f"{param_label(self.name)}: {_ed('col_scale')}")
        self.scale.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.search.toggled.connect(self._search_toggled)
        self._scale_lock = ""
        self._choices_lock = False
        self.load(param)

    def widgets(self) -> list[QWidget]:
        """The row's cells in column order (name, search, from, to, scale, choices, fixed)."""
        return [self.label, self.search, self.low, self.high, self.scale, self.choices,
                self.fixed]

    # ----- loading
    def load(self, p: ParamRange) -> None:
        """Show range ``p`` (values of a fixed numeric also fill its range boxes)."""
        for w in (self.search, self.scale, self.fixed):
            w.blockSignals(True)
        numeric = self.kind != CATEGORICAL
        if numeric:
            self.low.set_number(p.low)
            self.high.set_number(p.high)
            self.scale.setCurrentIndex(0 if p.log else 1)
            self.fixed.set_number(p.fixed if p.fixed is not None else p.low)
        else:
            choices = p.choices or self.allowed
            self.choices.setText(", ".join(shown(c) for c in choices))
            self.choices.setCursorPosition(0)
            value = p.fixed if p.fixed is not None else choices[0]
            index = next((i for i, c in enumerate(self.allowed) if shown(c) == shown(value)), 0)
            self.fixed.setCurrentIndex(index)
        self.search.setChecked(p.searched)
        for w in (self.search, self.scale, self.fixed):
            w.blockSignals(False)
        self._update_enabled()
        self.changed.emit()

    def lock(self, axis: Axis | None) -> None:
        """Keep the scale and the choices the study's earlier trials used (``axis`` from the
        summary's ``axes``; None: not searched yet, nothing locked)."""
        self._scale_lock = ""
        self._choices_lock = False
        if axis is not None and self.kind != CATEGORICAL:
            log = axis.log
            self._scale_lock = _ed("scale_locked", scale=_ed("log" if log else "linear"))
            self.scale.setCurrentIndex(0 if log else 1)
        elif axis is not None:
            self._choices_lock = True
            self.choices.setText(", ".join(shown(c) for c in axis.choices))
            self.choices.setCursorPosition(0)
        self.scale.setToolTip(self._scale_lock or _ed("scale_tip"))
        self.choices.setToolTip(_ed("choices_locked") if self._choices_lock
                                else self._choices_tip)
        self._update_enabled()

    def set_enabled(self, on: bool) -> None:
        self._enabled = on
        self._update_enabled()

    def _search_toggled(self, _on: bool) -> None:
        self._update_enabled()
        self.changed.emit()

    def _update_enabled(self) -> None:
        on = getattr(self, "_enabled", True)
        searched = self.search.isChecked()
        numeric = self.kind != CATEGORICAL
        self.search.setEnabled(on)
        self.low.setEnabled(on and numeric and searched)
        self.high.setEnabled(on and numeric and searched)
        self.scale.setEnabled(on and numeric and searched and not self._scale_lock)
        self.choices.setEnabled(on and not numeric and searched and not self._choices_lock)
        self.fixed.setEnabled(on and not searched)
        for w in (self.low, self.high, self.scale):
            w.setVisible(numeric)
        self.choices.setVisible(not numeric)

    # ----- reading
    def param(self) -> tuple[ParamRange | None, list[str]]:
        """The range the widgets describe, or None with the problems in plain words."""
        # text keys: gui.tune.param.{augment,depth,dropout,filters,imbalance,l2,optimizer,schedule}
        # text keys: gui.tune.param.{width,batch_norm,batch_size,embed_dim,learning_rate}
        label = param_label(self.name)
        problems: list[str] = []
        edits = [self.low, self.high, self.choices]
        if not isinstance(self.fixed, QComboBox):
            edits.append(self.fixed)
        bad: set = set()
        searched = self.search.isChecked()
        result = None
        if self.kind == CATEGORICAL:
            if searched:
                picked, problems = self._read_choices(label)
                if problems:
                    bad.add(self.choices)
                else:
                    result = ParamRange(self.name, self.kind, choices=tuple(picked))
            else:
                result = ParamRange(self.name, self.kind, choices=self.allowed,
                                    fixed=self.fixed.currentData())
        elif searched:
            low = self._read(self.low, label, problems, bad)
            high = self._read(self.high, label, problems, bad)
            log = bool(self.scale.currentData())
            if low is not None and high is not None:
                if low > high:
                    problems.append(_ed("problem_order", name=label, low=shown(low),
                                        high=shown(high)))
                    bad.update((self.low, self.high))
                elif log and low <= 0:
                    problems.append(_ed("problem_log", name=label))
                    bad.add(self.low)
                else:
                    result = self._checked(lambda: ParamRange(self.name, self.kind, low, high,
                                                              log),
                                           problems, bad, (self.low, self.high))
        else:
            value = self._read(self.fixed, label, problems, bad)
            if value is not None:
                low, high = self.low.number()[0], self.high.number()[0]
                result = self._checked(lambda: ParamRange(
                    self.name, self.kind, low, high, bool(self.scale.currentData()),
                    fixed=value), problems, bad, (self.fixed,))
        for edit in edits:
            edit.setStyleSheet(INVALID if edit in bad else "")
        return (None if problems else result), problems

    @staticmethod
    def _checked(make, problems: list, bad: set, edits: tuple):
        """``make()``'s range, or None with the engine's own words for what it refused (the
        limits the engine process checks too, so no job starts with them)."""
        try:
            return make()
        except ValueError as exc:
            problems.append(str(exc))
            bad.update(edits)
            return None

    def _read(self, edit: NumberEdit, label: str, problems: list, bad: set):
        value, typed = edit.number()
        if value is None:
            problems.append(_ed("problem_number", name=label, value=typed))
            bad.add(edit)
            return None
        if self.kind == INT:
            if not float(value).is_integer():
                problems.append(_ed("problem_whole", name=label, value=typed))
                bad.add(edit)
                return None
            return int(value)
        return float(value)

    def _read_choices(self, label: str) -> tuple[list, list[str]]:
        by_text = {shown(c).lower(): c for c in self.allowed}
        picked, problems = [], []
        for token in (t.strip() for t in self.choices.text().split(",")):
            if not token:
                continue
            if token.lower() not in by_text:
                problems.append(_ed("problem_choice", name=label, value=token,
                                    allowed=", ".join(shown(c) for c in self.allowed)))
                continue
            choice = by_text[token.lower()]
            if choice not in picked:
                picked.append(choice)
        if not picked and not problems:
            problems.append(_ed("problem_no_choice", name=label))
        return picked, problems
