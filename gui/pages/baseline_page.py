"""Step 3 — Baseline: the three proposed models, the network's main settings, the live
monitor while they train, and a table of every run with its errors and measurements.

Training runs in the engine process (``baselines`` job); every number in the table comes
from the project's run records, formatted by the report's helpers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from engine.diagnose_step import feasibility
from engine.models.mlp_params import MlpParams
from engine.report.formatting import (error_is_share, fmt_count, fmt_error, fmt_number,
                                      metric_label)
from gui.live_monitor import LiveMonitor
from gui.pages.base import StepPage, gui_text
from gui.result_table import ResultTable, settle_layout

SPLITS = ("train", "train_dev", "dev")
MONITOR_HEIGHT = 520


class BaselinePage(StepPage):
    step = "baseline"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        models_box = QGroupBox(gui_text("baseline.models_title"))
        models_box.setObjectName("modelsBox")
        self.models = QLabel()
        self.models.setObjectName("baselineModels")
        self.models.setWordWrap(True)
        self.models.setTextFormat(Qt.RichText)
        QVBoxLayout(models_box).addWidget(self.models)
        self.body.addWidget(models_box)
        self.body.addWidget(self._settings_box())

        row = QHBoxLayout()
        self.train_button = QPushButton(gui_text("baseline.train"))
        self.train_button.setObjectName("trainBaselinesButton")
        self.train_button.setToolTip(gui_text("baseline.train_tip"))
        self.train_button.clicked.connect(self.train)
        row.addWidget(self.train_button)
        self.blocked = QLabel()
        self.blocked.setObjectName("baselineBlocked")
        self.blocked.setWordWrap(True)
        row.addWidget(self.blocked, 1)
        self.body.addLayout(row)
        self.vault_note = QLabel(gui_text("baseline.after_vault_note"))
        self.vault_note.setObjectName("afterVaultNote")
        self.vault_note.setProperty("role", "warning")
        self.vault_note.setWordWrap(True)
        self.body.addWidget(self.vault_note)

        self.monitor = LiveMonitor(session.runner)  # objectName "liveMonitor"
        self.monitor.setMaximumHeight(MONITOR_HEIGHT)  # the runs table stays in reach
        self.body.addWidget(self.monitor)

        runs_box = QGroupBox(gui_text("baseline.runs_title"))
        runs_box.setObjectName("runsBox")
        runs_layout = QVBoxLayout(runs_box)
        self.runs_intro = QLabel()
        self.runs_intro.setObjectName("runsIntro")
        self.runs_intro.setWordWrap(True)
        runs_layout.addWidget(self.runs_intro)
        self.table = ResultTable("runsTable")
        runs_layout.addWidget(self.table)
        self.body.addWidget(runs_box)
        session.runner.busy_changed.connect(self._busy_changed)
        self.finish_layout()

    # ----- the network's settings
    def _settings_box(self) -> QGroupBox:
        box = QGroupBox(gui_text("baseline.mlp_title"))
        box.setObjectName("mlpSettings")
        form = QFormLayout(box)
        defaults = MlpParams()
        self.epochs_spin = self._int_spin("epochsSpin", 1, 10_000, defaults.epochs)
        self.width_spin = self._int_spin("widthSpin", 1, 4096, defaults.width)
        self.depth_spin = self._int_spin("depthSpin", 1, 12, defaults.depth)
        self.learning_rate_spin = QDoubleSpinBox()
        self.learning_rate_spin.setObjectName("learningRateSpin")
        self.learning_rate_spin.setDecimals(5)
        self.learning_rate_spin.setRange(0.00001, 1.0)
        self.learning_rate_spin.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
        self.learning_rate_spin.setValue(defaults.learning_rate)
        self._spins = {"epochs": self.epochs_spin, "width": self.width_spin,
                       "depth": self.depth_spin, "learning_rate": self.learning_rate_spin}
        for name, spin in self._spins.items():
            spin.setToolTip(gui_text(f"baseline.{name}_tip"))
            mark = QLabel(gui_text("baseline.recommended",
                                   value=fmt_number(getattr(defaults, name))))
            mark.setObjectName(f"{name}Recommended")
            mark.setProperty("role", "recommended")
            line = QWidget()
            layout = QHBoxLayout(line)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(spin)
            layout.addWidget(mark)
            layout.addStretch(1)
            label = QLabel(gui_text(f"baseline.{name}"))
            label.setBuddy(spin)
            form.addRow(label, line)
        self.reset_button = QPushButton(gui_text("baseline.reset"))
        self.reset_button.setObjectName("resetMlpButton")
        self.reset_button.clicked.connect(self.reset_settings)
        reset_row = QHBoxLayout()
        reset_row.addWidget(self.reset_button)
        reset_row.addStretch(1)
        form.addRow("", reset_row)
        return box

    @staticmethod
    def _int_spin(name: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setGroupSeparatorShown(True)
        return spin

    def reset_settings(self) -> None:
        defaults = MlpParams()
        for name, spin in self._spins.items():
            spin.setValue(getattr(defaults, name))

    def mlp_params(self) -> dict:
        """The settings as the ``baselines`` job takes them (the rest keep their defaults)."""
        return {name: spin.value() for name, spin in self._spins.items()}

    # ----- actions
    def train(self) -> None:
        self.session.run("baselines", {"mlp_params": self.mlp_params()})

    def refresh(self) -> None:
        self._show_project()
        settle_layout()

    def _show_project(self) -> None:
        project = self.project
        states = self.session.states()
        goal = (project.goal or {}) if project is not None else {}
        kind = "regression" if goal.get("task") == "regression" else "classification"
        self.models.setText(gui_text(f"baseline.models_{kind}"))
        if goal.get("metric"):
            self.monitor.set_metric_name(metric_label(goal["metric"]))
        ready = states is not None and states["baseline"].state != "locked"
        self.blocked.setText("" if ready else gui_text("baseline.locked"))
        self.vault_note.setVisible(bool(project is not None and project.vault_open))
        self._update_button()
        self._fill_table()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()

    def _update_button(self) -> None:
        states = self.session.states()
        ready = states is not None and states["baseline"].state != "locked"
        self.train_button.setEnabled(ready and not self.session.runner.busy)

    def _fill_table(self) -> None:
        project = self.project
        runs = list(project.runs) if project is not None else []
        self.table.setVisible(bool(runs))
        if not runs:
            self.runs_intro.setText(gui_text("baseline.no_runs"))
            self.table.fill([], [])
            return
        metric = (project.goal or {}).get("metric")
        unit = "percent" if error_is_share(metric) else "units"
        self.runs_intro.setText(gui_text(f"baseline.runs_intro_{unit}",
                                         metric=metric_label(metric)))
        headers = [gui_text(f"baseline.col_{c}") for c in
                   ("model", "status", "train", "train_dev", "dev", "latency", "params",
                    "size", "constraints", "after_vault")]
        rows, tips = [], {}
        for r, run in enumerate(runs):
            checks = feasibility(project, run)
            row = [run.label, gui_text(f"baseline.status_{run.status}")]
            row += [fmt_error(run.errors.get(split), metric) for split in SPLITS]
            row += [fmt_number(run.measured.get("latency_ms")),
                    fmt_count(run.measured.get("params")),
                    fmt_number(run.measured.get("size_mb"))]
            if not checks:
                row.append(gui_text("baseline.no_constraints"))
            else:
                ok = all(c.ok for c in checks)
                row.append(gui_text("baseline.meets" if ok else "baseline.fails"))
                tips[(r, 8)] = "\n".join(c.describe() for c in checks)
            row.append(gui_text("baseline.after_vault_mark" if run.after_vault
                                else "baseline.before_vault_mark"))
            if run.after_vault:
                tips[(r, 9)] = gui_text("baseline.after_vault_tip")
            if run.message:
                tips[(r, 1)] = run.message
            rows.append(row)
        self.table.fill(headers, rows, numeric=range(2, 8), tips=tips, wrap={0: 190})
