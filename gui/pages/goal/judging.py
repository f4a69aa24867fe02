"""How a model is judged: the optimizing metric, the satisfying constraints, the target error
and, optionally, the accuracy its answers must reach when it may refuse to answer.

Used by the Goal page both before a project exists (filled from the engine's suggestion) and
for an open project (filled from its goal). It only collects choices; the engine checks them.
The target error is entered in the metric's error terms: a percentage for metrics where
higher is better (5 % error = 95 % accuracy), the value itself for losses such as MAE.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout,
                               QLabel, QVBoxLayout, QWidget)

from engine.goal import COST, find_metric
from engine.project.parts import GoalConstraint
from gui.pages.base import gui_text
from gui.pages.goal.constraints_editor import ConstraintsEditor
from gui.pages.labels import LABEL_WIDTH, field_label, heading, note, recommended_mark


class JudgingForm(QWidget):
    """Metric combo with its reason, a ``ConstraintsEditor`` and the optional target error."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._suggested: str | None = None
        self._reasons: dict[str, str] = {}
        self._fallback = ""
        self._percent = True
        self._task = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, LABEL_WIDTH)
        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("metricCombo")
        self.metric_combo.setToolTip(gui_text("goal.metric_tip"))
        self.metric_combo.setMinimumWidth(320)
        metric_label = field_label("goal.metric_label", self.metric_combo)
        self.metric_mark = recommended_mark("metricRecommended")
        combo_row = QHBoxLayout()
        combo_row.addWidget(self.metric_combo)
        combo_row.addWidget(self.metric_mark)
        combo_row.addStretch(1)
        grid.addWidget(metric_label, 0, 0)
        grid.addLayout(combo_row, 0, 1)
        self.metric_reason = note(name="metricReason")
        self.metric_explain = note(name="metricExplain", muted=True)
        grid.addWidget(self.metric_reason, 1, 1)
        grid.addWidget(self.metric_explain, 2, 1)
        outer.addLayout(grid)

        outer.addWidget(heading("goal.constraints_heading"))
        outer.addWidget(note(gui_text("goal.constraints_hint"), muted=True))
        self.constraints = ConstraintsEditor()
        outer.addWidget(self.constraints)

        self.error_check = QCheckBox(gui_text("goal.target_error_check"))
        self.error_check.setObjectName("targetErrorCheck")
        self.error_check.setToolTip(gui_text("goal.target_error_tip"))
        self.error_spin = QDoubleSpinBox()
        self.error_spin.setObjectName("targetErrorSpin")
        self.error_spin.setMinimumWidth(130)
        self.error_spin.setEnabled(False)
        self.error_spin.setAccessibleName(gui_text("goal.target_error_check").replace("&", ""))
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_check)
        error_row.addWidget(self.error_spin)
        error_row.addStretch(1)
        outer.addSpacing(6)
        outer.addLayout(error_row)
        self.error_hint = note(name="targetErrorHint", muted=True)
        outer.addWidget(self.error_hint)
        self._set_error_mode(True)
        self._add_abstain(outer)

        self.metric_combo.currentIndexChanged.connect(self._metric_changed)
        self.constraints.changed.connect(self.changed)
        self.error_check.toggled.connect(self._error_toggled)
        self.error_spin.valueChanged.connect(lambda _v: self.changed.emit())

    # ----- filling
    def set_task(self, task: str, metrics: list, suggested: str | None = None,
                 reasons: dict[str, str] | None = None, fallback: str = "",
                 current: str | None = None) -> None:
        """Offer ``metrics`` (``[name, label]`` pairs) of ``task``; preselect ``current``,
        else ``suggested`` (marked recommended), else the first one. ``reasons`` maps a
        metric to why it is there; ``fallback`` is shown for the others."""
        self._suggested = suggested
        self._reasons = dict(reasons or {})
        self._fallback = fallback
        self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for name, label in metrics:
            self.metric_combo.addItem(label, name)
        choose = current or suggested
        index = self.metric_combo.findData(choose) if choose else 0
        self.metric_combo.setCurrentIndex(max(0, index))
        self.metric_combo.blockSignals(False)
        self._task = task
        self.constraints.set_task(task, COST in [name for name, _label in metrics])
        classifier = task != "regression"
        self.abstain_check.setEnabled(classifier)
        self.abstain_spin.setEnabled(classifier and self.abstain_check.isChecked())
        self.abstain_check.setToolTip(gui_text("abstain.tip" if classifier
                                               else "abstain.not_for_regression"))
        self._metric_changed()

    def set_costs_known(self, known: bool) -> None:
        """Offer the expected cost per example as the metric and in the constraints while
        the goal has (or the user is giving) a cost table; take it away otherwise."""
        index = self.metric_combo.findData(COST)
        if known and index < 0 and self._task in ("binary", "multiclass"):
            self.metric_combo.addItem(find_metric(COST).label, COST)
        elif not known and index >= 0:
            chosen = self.metric_combo.currentIndex() == index
            self.metric_combo.blockSignals(True)
            self.metric_combo.removeItem(index)
            if chosen:
                back = self.metric_combo.findData(self._suggested) if self._suggested else 0
                self.metric_combo.setCurrentIndex(max(0, back))
            self.metric_combo.blockSignals(False)
            if chosen:
                self._metric_changed()
        if self._task:
            self.constraints.set_task(self._task, known)

    def set_constraints(self, constraints: Sequence[GoalConstraint]) -> None:
        self.constraints.set_constraints(constraints)

    def set_target_error(self, value: float | None) -> None:
        self.error_check.setChecked(value is not None)
        if value is not None:
            self.error_spin.setValue(value * 100.0 if self._percent else value)

    def set_abstain_accuracy(self, value: float | None) -> None:
        self.abstain_check.setChecked(value is not None)
        if value is not None:
            self.abstain_spin.setValue(value * 100.0)

    # ----- reading
    def metric(self) -> str | None:
        return self.metric_combo.currentData()

    def expressions(self) -> list[str]:
        return self.constraints.expressions()

    def target_error(self) -> float | None:
        """The target error in the metric's error terms (a share for percent metrics)."""
        if not self.error_check.isChecked():
            return None
        value = self.error_spin.value()
        return value / 100.0 if self._percent else value

    def abstain_accuracy(self) -> float | None:
        """The accuracy the answers must reach (a share), or None: answer every example."""
        if not self.abstain_check.isChecked() or not self.abstain_check.isEnabled():
            return None
        return self.abstain_spin.value() / 100.0

    # ----- behaviour
    def _metric_changed(self, _index: int = 0) -> None:
        name = self.metric()
        metric = find_metric(name) if name else None
        self.metric_mark.setVisible(name is not None and name == self._suggested)
        if name in self._reasons:
            reason = self._reasons[name]
        elif self._suggested:
            reason = gui_text("goal.metric_user",
                              suggested=find_metric(self._suggested).label,
                              reason=self._reasons.get(self._suggested, ""))
        else:
            reason = self._fallback
        self.metric_reason.setText(reason)
        self.metric_reason.setVisible(bool(reason))
        self.metric_explain.setText(metric.explanation if metric else "")
        if metric is not None:
            old = self.target_error()
            self._set_error_mode(metric.higher_is_better)
            if old is not None:
                self.set_target_error(old)
            key = "goal.target_error_percent" if self._percent else "goal.target_error_units"
            self.error_hint.setText(gui_text(key, metric=metric.label))
        self.changed.emit()

    def _set_error_mode(self, percent: bool) -> None:
        self._percent = percent
        box = self.error_spin
        box.blockSignals(True)
        if percent:
            box.setRange(0.0, 100.0)
            box.setDecimals(2)
            box.setSuffix(" %")
            box.setSingleStep(0.5)
            box.setValue(5.0)
        else:
            box.setRange(0.0, 1e9)
            box.setDecimals(4)
            box.setSuffix("")
            box.setSingleStep(0.1)
            box.setValue(1.0)
        box.blockSignals(False)

    def _error_toggled(self, on: bool) -> None:
        self.error_spin.setEnabled(on)
        if on and self.error_check.hasFocus():
            self.error_spin.setFocus()
        self.changed.emit()

    def _add_abstain(self, outer: QVBoxLayout) -> None:
        """The optional reject option: refuse to answer below a confidence that keeps the
        answers given right at least the chosen share of the time."""
        self.abstain_check = QCheckBox(gui_text("abstain.check"))
        self.abstain_check.setObjectName("abstainCheck")
        self.abstain_check.setToolTip(gui_text("abstain.tip"))
        self.abstain_spin = QDoubleSpinBox()
        self.abstain_spin.setObjectName("abstainSpin")
        self.abstain_spin.setRange(50.0, 99.9)
        self.abstain_spin.setDecimals(1)
        self.abstain_spin.setSingleStep(0.5)
        self.abstain_spin.setSuffix(" %")
        self.abstain_spin.setValue(95.0)
        self.abstain_spin.setMinimumWidth(130)
        self.abstain_spin.setEnabled(False)
        self.abstain_spin.setAccessibleName(gui_text("abstain.check").replace("&", ""))
        row = QHBoxLayout()
        row.addWidget(self.abstain_check)
        row.addWidget(self.abstain_spin)
        row.addWidget(QLabel(gui_text("abstain.after")))
        row.addStretch(1)
        outer.addSpacing(6)
        outer.addLayout(row)
        outer.addWidget(note(gui_text("abstain.hint"), name="abstainHint", muted=True))
        self.abstain_check.toggled.connect(self._abstain_toggled)
        self.abstain_spin.valueChanged.connect(lambda _v: self.changed.emit())

    def _abstain_toggled(self, on: bool) -> None:
        self.abstain_spin.setEnabled(on)
        if on and self.abstain_check.hasFocus():
            self.abstain_spin.setFocus()
        self.changed.emit()
