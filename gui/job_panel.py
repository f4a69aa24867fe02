"""The strip at the bottom that shows a running job: what it does, a progress bar, the time
left and a Cancel button (Esc)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from engine.core import EpochEnded, Progress, StageStarted
from gui.jobs import JobRunner
from gui.pages.base import gui_text


class JobPanel(QWidget):
    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("jobPanel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 4)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.eta = QLabel()
        self.cancel_button = QPushButton(gui_text("job.cancel"))
        self.cancel_button.setToolTip(gui_text("job.cancel_tip"))
        self.cancel_button.clicked.connect(self._cancel)
        QShortcut(QKeySequence(Qt.Key_Escape), parent or self, self._cancel,
                  context=Qt.WindowShortcut)
        layout.addWidget(self.label, 2)
        layout.addWidget(self.bar, 3)
        layout.addWidget(self.eta)
        layout.addWidget(self.cancel_button)
        self._start = 0.0
        self._outer: tuple[float, float] | None = None
        self._inner = 0.0
        runner.job_started.connect(self._started)
        runner.busy_changed.connect(self._busy)
        runner.cancel_requested.connect(self._stopping)
        self.hide()

    def _started(self, handle) -> None:
        handle.event.connect(self._event)
        job = handle.name
        self._start = time.monotonic()
        self._outer, self._inner = None, 0.0
        try:
            # text keys: gui.job.{baselines,diagnose,predict,report,split,train,tune}
            # text keys: gui.job.check_file, gui.job.error_analysis, gui.job.export_model
            # text keys: gui.job.final_test, gui.job.learning_curve, gui.job.new_project
            # text keys: gui.job.suggest_goal, gui.job.tuning_overview, gui.job.storage_check
            # text keys: gui.job.why_example, gui.job.why_new_row
            # text keys: gui.job.fetch_weights, gui.job.add_weights
            self.label.setText(gui_text(f"job.{job}"))
        except KeyError:
            self.label.setText(gui_text("job.generic"))
        self.bar.setRange(0, 0)  # busy until the first progress arrives
        self.eta.setText("")
        self.cancel_button.setEnabled(True)
        self.show()

    def _event(self, event) -> None:
        if isinstance(event, StageStarted):
            self.label.setText(event.text)
        elif isinstance(event, Progress):
            self.label.setText(event.text)
            self._outer, self._inner = (event.done, event.total), 0.0
        elif isinstance(event, EpochEnded) and event.epochs:
            self._inner = event.epoch / event.epochs
        else:
            return
        self._show_fraction()

    def _show_fraction(self) -> None:
        if self._outer is not None and self._outer[1]:
            fraction = (self._outer[0] + self._inner) / self._outer[1]
        else:
            fraction = self._inner
        if fraction <= 0:
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * min(fraction, 1.0)))
        elapsed = time.monotonic() - self._start
        if elapsed > 1.0 and fraction > 0.02:
            left = elapsed * (1 - fraction) / fraction
            self.eta.setText(gui_text("job.eta", time=_duration(left)))

    def _cancel(self) -> None:
        if self.runner.busy:
            self.runner.cancel()

    def _stopping(self) -> None:
        """A stop was asked for (here or by a page's own Stop button)."""
        self.cancel_button.setEnabled(False)
        self.label.setText(gui_text("job.stopping"))

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.hide()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
