"""The "Which inputs matter" tab of the Diagnose page.

The user starts the ``explain`` job for the chosen model; the engine shuffles (or, for
pictures, covers) each input on the dev rows and saves how much worse the model gets
(``engine.diagnosis.importance``). This panel shows the saved result: a ranked bar chart
with each input's interval, the plain sentences and, when one input carries almost all of
the importance, the warning that it may give the answer away.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.diagnosis.importance import importance_lines, load_importance
from engine.diagnosis.requests import ExplainRequest
from engine.words import fmt_time
from gui.pages.base import gui_text
from gui.pages.diagnose.chosen_run_button import update_for_chosen_run
from gui.pages.labels import note
from gui.pages.setting_rows import int_spin
from gui.plot_parts import styled_plot

SHOWN = 15  # inputs in the chart; the sentences and the report name the rest
BAR_BRUSH = pg.mkBrush("#1f5fa8")
WEAK_BRUSH = pg.mkBrush("#9fb7d6")  # interval reaches zero: not clearly relied on


def _key(name: str, **values) -> str:
    return gui_text(f"importance.{name}", **values)


class ImportancePanel(QWidget):
    """Repeats, the button that measures, the chart, the sentences and the warning."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("importanceTab")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(note(_key("about"), "importanceAbout"))

        row = QHBoxLayout()
        self.repeats = int_spin("importanceRepeats", 1, 50, 5)
        self.repeats.setToolTip(_key("repeats_tip"))
        label = QLabel(_key("repeats"))
        label.setBuddy(self.repeats)
        self.measure_button = QPushButton(_key("measure"))
        self.measure_button.setObjectName("measureImportanceButton")
        self.measure_button.setToolTip(_key("measure_tip"))
        self.measure_button.clicked.connect(self.measure)
        for widget in (label, self.repeats, self.measure_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.button_note = note("", "importanceButtonNote", muted=True)
        self.measured_for = note("", "importanceMeasuredFor", muted=True)
        self.leak = note("", "importanceLeak", role="warning")
        layout.addWidget(self.button_note)
        layout.addWidget(self.measured_for)
        layout.addWidget(self.leak)
        self.plot = styled_plot(_key("plot_title"), _key("axis_drop"),
                                bottom=pg.AxisItem("bottom"), still=True, min_size=(320, 300))
        self.plot.setObjectName("importancePlot")
        layout.addWidget(self.plot)
        self.sentences = note("", "importanceSentences")
        self.sentences.setTextFormat(Qt.RichText)
        layout.addWidget(self.sentences)
        layout.addStretch(1)
        self._bars: list[tuple[str, float, float, float]] = []
        session.project_changed.connect(self.refresh)
        session.runner.busy_changed.connect(self._busy_changed)  # a method: gone with us
        self.refresh()

    # ----- action
    def measure(self) -> None:
        self.session.run(ExplainRequest(repeats=self.repeats.value()))

    # ----- showing the project
    def refresh(self) -> None:
        project = self.session.project
        result = load_importance(project) if project is not None else None
        shown = result is not None
        for widget in (self.plot, self.sentences, self.measured_for):
            widget.setVisible(shown)
        self._update_button()
        self.leak.setVisible(bool(shown and result.leak))
        if not shown:
            self._bars = []
            return
        self.measured_for.setText(_key("measured_for", label=result.label,
                                       when=fmt_time(result.created),
                                       seconds=f"{result.seconds:.1f}"))
        lines = importance_lines(result)
        if result.leak:
            self.leak.setText(lines[-1])
            lines = lines[:-1]
        self.sentences.setText("<br>".join(html.escape(line) for line in lines))
        self._draw(result)

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        # text keys: gui.importance.no_choice, gui.importance.busy, gui.importance.for_run
        update_for_chosen_run(self.session, self.measure_button, self.button_note, _key)

    # ----- the chart
    def _draw(self, result) -> None:
        inputs = result.inputs[:SHOWN]
        item = self.plot.getPlotItem()
        item.clear()
        self._bars = [(i.name, i.mean, i.low, i.high) for i in inputs]
        if not inputs:
            return
        # The most important input on top: row 0 is drawn highest.
        y = np.arange(len(inputs))[::-1].astype(float)
        means = np.array([i.mean for i in inputs])
        low = np.array([i.low for i in inputs])
        high = np.array([i.high for i in inputs])
        brushes = [BAR_BRUSH if i.low > 0 else WEAK_BRUSH for i in inputs]
        item.addItem(pg.BarGraphItem(x0=np.minimum(means, 0), y=y, height=0.6,
                                     width=np.abs(means), brushes=brushes, pen=None))
        item.addItem(pg.ErrorBarItem(x=means, y=y, left=means - low, right=high - means,
                                     beam=0.2, pen=pg.mkPen("#222")))
        item.getAxis("left").setTicks([list(zip(y.tolist(), [i.name for i in inputs]))])
        item.setLabel("bottom", _key("axis_drop_metric", metric=result.metric), color="#333")
        item.addLine(x=0, pen=pg.mkPen("#555", style=Qt.DashLine))
        self.plot.setMinimumHeight(max(300, 26 * len(inputs) + 80))

    # ----- for tests
    def bars(self) -> list[tuple[str, float, float, float]]:
        """The inputs as drawn, top first: name, importance, interval (for tests)."""
        return list(self._bars)
