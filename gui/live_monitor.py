"""The live training monitor: loss and metric curves, batch losses, learning rate, alerts.

``LiveMonitor`` takes the ``JobRunner`` and subscribes to its signals. Events only append
numbers the engine computed to growing buffers (preallocated, doubled when full); a timer
hands the buffers to curves created once (``setData``) about 15 times a second, and only
while something changed. A new run (a new ``run_id``) clears the plots; alerts from the
engine appear below them with a warning mark. Nothing here computes on data.
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

from engine.jobs import AlertRaised, BatchEnded, EpochEnded, RunFinished
from gui.jobs import JobRunner
from gui.pages.base import gui_text

REFRESH_MS = 100  # 10 Hz: one plot per tick keeps each tick short (see _redraw)

# Okabe-Ito colours, told apart by colour-blind readers; line style and symbol tell
# training from dev rows in grey print too.
TRAIN, DEV, LR = "#0072B2", "#D55E00", "#009E73"


class GrowingSeries:
    """(x, y) points in preallocated arrays that double when full.

    ``data()`` returns views of the filled part; a cleared series gets fresh arrays, so a
    view handed to a curve earlier is never overwritten.
    """

    def __init__(self, capacity: int = 256) -> None:
        self._capacity = capacity
        self.clear()

    def clear(self) -> None:
        self._x = np.empty(self._capacity)
        self._y = np.empty(self._capacity)
        self._n = 0

    def append(self, x: float, y: float) -> None:
        if self._n == len(self._x):
            self._x = np.concatenate([self._x, np.empty(len(self._x))])
            self._y = np.concatenate([self._y, np.empty(len(self._y))])
        self._x[self._n] = x
        self._y[self._n] = y
        self._n += 1

    def __len__(self) -> int:
        return self._n

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[:self._n], self._y[:self._n]


class WholeNumberAxis(pg.AxisItem):
    """A bottom axis for epochs and steps: ticks only at whole numbers."""

    def tickSpacing(self, minVal, maxVal, size):
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1]
        return levels or [(1.0, 0.0)]


class RateAxis(pg.AxisItem):
    """A log-scale axis for the learning rate, labelled only at 1, 2 and 5 times a power
    of ten (pyqtgraph labels every minor tick when the range is under one decade)."""

    def tickStrings(self, values, scale, spacing):
        strings = super().tickStrings(values, scale, spacing)
        if not self.logMode:
            return strings
        return [text if round(10 ** (v - math.floor(v + 1e-9)), 6) in (1.0, 2.0, 5.0) else ""
                for v, text in zip(values, strings)]


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
        self._dirty: dict[str, None] = {}  # an ordered set: oldest change first
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
        # Room for the telemetry panels of a later step (weight-update ratios per layer,
        # dead or saturated units, gradient norms): they arrive as tabs via add_panel().
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
        runner.job_started.connect(self._job_started)
        runner.job_event.connect(self._on_event)
        self.reset()

    # ----- building
    def _make_plot(self, name, title_key, x_key, y_key, long_curve) -> pg.PlotWidget:
        axes = {"bottom": WholeNumberAxis("bottom")}
        if name == "lr":
            axes["left"] = RateAxis("left")
        widget = pg.PlotWidget(background="w", axisItems=axes)
        widget.setMinimumSize(260, 180)
        item = widget.getPlotItem()
        item.setTitle(gui_text(f"monitor.{title_key}"), color="#222", size="10pt")
        item.showGrid(x=True, y=True, alpha=0.15)
        item.getViewBox().setDefaultPadding(0.05)  # end points are not cut by the frame
        item.hideButtons()
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen("#888")
            axis.setTextPen("#333")
            axis.enableAutoSIPrefix(False)  # "800 (x0.001)" means nothing to a non-programmer
        item.setLabel("bottom", gui_text(f"monitor.{x_key}"), color="#333")
        if y_key:
            item.setLabel("left", gui_text(f"monitor.{y_key}"), color="#333")
        if name == "lr":
            item.setLogMode(y=True)  # schedules multiply the rate: equal steps look equal
        if long_curve:
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")
        return widget

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
        """Add a telemetry panel as a tab beside the curves."""
        self.tabs.addTab(widget, title)

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
    def _job_started(self, _job: str) -> None:
        self._fresh_job = True  # the next run event starts a new picture

    def _on_event(self, event) -> None:
        run_id = getattr(event, "run_id", None)
        if run_id is None:
            return
        if self._fresh_job or run_id != self._run_id:
            if isinstance(event, RunFinished):
                return  # a run with nothing to draw (a baseline): keep the last picture
            self._fresh_job = False
            self.reset()
            self._run_id = run_id
            self.title.setText(gui_text("monitor.starting", run=run_id))
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
        self._dirty[name] = None
        if not self._timer.isActive():
            self._timer.start()

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
        panel = self._panel_of(next(iter(self._dirty)))
        for name in [n for n in self._dirty if self._panel_of(n) is panel]:
            self.curves[name].setData(*self._series[name].data())
            self._dirty.pop(name, None)

    def _panel_of(self, name: str):
        return self.curves[name].getViewBox()
