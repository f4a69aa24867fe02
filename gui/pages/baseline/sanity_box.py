"""The Baseline page's "Checks before training" box: what the engine's sanity checks found
(``project.sanity``), each check's verdict in plain words with a pass or fail mark, and the
learning rate the range test proposes, with a button that puts it into the settings and a
small plot of the test's curve. When the test's guard found no better rate than the default
(code ``keep_default``), the box says so and the button puts the default back.

The verdicts, texts and numbers are the engine's (``engine.baseline.sanity_checks``); this box only
shows them. Emits ``use_rate(rate)`` and ``run_requested()``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from engine.models import TrainParams
from engine.project.parts import SanityRecord
from engine.words import fmt_number
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.plot_parts import RateAxis, styled_plot

CHECKS = ("initial_loss", "overfit", "lr_range")
PASS_COLOUR, FAIL_COLOUR = "#2e7d32", "#b3261e"
CURVE = "#0072B2"


def _floats(values) -> np.ndarray:
    """A list from JSON (None for a number that was not finite) as floats for a curve."""
    return np.array([math.nan if v is None else v for v in values or ()], dtype=float)


def _mark(label: QLabel, passed: bool) -> None:
    label.setText("\u2713" if passed else "\u2717")
    label.setAccessibleName(gui_text("sanity.passed" if passed else "sanity.failed"))
    label.setToolTip(label.accessibleName())
    colour = PASS_COLOUR if passed else FAIL_COLOUR
    label.setStyleSheet(f"color: {colour}; font-size: 16px; font-weight: 700;")


class SanityBox(QGroupBox):
    """Shows a sanity report (``project.sanity``) or says when the checks run."""

    use_rate = Signal(float)
    run_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(gui_text("sanity.title"), parent)
        self.setObjectName("sanityBox")
        self._rate: float | None = None
        outer = QVBoxLayout(self)
        self.intro = note(gui_text("sanity.intro"), "sanityIntro", muted=True)
        outer.addWidget(self.intro)
        head = QHBoxLayout()
        self.verdict_mark = QLabel()
        self.verdict_mark.setObjectName("sanityVerdictMark")
        self.verdict = note(name="sanityVerdict")
        self.verdict.setStyleSheet("font-weight: 600;")
        head.addWidget(self.verdict_mark, 0, Qt.AlignTop)
        head.addWidget(self.verdict, 1)
        outer.addLayout(head)
        self.model_note = note(name="sanityModel", muted=True)
        outer.addWidget(self.model_note)
        self.stale = note(name="sanityStale", role="warning")
        outer.addWidget(self.stale)

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(8)
        self.marks: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        for row, check in enumerate(CHECKS):
            mark = QLabel()
            mark.setObjectName(f"{check}Mark")
            title = QLabel(gui_text(f"sanity.{check}"))
            title.setStyleSheet("font-weight: 600;")
            body = note(name=f"{check}Text")
            grid.addWidget(mark, row, 0, Qt.AlignTop)
            grid.addWidget(title, row, 1, Qt.AlignTop)
            grid.addWidget(body, row, 2)
            self.marks[check], self.titles[check], self.texts[check] = mark, title, body
        outer.addLayout(grid)

        rate_row = QHBoxLayout()
        self.rate_label = QLabel()
        self.rate_label.setObjectName("proposedRate")
        self.use_button = QPushButton(gui_text("sanity.use_rate"))
        self.use_button.setObjectName("useRateButton")
        self.use_button.setToolTip(gui_text("sanity.use_rate_tip"))
        rate_row.addWidget(self.rate_label)
        rate_row.addWidget(self.use_button)
        rate_row.addStretch(1)
        outer.addLayout(rate_row)
        self.plot = self._make_plot()
        outer.addWidget(self.plot)

        run_row = QHBoxLayout()
        self.run_button = QPushButton(gui_text("sanity.run"))
        self.run_button.setObjectName("runSanityButton")
        self.run_button.setToolTip(gui_text("sanity.run_tip"))
        run_row.addWidget(self.run_button)
        run_row.addStretch(1)
        outer.addLayout(run_row)
        self.use_button.clicked.connect(self._use)
        self.run_button.clicked.connect(self.run_requested)
        self.show_report(None)

    def _make_plot(self) -> pg.PlotWidget:
        widget = styled_plot(gui_text("sanity.curve_title"), gui_text("sanity.curve_x"),
                             gui_text("sanity.curve_y"), bottom=RateAxis("bottom"), still=True)
        widget.setObjectName("lrCurvePlot")
        widget.setFixedHeight(190)
        widget.setMaximumWidth(560)
        item = widget.getPlotItem()
        item.setLogMode(x=True)
        self.curve = item.plot([], [], pen=pg.mkPen(CURVE, width=2), connect="finite")
        self.proposal = pg.InfiniteLine(angle=90, pen=pg.mkPen(PASS_COLOUR, width=1.5,
                                                               style=Qt.DashLine))
        item.addItem(self.proposal, ignoreBounds=True)
        return widget

    # ----- showing
    def show_report(self, report: SanityRecord | None, model_name: str = "",
                    chosen_name: str = "") -> None:
        """Show ``report`` (``project.sanity``), made for ``model_name``; say so when the
        network chosen now (``chosen_name``) is another one."""
        shown = report is not None
        self.intro.setVisible(not shown)
        for widget in (self.verdict_mark, self.verdict, self.model_note, self.rate_label,
                       self.use_button, self.plot):
            widget.setVisible(shown)
        for check in CHECKS:
            for widget in (self.marks[check], self.titles[check], self.texts[check]):
                widget.setVisible(shown)
        self.stale.setVisible(shown and bool(chosen_name) and chosen_name != model_name)
        if not shown:
            self._rate = None
            return
        _mark(self.verdict_mark, report.passed)
        self.verdict.setText(report.text or gui_text(
            "sanity.all_passed" if report.passed else "sanity.some_failed"))
        self.model_note.setText(gui_text("sanity.model", model=model_name))
        self.stale.setText(gui_text("sanity.stale", model=model_name, chosen=chosen_name))
        for check in CHECKS:
            result = report.check(check)
            _mark(self.marks[check], result is not None and result.passed)
            self.texts[check].setText(result.text if result is not None else "")
        lr = report.lr_range
        rate = report.suggested_learning_rate
        keep = rate is None and lr is not None and lr.code == "keep_default"
        if keep:
            rate = TrainParams().learning_rate
        self._rate = float(rate) if rate is not None else None
        self.rate_label.setText(
            gui_text("sanity.keep_default", rate=fmt_number(self._rate)) if keep else
            gui_text("sanity.proposed", rate=fmt_number(self._rate))
            if self._rate is not None else gui_text("sanity.no_proposal"))
        self.use_button.setEnabled(self._rate is not None)
        x, y = (_floats(lr.learning_rates), _floats(lr.losses)) if lr is not None else ([], [])
        drawable = len(x) == len(y) and len(x) > 1
        self.curve.setData(x if drawable else [], y if drawable else [])
        self.plot.setVisible(drawable)
        self.proposal.setVisible(self._rate is not None and self._rate > 0)
        if self._rate is not None and self._rate > 0:
            self.proposal.setValue(math.log10(self._rate))  # the axis is in powers of ten

    def set_busy(self, busy: bool, can_run: bool) -> None:
        self.run_button.setEnabled(can_run and not busy)
        self.use_button.setEnabled(self._rate is not None)

    def proposed_rate(self) -> float | None:
        return self._rate

    def _use(self) -> None:
        if self._rate is not None:
            self.use_rate.emit(self._rate)
