"""The live training monitor: loss and metric curves, batch losses, learning rate, alerts.

``LiveMonitor`` takes the ``JobRunner`` and subscribes to its signals. Events only append
numbers the engine computed to growing buffers (preallocated, doubled when full); a timer
hands the buffers to curves created once (``setData``) about 15 times a second, and only
while something changed. A new run (a new ``run_id``) clears the plots; alerts from the
engine appear below them with a warning mark. Tabs beside the curves show the run's
statistics (weight updates, gradients, units, filters: ``gui.telemetry_panels``), redrawn
on the same timer and only while their tab is the one shown. Nothing here computes on data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QStyle,
                               QTabWidget, QVBoxLayout, QWidget)

from engine.core import AlertRaised, BatchEnded, EpochEnded, RunFinished
from gui.jobs import JobRunner
from gui.pages.base import gui_text
from gui.plot_parts import GrowingSeries, RateAxis, WholeNumberAxis, styled_plot
from gui.telemetry_panels import telemetry_panels

__all__ = ["GrowingSeries", "LiveMonitor", "RateAxis", "WholeNumberAxis"]

REFRESH_MS = 100  # 10 Hz: one plot per tick keeps each tick short (see _redraw)

# Okabe-Ito colours, told apart by colour-blind readers; line style and symbol tell
# training from dev rows in grey print too.
TRAIN, DEV, LR = "#0072B2", "#D55E00", "#009E73"


@dataclass(frozen=True)
class CurveSpec:
    """Where a series is drawn and how."""

    panel: str
    label: str
    pen: dict
    symbol: str | None = None


SERIES = {
    "loss": CurveSpec("loss", "train", {"color": TRAIN, "width": 2}, "o"),
    "val_loss": CurveSpec("loss", "dev", {"color": DEV, "width": 2, "style": Qt.DashLine}, "t"),
    "metric": CurveSpec("metric", "train", {"color": TRAIN, "width": 2}, "o"),
    "val_metric": CurveSpec("metric", "dev", {"color": DEV, "width": 2,
                                              "style": Qt.DashLine}, "t"),
    "batch_loss": CurveSpec("batch", "batch_loss", {"color": (0, 114, 178, 70), "width": 1}),
    "smoothed": CurveSpec("batch", "smoothed", {"color": "#0B3C5D", "width": 2.5}),
    "learning_rate": CurveSpec("lr", "learning_rate", {"color": LR, "width": 2}, "s"),
}
# panel: (title key, x axis key, y axis key, long curve: clip to view and downsample)
PANELS = {
    "loss": ("loss_title", "epoch_axis", "loss_axis", False),
    "metric": ("metric_default", "epoch_axis", None, False),
    "batch": ("batch_title", "step_axis", "loss_axis", True),
    "lr": ("lr_title", "step_axis", "lr_axis", True),
}


class LiveMonitor(QWidget):
    """Curves and alerts of the training run the engine is running now."""

    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("liveMonitor")
        self._run_id: str | None = None
        self._fresh_job = False
        self._epoch = 0
        self._series = {name: GrowingSeries() for name in SERIES}
        # An ordered set, oldest change first: curve names, and telemetry panels.
        self._dirty: dict[object, None] = {}
        self._panels: list = []  # telemetry panels (see add_panel)
        self._alerts: list[AlertRaised] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setContentsMargins(6, 4, 6, 2)
        self.title.setObjectName("monitorTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)

        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)  # a single tab needs no tab bar
        self.tabs.setDocumentMode(True)
        curves_tab = QWidget()
        column = QVBoxLayout(curves_tab)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(2)
        self.legend_view = pg.GraphicsLayoutWidget()
        self.legend_view.setBackground("w")
        self.legend_view.setFixedHeight(30)
        self.legend_view.ci.setContentsMargins(6, 0, 0, 0)
        column.addWidget(self.legend_view)
        grid = QGridLayout()
        grid.setSpacing(6)
        column.addLayout(grid, 1)
        self.plots = {name: self._make_plot(name, *spec) for name, spec in PANELS.items()}
        for i, name in enumerate(PANELS):
            grid.addWidget(self.plots[name], i // 2, i % 2)
        self.plots["lr"].setXLink(self.plots["batch"])  # the same steps, one above the other
        self.tabs.addTab(curves_tab, gui_text("monitor.tab_curves"))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.curves = {name: self._make_curve(spec) for name, spec in SERIES.items()}
        # One key for all panels, above them, so no legend hides a curve.
        legend = pg.LegendItem(colCount=4, labelTextColor="#222", labelTextSize="9pt",
                               horSpacing=20, verSpacing=0, frame=False)
        self.legend_view.addItem(legend)
        for name in ("loss", "val_loss", "batch_loss", "smoothed"):
            legend.addItem(self.curves[name], gui_text(f"monitor.{SERIES[name].label}"))

        self.alert_box = QFrame()
        self.alert_box.setObjectName("monitorAlerts")
        self.alert_box.setFrameShape(QFrame.StyledPanel)
        self.alert_rows = QVBoxLayout(self.alert_box)
        self.alert_rows.setContentsMargins(8, 6, 8, 6)
        heading = QLabel(gui_text("monitor.alerts_title"))
        heading.setFont(font)
        self.alert_rows.addWidget(heading)
        layout.addWidget(self.alert_box)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._redraw)
        runner.job_started.connect(self._job_started)  # any job's runs are drawn
        # Weight updates, gradients, units and filters (gui.telemetry_panels): tabs that
        # show while a run sends those statistics.
        for panel in telemetry_panels():
            self.add_panel(panel, panel.title)
        self.reset()

    # ----- building
    def _make_plot(self, name, title_key, x_key, y_key, long_curve) -> pg.PlotWidget:
        return styled_plot(gui_text(f"monitor.{title_key}"), gui_text(f"monitor.{x_key}"),
                           gui_text(f"monitor.{y_key}") if y_key else None,
                           left=RateAxis("left") if name == "lr" else None,
                           # schedules multiply the rate: equal steps look equal
                           log_y=name == "lr", long_curve=long_curve)

    def _make_curve(self, spec: CurveSpec):
        pen = dict(spec.pen)
        style = pen.pop("style", Qt.SolidLine)
        options = {"pen": pg.mkPen(style=style, **pen)}
        if spec.symbol:
            options.update(symbol=spec.symbol, symbolSize=7 if spec.symbol != "s" else 5,
                           symbolPen=pen["color"],
                           symbolBrush="w" if spec.symbol == "t" else pen["color"])
        return self.plots[spec.panel].getPlotItem().plot([], [], **options)

    def add_panel(self, widget: QWidget, title: str) -> None:
        """Add a panel as a tab beside the curves. A telemetry panel (one with ``take``,
        ``redraw``, ``reset`` and ``wanted``, see ``gui.telemetry_panels``) gets every run
        event, is redrawn on the monitor's timer and its tab shows only while it has
        something to show."""
        index = self.tabs.addTab(widget, title)
        if hasattr(widget, "take"):
            self._panels.append(widget)
            self.tabs.setTabVisible(index, widget.wanted())

    def panels(self) -> list:
        """The telemetry panels, in tab order."""
        return list(self._panels)

    def set_data_kind(self, kind: str) -> None:
        """Tell the panels what the examples are (the filters panel waits for images)."""
        for panel in self._panels:
            panel.set_data_kind(kind)

    def set_metric_name(self, name: str) -> None:
        """Title the metric panel with the goal's metric (e.g. "F1 score")."""
        self.plots["metric"].getPlotItem().setTitle(
            gui_text("monitor.metric_title", metric=name), color="#222", size="10pt")

    # ----- state
    def reset(self) -> None:
        """Forget the shown run: empty curves, no alerts, the idle message."""
        self._run_id, self._epoch = None, 0
        for name, series in self._series.items():
            series.clear()
            self.curves[name].setData([], [])
        self._dirty.clear()
        for panel in self._panels:
            panel.reset()
            self._show_tab(panel)
        self._alerts.clear()
        while self.alert_rows.count() > 1:
            row = self.alert_rows.takeAt(1)
            if row.widget() is not None:
                row.widget().deleteLater()
        self.alert_box.hide()
        self.title.setText(gui_text("monitor.idle"))

    def series(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A copy of what curve ``name`` shows (see ``SERIES``), as of the last redraw."""
        x, y = self.curves[name].getOriginalDataset()
        if x is None or y is None:
            return np.empty(0), np.empty(0)
        return np.array(x, dtype=float), np.array(y, dtype=float)

    def alert_texts(self) -> list[str]:
        """The texts of the alerts shown, oldest first."""
        return [alert.text for alert in self._alerts]

    # ----- events
    def _job_started(self, handle) -> None:
        self._fresh_job = True  # the next run event starts a new picture
        handle.event.connect(self._on_event)

    def _on_event(self, event) -> None:
        run_id = getattr(event, "run_id", None)
        if not run_id:
            return  # not a run's event (a tuning trial that ended before its run began)
        if self._fresh_job or run_id != self._run_id:
            if isinstance(event, RunFinished):
                return  # a run with nothing to draw (a baseline): keep the last picture
            self._fresh_job = False
            self.reset()
            self._run_id = run_id
            self.title.setText(gui_text("monitor.starting", run=run_id))
        for panel in self._panels:
            if panel.take(event):
                self._mark(panel)
                self._show_tab(panel)
        if isinstance(event, BatchEnded):
            self._add("batch_loss", event.step, event.batch_loss)
            self._add("smoothed", event.step, event.smoothed)
            if event.learning_rate is not None and event.learning_rate > 0:
                self._add("learning_rate", event.step, event.learning_rate)
        elif isinstance(event, EpochEnded):
            self._epoch = event.epoch
            for name in ("loss", "val_loss", "metric", "val_metric"):
                if name in event.logs:
                    self._add(name, event.epoch, event.logs[name])
            self.title.setText(gui_text("monitor.epoch", run=run_id, epoch=event.epoch,
                                        epochs=event.epochs))
        elif isinstance(event, AlertRaised):
            self._show_alert(event)
        elif isinstance(event, RunFinished):
            key = event.status if event.status in ("finished", "cancelled", "failed") \
                else "finished"
            self.title.setText(gui_text(f"monitor.{key}", run=run_id, epoch=self._epoch))

    def _add(self, name: str, x: float, y: float) -> None:
        if not math.isfinite(y):
            return  # nothing to draw; an alert says what happened
        self._series[name].append(x, y)
        self._mark(name)

    def _mark(self, key) -> None:
        """Note that curve ``key`` (a name) or a telemetry panel needs a redraw."""
        self._dirty[key] = None
        if not self._timer.isActive():
            self._timer.start()

    def _show_tab(self, panel) -> None:
        index = self.tabs.indexOf(panel)
        wanted = panel.wanted()
        if self.tabs.isTabVisible(index) != wanted:
            self.tabs.setTabVisible(index, wanted)

    def _tab_changed(self, _index: int) -> None:
        panel = self.tabs.currentWidget()
        if panel in self._panels and panel.stale:
            self._mark(panel)  # it was not redrawn while hidden

    def _show_alert(self, alert: AlertRaised) -> None:
        self._alerts.append(alert)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 2, 0, 2)
        mark = QLabel()
        icon = (QStyle.SP_MessageBoxCritical if alert.severity == "error"
                else QStyle.SP_MessageBoxWarning)
        mark.setPixmap(self.style().standardIcon(icon).pixmap(20, 20))
        mark.setAlignment(Qt.AlignTop)
        mark.setAccessibleName(alert.severity)
        text = QLabel(alert.text)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        line.addWidget(mark)
        line.addWidget(text, 1)
        self.alert_rows.addWidget(row)
        self.alert_box.show()

    def _redraw(self) -> None:
        """Update the curves of ONE plot per tick: repainting a plot with its axes costs
        ~10 ms on a small machine, and all four at once (every epoch end) made the window
        late by 40-60 ms. Round-robin keeps each tick short; every plot still updates
        several times a second."""
        if not self._dirty:
            self._timer.stop()
            return
        first = next(iter(self._dirty))
        if not isinstance(first, str):  # a telemetry panel: drawn only where it is seen
            self._dirty.pop(first)
            first.stale = self.tabs.currentWidget() is not first
            if not first.stale:
                first.redraw()
            return
        panel = self._panel_of(first)
        for name in [n for n in self._dirty if isinstance(n, str)
                     and self._panel_of(n) is panel]:
            self.curves[name].setData(*self._series[name].data())
            self._dirty.pop(name, None)

    def _panel_of(self, name: str):
        return self.curves[name].getViewBox()
