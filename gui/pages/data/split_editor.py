"""The split sizes form of the Data page: four shares in percent, a seed, "Reset to
recommended" and "Split the data". It checks only that the shares add up (the form's own
input); the split itself is the engine's ``split`` job, started by the page."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from engine.split import SPLITS, Fractions
from gui.pages.base import gui_text
from gui.pages.labels import note, recommended_mark, set_role

_NAMES = {"train": "trainSpin", "train_dev": "trainDevSpin", "dev": "devSpin",
          "test": "testSpin"}
TOLERANCE = 0.05  # percent points of rounding the shares may be off by


class SplitEditor(QWidget):
    """Emits ``split_requested(fractions, seed)`` with fractions as shares (0-1)."""

    split_requested = Signal(dict, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._recommended: Fractions | None = None
        self._rows = 0
        self._second = False
        self._blocked = ""
        self._busy = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.explain = note(name="splitExplain")
        outer.addWidget(self.explain)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.spins: dict[str, QDoubleSpinBox] = {}
        for row, name in enumerate(SPLITS):
            spin = QDoubleSpinBox()
            spin.setObjectName(_NAMES[name])
            spin.setRange(0.0, 100.0)
            spin.setDecimals(2)
            spin.setSuffix(" %")
            spin.setMinimumWidth(110)
            spin.setToolTip(gui_text(f"data.{name}_tip"))
            label = QLabel(gui_text(f"data.{name}"))
            label.setBuddy(spin)
            tip = QLabel(gui_text(f"data.{name}_tip"))
            tip.setStyleSheet("color: #555;")
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(tip, row, 2)
            spin.valueChanged.connect(self._changed)
            self.spins[name] = spin
        self.seed = QSpinBox()
        self.seed.setObjectName("seedSpin")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(gui_text("data.seed_tip"))
        seed_label = QLabel(gui_text("data.seed"))
        seed_label.setBuddy(self.seed)
        seed_tip = QLabel(gui_text("data.seed_tip"))
        seed_tip.setStyleSheet("color: #555;")
        grid.addWidget(seed_label, len(SPLITS), 0)
        grid.addWidget(self.seed, len(SPLITS), 1)
        grid.addWidget(seed_tip, len(SPLITS), 2)
        grid.setColumnStretch(2, 1)
        outer.addLayout(grid)

        mark_row = QHBoxLayout()
        self.mark = recommended_mark("splitRecommended")
        self.why = QLabel()
        self.why.setObjectName("splitRecommendedWhy")
        mark_row.addWidget(self.mark)
        mark_row.addWidget(self.why)
        mark_row.addStretch(1)
        outer.addLayout(mark_row)
        self.problem = note(name="splitProblem", role="warning")
        outer.addWidget(self.problem)

        buttons = QHBoxLayout()
        self.reset_button = QPushButton(gui_text("data.reset"))
        self.reset_button.setObjectName("resetSplitButton")
        self.split_button = QPushButton(gui_text("data.split"))
        self.split_button.setObjectName("splitButton")
        self.split_button.setToolTip(gui_text("data.split_tip"))
        self.split_button.setMinimumWidth(160)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.split_button)
        self.status = note(name="splitStatus")
        buttons.addWidget(self.status, 1)
        outer.addLayout(buttons)
        self.blocked_label = note(name="splitBlocked", role="warning")
        outer.addWidget(self.blocked_label)

        self.reset_button.clicked.connect(self.reset)
        self.split_button.clicked.connect(self._split_clicked)
        self._changed()

    # ----- filling
    def set_context(self, rows: int, second_file: bool, recommended: Fractions,
                    current: Fractions | None = None, seed: int = 0) -> None:
        """Show the recommended shares for ``rows`` rows, or ``current`` ones of a split."""
        self._rows, self._second, self._recommended = rows, second_file, recommended
        self.explain.setText(gui_text("data.split_hint_second" if second_file
                                      else "data.split_hint"))
        self.why.setText(gui_text("data.recommended_why", rows=f"{rows:,}"))
        self.reset_button.setToolTip(gui_text("data.reset_tip", rows=f"{rows:,}"))
        self._show(current or recommended)
        self.seed.setValue(seed)

    def _show(self, fractions: Fractions) -> None:
        shares = fractions.to_dict()
        for name, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(round(shares[name] * 100.0, 2))
            spin.blockSignals(False)
        self._changed()

    def reset(self) -> None:
        if self._recommended is not None:
            self._show(self._recommended)
            self.seed.setValue(0)

    def set_blocked(self, reason: str) -> None:
        """Refuse splitting, saying why (``""`` to allow it again)."""
        self._blocked = reason
        self.blocked_label.setText(reason)
        self.blocked_label.setVisible(bool(reason))
        self._update_button()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_button()

    def set_status(self, message: str, warning: bool = False) -> None:
        self.status.setText(message)
        set_role(self.status, "warning" if warning else "")

    # ----- reading
    def percents(self) -> dict[str, float]:
        return {name: spin.value() for name, spin in self.spins.items()}

    def is_recommended(self) -> bool:
        if self._recommended is None:
            return False
        shares = self._recommended.to_dict()
        return all(abs(spin.value() - round(shares[name] * 100.0, 2)) < 1e-9
                   for name, spin in self.spins.items())

    def fractions(self) -> dict[str, float]:
        """The shares to split with (exactly the recommended ones when they are shown)."""
        if self.is_recommended():
            return self._recommended.to_dict()
        return {name: value / 100.0 for name, value in self.percents().items()}

    def validation_problem(self) -> str:
        """Why the shares cannot be used, in words; ``""`` when they can."""
        p = self.percents()
        for name in SPLITS:
            if p[name] <= 0:
                return gui_text("data.empty_share", name=gui_text(f"data.name_{name}"))
        if self._second:
            first, second = p["train"] + p["train_dev"], p["dev"] + p["test"]
            if abs(first - 100.0) > TOLERANCE:
                return gui_text("data.sum_wrong_first", total=f"{first:g}")
            if abs(second - 100.0) > TOLERANCE:
                return gui_text("data.sum_wrong_second", total=f"{second:g}")
            return ""
        total = sum(p.values())
        if abs(total - 100.0) > TOLERANCE:
            return gui_text("data.sum_wrong", total=f"{total:.4g}")
        return ""

    # ----- behaviour
    def _changed(self, _value: float = 0.0) -> None:
        problem = self.validation_problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        recommended = self.is_recommended()
        self.mark.setVisible(recommended)
        self.why.setVisible(recommended)
        self._update_button()

    def _update_button(self) -> None:
        ok = not self._blocked and not self._busy and not self.validation_problem() \
            and self._recommended is not None
        self.split_button.setEnabled(ok)
        self.reset_button.setEnabled(not self._blocked and not self._busy)

    def _split_clicked(self) -> None:
        if self.split_button.isEnabled():
            self.split_requested.emit(self.fractions(), self.seed.value())
