"""The "Calibration" box of the Final test page: make the chosen model's probabilities mean
what they say, before the vault opens.

The user picks a method (auto, temperature, Platt, isotonic, or none to remove it) and
starts the ``calibrate`` job; the engine fits the map on the dev rows and measures it by
cross-fitting (``engine.decision.calibration``). The box shows what is stored in
``project.decision_rule``: the error before and after in plain words and the reliability
diagram (how often the model was right against how sure it said it was, before and after,
with the diagonal of honest probabilities). Once the vault is open the box says why it can
no longer be changed here.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from engine.decision.calibration import calibration_lines
from engine.decision.requests import CalibrateRequest
from engine.project import find_run
from gui.pages.base import gui_text
from gui.pages.final.curves_panel import ShareAxis
from gui.pages.labels import note
from gui.plot_parts import styled_plot

# As engine.decision.calibration.METHODS; Platt and isotonic only for yes/no tasks.
METHODS = ("auto", "temperature", "platt", "isotonic", "none")
TWO_CLASS_ONLY = ("platt", "isotonic")
DIAGONAL_PEN = pg.mkPen("#777", width=1, style=Qt.DotLine)
BEFORE_PEN = pg.mkPen("#9a9a9a", width=2, style=Qt.DashLine)
AFTER_PEN = pg.mkPen("#1f4e9c", width=2)
PLOT_SIZE = (380, 300)


def _key(name: str, **values) -> str:
    return gui_text(f"calibration.{name}", **values)


class CalibrationPanel(QGroupBox):
    """Method, the button that calibrates, what it gave, the reliability diagram."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(_key("title"), parent)
        self.setObjectName("calibrationBox")
        self.session = session
        layout = QVBoxLayout(self)
        self.about = note(_key("about"), "calibrationAbout")
        layout.addWidget(self.about)
        row = QHBoxLayout()
        self.method = QComboBox()
        self.method.setObjectName("calibrationMethod")
        for method in METHODS:
            # text keys: gui.calibration.method_auto, gui.calibration.method_temperature
            # text keys: gui.calibration.method_platt, gui.calibration.method_isotonic
            # text keys: gui.calibration.method_none
            self.method.addItem(_key(f"method_{method}"), method)
        self.method.setToolTip(_key("method_tip"))
        label = QLabel(_key("method"))
        label.setBuddy(self.method)
        self.button = QPushButton(_key("run"))
        self.button.setObjectName("calibrateButton")
        self.button.setToolTip(_key("run_tip"))
        self.button.clicked.connect(self.calibrate)
        for widget in (label, self.method, self.button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.button_note = note("", "calibrationButtonNote", muted=True)
        layout.addWidget(self.button_note)
        self.threshold_note = note("", "calibrationThresholdNote", role="warning")
        layout.addWidget(self.threshold_note)
        # The sentences on the left, the diagram beside them on the right.
        result_row = QHBoxLayout()
        self.sentences = note("", "calibrationSentences")
        self.sentences.setTextFormat(Qt.RichText)
        self.sentences.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        result_row.addWidget(self.sentences, 1)
        self.plot = styled_plot(_key("plot_title"), _key("axis_confidence"),
                                _key("axis_right"), left=ShareAxis("left"),
                                bottom=ShareAxis("bottom"), still=True, min_size=PLOT_SIZE)
        self.plot.setObjectName("reliabilityPlot")
        self.plot.setMaximumSize(PLOT_SIZE[0] + 60, PLOT_SIZE[1] + 40)
        result_row.addWidget(self.plot, 0, Qt.AlignTop)
        layout.addLayout(result_row)
        self._drawn: dict[str, list[tuple[float, float, int]]] = {}
        session.project_changed.connect(self.refresh)
        session.runner.busy_changed.connect(self._busy_changed)  # a method: gone with us
        self.refresh()

    # ----- action
    def calibrate(self) -> None:
        self.session.run(CalibrateRequest(method=self.method.currentData()))

    # ----- showing the project
    def refresh(self) -> None:
        project = self.session.project
        goal = project.goal if project is not None else None
        self.setVisible(goal is not None and not goal.is_regression)
        if goal is None or goal.is_regression:
            self._update_button()
            return
        two_classes = len(goal.labels) == 2
        model = self.method.model()
        for i, method in enumerate(METHODS):
            model.item(i).setEnabled(two_classes or method not in TWO_CLASS_ONLY)
        if not two_classes and self.method.currentData() in TWO_CLASS_ONLY:
            self.method.setCurrentIndex(0)
        self._update_button()
        run = find_run(project, project.chosen_run) if project is not None else None
        rule = project.decision_rule if project is not None else None
        fit = rule.calibration if rule is not None and run is not None \
            and rule.applies_to(run.id) else None
        lines = calibration_lines(fit, run.label if run is not None else "")
        if fit is not None and rule.after_test_seen:
            lines.append(_key("after_test"))
        self.sentences.setText(_rich(lines))
        self.sentences.setVisible(run is not None)
        self.threshold_note.setVisible(bool(fit is not None and rule.threshold is not None
                                            and _threshold_is_older(project)))
        self.threshold_note.setText(_key("threshold_again"))
        self.plot.setVisible(fit is not None)
        self._draw(fit)

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        project = self.session.project
        chosen = find_run(project, project.chosen_run) if project is not None else None
        opened = project is not None and project.vault_open
        busy = self.session.runner.busy
        self.button.setEnabled(chosen is not None and not busy and not opened)
        self.method.setEnabled(chosen is not None and not opened)
        self.about.setVisible(not opened)  # after the test: only what was done, and why
        if chosen is None:
            self.button_note.setText(_key("no_choice"))
        elif opened:
            self.button_note.setText(_key("vault_open"))
        elif busy:
            self.button_note.setText(_key("busy"))
        else:
            self.button_note.setText(_key("for_run", label=chosen.label))

    # ----- the diagram
    def _draw(self, fit) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        if item.legend is None:
            item.addLegend(offset=(8, 8), labelTextColor="#222",
                           brush=pg.mkBrush(255, 255, 255, 210))
        else:
            item.legend.clear()
        self._drawn = {}
        if fit is None:
            return
        item.plot([0, 1], [0, 1], pen=DIAGONAL_PEN, name=_key("diagonal"))
        for key, bins, pen, symbol, brush in (
                ("before", fit.reliability_before, BEFORE_PEN, "s", "#9a9a9a"),
                ("after", fit.reliability_after, AFTER_PEN, "o", "#1f4e9c")):
            ordered = sorted(bins)
            self._drawn[key] = list(ordered)
            if not ordered:
                continue
            # text keys: gui.calibration.before, gui.calibration.after
            item.plot([b[0] for b in ordered], [b[1] for b in ordered], pen=pen,
                      symbol=symbol, symbolSize=8, symbolBrush=brush, symbolPen=None,
                      name=_key(key))
        item.setRange(xRange=(-0.03, 1.03), yRange=(-0.03, 1.03), padding=0)

    # ----- for tests
    def drawn(self) -> dict[str, list[tuple[float, float, int]]]:
        """The bins as drawn, ``before`` and ``after`` (for tests)."""
        return {k: list(v) for k, v in self._drawn.items()}


def _rich(lines: list[str]) -> str:
    """The error before and after first, in bold, then what it means, then how it was
    measured (``calibration_lines`` gives: how, the error, what it means)."""
    if len(lines) < 2:
        return "<br>".join(html.escape(line) for line in lines)
    how, error, *rest = lines
    said = [f"<b>{html.escape(error)}</b>", *(html.escape(line) for line in rest)]
    return "<p>" + "<br>".join(said) + "</p><p>" + html.escape(how) + "</p>"


def _threshold_is_older(project) -> bool:
    """True when the latest calibration was made after the threshold was chosen (the log
    entry of the calibration says it kept a threshold chosen on the earlier scores)."""
    for decision in reversed(project.decisions):
        if decision.kind == "calibration":
            return bool(decision.details.get("threshold_chosen_on_earlier_scores"))
        if "threshold" in decision.kind:
            return False
    return False
