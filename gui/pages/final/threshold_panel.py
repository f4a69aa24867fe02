"""The "Decision threshold" box of the Final page (yes/no tasks only).

From which probability of "yes" the chosen model answers "yes". The user picks a rule (the
best optimizing metric, a limit to meet such as ``recall >= 0.9``, or the lowest expected
cost when the goal has a cost table) and draws the dev curve: the ``threshold`` job with
``save`` off computes it in the engine (``engine.decision.threshold``) and says which
threshold the rule picks. The plot shows precision and recall (and the optimizing metric,
and the expected cost) against the threshold, with the picked point and a line the user
can drag to set the threshold by hand. "Save threshold" runs the job again with ``save``
on (the rule, or "manual" at the line when it was moved).

Nothing is computed here: the figures shown beside a moved line are read from the curve
the engine drew (the nearest of its points). Once the vault is open the box is read-only
and says why: the threshold is part of the model and was fixed before the test.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout)

from engine.decision.requests import ThresholdRequest
from engine.decision.threshold import load_curve
from engine.decision.threshold_curve import ThresholdCurve
from engine.final.gate import vault_gate
from engine.goal.decision import rule_for
from engine.project import find_run
from engine.project.parts import Goal
from engine.words import metric_label
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.plot_parts import styled_plot

COLOURS = {"precision": "#1f5fa8", "recall": "#c2571a", "metric": "#2e7d32",
           "cost": "#7b1fa2"}
COUNTED = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "f1_macro",
           "f1_weighted")


def _key(name: str, **values) -> str:
    return gui_text(f"threshold.{name}", **values)


class ThresholdPanel(QGroupBox):
    """Rule, curve with a draggable line, the figures at the line, Draw and Save."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(_key("title"), parent)
        self.setObjectName("thresholdPanel")
        self.session = session
        layout = QVBoxLayout(self)
        layout.addWidget(note(_key("about"), "thresholdAbout"))
        row = QHBoxLayout()
        label = QLabel(_key("rule_label"))
        self.rule = QComboBox()
        self.rule.setObjectName("thresholdRule")
        self.rule.setToolTip(_key("rule_tip"))
        label.setBuddy(self.rule)
        self.rule.currentIndexChanged.connect(self._rule_changed)
        self.meet = QLineEdit()
        self.meet.setObjectName("thresholdMeet")
        self.meet.setPlaceholderText("recall >= 0.9")
        self.meet.setToolTip(_key("meet_tip"))
        self.meet.setMaximumWidth(180)
        self.draw_button = QPushButton(_key("draw"))
        self.draw_button.setObjectName("drawThresholdButton")
        self.draw_button.setToolTip(_key("draw_tip"))
        self.draw_button.clicked.connect(self.draw)
        self.save_button = QPushButton(_key("save"))
        self.save_button.setObjectName("saveThresholdButton")
        self.save_button.setToolTip(_key("save_tip"))
        self.save_button.clicked.connect(self.save)
        for widget in (label, self.rule, self.meet, self.draw_button, self.save_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = note("", "thresholdStatus")
        self.locked = note("", "thresholdLocked", role="warning")
        layout.addWidget(self.status)
        layout.addWidget(self.locked)
        self.plot = styled_plot(_key("plot_title"), _key("axis_threshold"), _key("axis_value"),
                                bottom=pg.AxisItem("bottom"), still=True, min_size=(420, 260))
        self.plot.setObjectName("thresholdPlot")
        self.plot.getPlotItem().addLegend(offset=(-10, 10), labelTextColor="#222")
        layout.addWidget(self.plot)
        self.at_line = note("", "thresholdAtLine")
        layout.addWidget(self.at_line)
        self.line: pg.InfiniteLine | None = None
        self.curve: ThresholdCurve | None = None
        self.proposed: dict | None = None   # the engine's choice for the drawn curve
        self._busy = False
        self._chosen_value = math.nan
        session.project_changed.connect(self.refresh)
        session.runner.busy_changed.connect(self._busy_changed)
        self.refresh()

    # ----- actions
    def draw(self) -> None:
        """Ask the engine for the dev curve and what the rule picks (nothing saved)."""
        rule, meet = self._rule()
        handle = self.session.run(ThresholdRequest(rule=rule, meet=meet, save=False),
                                  then=self._drawn)
        self._watch(handle)

    def save(self) -> None:
        """Save the rule's choice, or the line's position when the user moved it."""
        value = self.line_value()
        rule, meet = self._rule()
        if self.moved():
            rule, meet = "manual", ""
        request = ThresholdRequest(rule=rule, meet=meet,
                                   value=value if rule == "manual" else None, save=True)
        self._watch(self.session.run(request, then=self._saved))

    def _watch(self, handle) -> None:
        self._busy = handle is not None
        if handle is not None:
            handle.failed.connect(self._ended)
            handle.cancelled.connect(self._ended)
        self._update_buttons()

    def _ended(self, *_args) -> None:
        self._busy = False
        self._update_buttons()

    def _drawn(self, result: dict) -> None:
        self._busy = False
        self.curve = ThresholdCurve.from_dict(result["curve"])
        self.proposed = dict(result["choice"])
        self._show_curve(self.proposed["value"])
        self.plot.setVisible(True)
        self.at_line.setVisible(True)
        self.status.setText(result.get("line", ""))
        self._update_buttons()

    def _saved(self, _result: dict) -> None:
        self._busy = False
        self.proposed = None
        self.refresh()

    # ----- showing the project
    def refresh(self) -> None:
        project = self.session.project
        goal = (project.goal or Goal()) if project is not None else Goal()
        run = find_run(project, project.chosen_run) if project is not None else None
        shown = (project is not None and run is not None and goal.task == "binary"
                 and goal.positive_label is not None)
        self.setVisible(shown)
        if not shown:
            return
        self._fill_rules(goal)
        rule = rule_for(project.decision_rule, run.id)
        saved = rule.threshold if rule is not None else None
        notes = list(vault_gate(project).notes)
        if saved is not None:
            words = _key("saved", value=f"{saved.value:.3g}", rule=_key(f"rule_{saved.rule}"),
                         label=run.label)
            if rule.after_test_seen:
                words += " " + _key("late")
            self.status.setText(" ".join([words, *notes]))
        else:
            self.status.setText(" ".join([_key("none_yet", label=run.label), *notes]))
        if self.proposed is None or self.curve is None or self.curve.run != run.id:
            self.curve = load_curve(project, run.id) if saved is not None else None
            self.proposed = None
            if self.curve is not None:
                self._show_curve(saved.value)
        self.plot.setVisible(self.curve is not None)
        self.at_line.setVisible(self.curve is not None)
        self._update_buttons()

    def _fill_rules(self, goal: Goal) -> None:
        wanted = [("metric", _key("rule_best", metric=metric_label(goal.metric))),
                  ("constraint", _key("rule_meet"))]
        if goal.costs is not None:
            wanted.append(("cost", _key("rule_cost")))
        if [self.rule.itemData(i) for i in range(self.rule.count())] == [w[0] for w in wanted]:
            return
        self.rule.blockSignals(True)
        self.rule.clear()
        for key, words in wanted:
            self.rule.addItem(words, key)
        self.rule.blockSignals(False)
        limit = next((c for c in goal.constraints if c.quantity in COUNTED), None)
        if limit is not None and not self.meet.text():
            self.meet.setText(f"{limit.quantity} {limit.op} {limit.bound:g}")
        self._rule_changed()

    def _rule(self) -> tuple[str, str]:
        rule = self.rule.currentData() or "metric"
        return rule, (self.meet.text().strip() or "recall >= 0.9") if rule == "constraint" else ""

    def _rule_changed(self, *_args) -> None:
        self.meet.setVisible(self.rule.currentData() == "constraint")

    def _busy_changed(self, _busy: bool) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        project = self.session.project
        opened = bool(project is not None and project.vault.is_open)
        idle = not self.session.runner.busy and not self._busy
        self.locked.setVisible(opened)
        if opened:
            self.locked.setText(_key("locked"))
        self.rule.setEnabled(not opened)
        self.meet.setEnabled(not opened)
        self.draw_button.setEnabled(idle)
        self.save_button.setEnabled(idle and not opened and self.curve is not None)
        if self.line is not None:
            self.line.setMovable(not opened)
            self._line_moved()

    # ----- the curve
    def _show_curve(self, value: float) -> None:
        curve = self.curve
        item = self.plot.getPlotItem()
        item.clear()
        x = np.asarray(curve.thresholds, dtype=float)
        series = [("precision", _key("precision"), curve.precision),
                  ("recall", _key("recall"), curve.recall)]
        if curve.values and curve.metric not in ("precision", "recall"):
            series.append(("metric", metric_label(curve.metric), curve.values))
        for key, name, values in series:
            item.plot(x, np.asarray(values, dtype=float), name=name,
                      pen=pg.mkPen(COLOURS[key], width=2), connect="finite")
        if curve.costs:
            costs = np.asarray(curve.costs, dtype=float)
            top = np.nanmax(costs) if np.isfinite(costs).any() else 1.0
            item.plot(x, costs / (top or 1.0), name=_key("cost_scaled", unit=curve.cost_unit),
                      pen=pg.mkPen(COLOURS["cost"], width=2, style=Qt.DashLine),
                      connect="finite")
        item.setXRange(0.0, 1.0, padding=0.02)
        item.setYRange(0.0, 1.0, padding=0.04)
        self.line = pg.InfiniteLine(pos=value, angle=90, movable=True,
                                    pen=pg.mkPen("#222", width=2),
                                    hoverPen=pg.mkPen("#d32f2f", width=3),
                                    bounds=(0.0, 1.0), label="{value:.3f}",
                                    labelOpts={"position": 0.93, "color": "#222"})
        self.line.sigPositionChanged.connect(self._line_moved)
        item.addItem(self.line)
        self._chosen_value = float(value)
        k = self._nearest(value)
        item.plot([x[k]], [curve.recall[k]], pen=None, symbol="o", symbolSize=9,
                  symbolBrush=pg.mkBrush(COLOURS["recall"]), symbolPen=pg.mkPen("#222"))
        item.plot([x[k]], [curve.precision[k]], pen=None, symbol="o", symbolSize=9,
                  symbolBrush=pg.mkBrush(COLOURS["precision"]), symbolPen=pg.mkPen("#222"))
        self._line_moved()

    def _nearest(self, value: float) -> int:
        x = np.asarray(self.curve.thresholds, dtype=float)
        return int(np.argmin(np.abs(x - float(value)))) if len(x) else 0

    def _line_moved(self, *_args) -> None:
        if self.curve is None or self.line is None:
            return
        k = self._nearest(self.line_value())
        parts = [f"{_key('precision')} {_fmt(self.curve.precision[k])}",
                 f"{_key('recall')} {_fmt(self.curve.recall[k])}"]
        if self.curve.values and self.curve.metric not in ("precision", "recall"):
            parts.append(f"{metric_label(self.curve.metric)} {_fmt(self.curve.values[k])}")
        if self.curve.costs:
            parts.append(_key("cost_at", cost=_fmt(self.curve.costs[k]),
                              unit=self.curve.cost_unit))
        project = self.session.project
        locked = project is not None and project.vault.is_open
        key = "at_line_locked" if locked else "at_line_moved" if self.moved() else "at_line"
        self.at_line.setText(_key(key, value=f"{self.line_value():.3f}",
                                  figures=", ".join(parts), rows=self.curve.rows))

    # ----- for tests and the save button
    def line_value(self) -> float:
        """Where the line stands (the threshold the user sees)."""
        return float(self.line.value()) if self.line is not None else math.nan

    def moved(self) -> bool:
        """Whether the user moved the line away from the rule's (or the saved) threshold."""
        return (self.line is not None
                and abs(self.line_value() - self._chosen_value) > 1e-6)


def _fmt(value: float) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"
