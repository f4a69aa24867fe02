"""Step 3 — Baseline: the three proposed models, the neural network's kind and settings, the
sanity checks made before it trains, the live monitor while they train, a table of every
run with its errors and measurements, and for small data a comparison by k-fold.

Training runs in the engine process (``baselines`` job; ``sanity`` runs the checks alone,
``resumable`` and ``train`` with ``resume`` continue an interrupted run, ``kfold`` compares the models by k-fold); every number shown
comes from the project (its run records and ``project.sanity``), formatted for display.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractSpinBox, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from engine.baseline import trees_sentence
from engine.baseline.requests import BaselinesRequest, SanityRequest
from engine.diagnosis import load_kfold
from engine.training.requests import ResumableRequest, TrainRequest
from engine.models import params_problem
from engine.goal import explain_broken
from engine.goal import feasibility
from engine.training import describe_measured
from engine.kinds import data_kind, kind_of
from engine.words import error_is_share, fmt_count, fmt_error, fmt_number, metric_label
from engine.project.parts import Goal
from gui.live_monitor import LiveMonitor
from gui.pages.base import StepPage, gui_text
from gui.pages.baseline.backbone_box import BackboneBox
from gui.pages.baseline.deep_settings import DeepSettings, kind_name
from gui.pages.baseline.kfold_box import KfoldBox
from gui.pages.baseline.resume_box import ResumeBox
from gui.pages.baseline.sanity_box import SanityBox
from gui.pages.baseline.word_vectors_box import WordVectorsBox
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
        self.settings = DeepSettings()
        self.body.addWidget(self.settings)
        self.settings_note = QLabel()  # a setting the engine would refuse, in its words
        self.settings_note.setObjectName("deepSettingsProblem")
        self.settings_note.setProperty("role", "warning")
        self.settings_note.setWordWrap(True)
        self.settings_note.hide()
        self.body.addWidget(self.settings_note)
        self.backbones = BackboneBox()  # pictures only: pretrained networks to start from
        self.backbones.job.connect(self.weights_job)
        self.backbones.use.connect(self.start_from)
        self.body.addWidget(self.backbones)
        self.word_vectors = WordVectorsBox()  # texts only: pretrained word vectors
        self.body.addWidget(self.word_vectors)
        for field in self.settings.findChildren(QAbstractSpinBox):
            field.editingFinished.connect(self._update_button)
            if hasattr(field, "valueChanged"):
                field.valueChanged.connect(self._update_button)
        self.sanity = SanityBox()
        self.body.addWidget(self.sanity)
        self.resume_box = ResumeBox()
        self.body.addWidget(self.resume_box)

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
        self.trees_note = QLabel()  # the network does not beat the boosted trees
        self.trees_note.setObjectName("treesNote")
        self.trees_note.setProperty("role", "warning")
        self.trees_note.setWordWrap(True)
        self.trees_note.hide()
        runs_layout.addWidget(self.trees_note)
        self.body.addWidget(runs_box)
        self.kfold = KfoldBox()  # small data: the models compared by k-fold
        self.kfold.compare.connect(self.compare_by_kfold)
        self.body.addWidget(self.kfold)
        self._resumable_key: tuple | None = None  # what the last ``resumable`` job saw
        self.settings.kind_combo.currentIndexChanged.connect(self._show_sanity)
        self.sanity.use_rate.connect(self.settings.set_learning_rate)
        self.sanity.run_requested.connect(self.run_sanity)
        self.resume_box.resume.connect(self.resume)
        session.runner.busy_changed.connect(self._busy_changed)
        # What trains decides whether mixed precision is offered (now, or once it starts).
        session.runner.engine_ready.connect(self.settings.more.set_device)
        self.settings.more.set_device(session.runner.ready_info)
        self.finish_layout()

    # ----- actions
    def deep_params(self) -> dict:
        """The network's settings as the ``baselines`` job takes them (``deep_params``)."""
        extra = self.word_vectors.params() if self._text_project() else {}
        return {**self.settings.params(), **extra}

    def _text_project(self) -> bool:
        return self.project is not None and kind_of(self.project).word_inputs

    def request(self) -> BaselinesRequest:
        """The ``baselines`` job this page starts with the settings shown."""
        return BaselinesRequest(deep_params=self.deep_params(), deep_kind=self.settings.kind())

    def settings_problem(self) -> str | None:
        """What the engine would refuse in the settings shown (None: nothing), checked here
        with the engine's own limits so no job starts with them."""
        return params_problem(self.deep_params())

    def train(self) -> None:
        if self._show_settings_problem():
            return
        self.session.run(self.request())

    def weights_job(self, request) -> None:
        """Fetch or add a network's pretrained weights; the box reads them again after."""
        handle = self.session.run(request)
        if handle is not None:
            for signal in (handle.finished, handle.failed, handle.cancelled):
                signal.connect(self._weights_done)

    def _weights_done(self, *_args) -> None:
        self.backbones.refresh()

    def start_from(self, source: str) -> None:
        """Use ``source`` (``keras:<Name>``) as the network's starting point."""
        self.settings.more.transfer.setText(source)
        self.settings.more_button.setChecked(True)  # show where it was set

    def compare_by_kfold(self, request) -> None:
        """Start the ``kfold`` job with the network kind chosen in the settings."""
        self.session.run(replace(request, deep_kind=self.settings.kind()))

    def run_sanity(self) -> None:
        if self._show_settings_problem():
            return
        self.session.run(SanityRequest(kind=self.settings.kind(), params=self.deep_params()))

    def _show_settings_problem(self) -> str | None:
        problem = self.settings_problem()
        self.settings_note.setText(problem or "")
        self.settings_note.setVisible(bool(problem))
        return problem

    def resume(self, run_id: str) -> None:
        if self.project is not None:
            self.session.run(TrainRequest(resume=run_id))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._check_resumable_soon()

    def _check_resumable_soon(self) -> None:
        # After the slots of a job's end have run (another page may start a job then).
        QTimer.singleShot(0, self, self._check_resumable)

    def _check_resumable(self) -> None:
        """Ask the engine which runs can be continued, once per state of the runs."""
        project, states = self.project, self.session.states()
        if (project is None or states is None or states["baseline"].state == "locked"
                or self.session.runner.busy or not self.isVisible()):
            return
        key = (str(project.root), tuple((r.id, r.status) for r in project.runs))
        if key != self._resumable_key:
            self._resumable_key = key
            handle = self.session.run(ResumableRequest())
            if handle is not None:
                # A bound method, not a ``then``: Qt drops it when the page goes away.
                handle.finished.connect(self._resumable_found)

    def _resumable_found(self, result) -> None:
        self.resume_box.show_runs(list((result or {}).get("runs") or []))

    def refresh(self) -> None:
        self._show_project()
        settle_layout()
        self._check_resumable_soon()

    def _show_project(self) -> None:
        project = self.project
        states = self.session.states()
        goal = (project.goal if project is not None else None) or Goal()
        kind = "regression" if goal.task == "regression" else "classification"
        trees = project is not None and kind_of(project).tree_baseline
        # text keys: gui.deep.models_{classification,regression}
        # text keys: gui.deep.models_{classification,regression}_trees
        self.models.setText(gui_text(f"deep.models_{kind}" + ("_trees" if trees else "")))
        if project is not None:
            examples = data_kind(project)
            self.settings.set_project(examples, goal.task or "binary")
            self.monitor.set_data_kind(examples)
            self.backbones.setVisible(kind_of(project).augmentation == "image")
            if self.backbones.isVisibleTo(self):
                self.backbones.refresh()
                sizes = project.split.sizes if project.split is not None else {}
                self.backbones.show_proposal(sizes.get("train"))
            self.word_vectors.setVisible(self._text_project())
            if self.word_vectors.isVisibleTo(self):
                self.word_vectors.refresh()
        else:
            self.backbones.hide()
            self.word_vectors.hide()
            self.resume_box.show_runs([])
            self._resumable_key = None
        self._show_sanity()
        if goal.metric:
            self.monitor.set_metric_name(metric_label(goal.metric))
        ready = states is not None and states["baseline"].state != "locked"
        self.blocked.setText("" if ready else gui_text("baseline.locked"))
        self.vault_note.setVisible(bool(project is not None and project.vault_open))
        self._update_button()
        self._fill_table()
        self.kfold.show_result(load_kfold(project) if project is not None else None)

    def _show_sanity(self, _index: int = 0) -> None:
        report = self.project.sanity if self.project is not None else None
        model = report.model if report is not None else ""
        # text keys: gui.deep.kind_{cnn,conv1d,gru,lstm,mlp}, gui.deep.kind_text_{conv,pool}
        self.sanity.show_report(report, kind_name(model) if model else "",
                                kind_name(self.settings.kind()))

    def _busy_changed(self, busy: bool) -> None:
        self._update_button()
        if not busy:
            self._check_resumable_soon()

    def _update_button(self) -> None:
        states = self.session.states()
        ready = states is not None and states["baseline"].state != "locked"
        busy = self.session.runner.busy
        problem = self._show_settings_problem()
        self.train_button.setEnabled(ready and not busy and not problem)
        self.sanity.set_busy(busy, ready and not problem)
        self.resume_box.set_busy(busy)
        self.kfold.set_enabled(ready and not busy)
        self.backbones.set_enabled(not busy)
        self.word_vectors.setEnabled(not busy)

    def _fill_table(self) -> None:
        project = self.project
        runs = list(project.runs) if project is not None else []
        self.table.setVisible(bool(runs))
        trees = trees_sentence(project) if runs else None
        self.trees_note.setText(trees or "")
        self.trees_note.setVisible(bool(trees))
        if not runs:
            self.runs_intro.setText(gui_text("baseline.no_runs"))
            self.table.fill([], [])
            return
        metric = (project.goal or Goal()).metric
        unit = "percent" if error_is_share(metric) else "units"
        self.runs_intro.setText(gui_text(f"baseline.runs_intro_{unit}",
                                         metric=metric_label(metric)))
        headers = [gui_text(f"baseline.col_{c}") for c in
                   ("model", "status", "train", "train_dev", "dev", "latency", "params",
                    "size", "constraints", "after_vault")]
        rows, tips = [], {}
        for r, run in enumerate(runs):
            checks = feasibility(project, run)
            # text keys: gui.baseline.status_{cancelled,failed,finished,pruned}
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
                tips[(r, 8)] = "\n".join(explain_broken(checks) if not ok else
                                         [c.describe() for c in checks])
            timing = describe_measured(run.measured)
            if timing:
                tips[(r, 5)] = timing
            row.append(gui_text("baseline.after_vault_mark" if run.after_vault
                                else "baseline.before_vault_mark"))
            if run.after_vault:
                tips[(r, 9)] = gui_text("baseline.after_vault_tip")
            if run.message:
                tips[(r, 1)] = run.message
            rows.append(row)
        self.table.fill(headers, rows, numeric=range(2, 8), tips=tips, wrap={0: 190})
