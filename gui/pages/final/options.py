"""What the user decides before the vault opens: how many seeds, whether the ensemble of the
top 3 joins the finalists, which correction for several tests, and whether the chosen network
is trained again on the training and dev rows before the test (one seed then); with what will happen
and the finalists' dev errors.

Below, ``EnsembleMaker`` makes an ensemble of the runs the user checks a model of its own.

The box computes nothing: the seeds' time estimate, the ensemble's members and its dev
scores come from the engine (``engine.final.seed_repeats``, ``engine.final.ensemble``); scoring the
ensemble on dev is the ``ensemble`` job.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QSpinBox,
                               QVBoxLayout)

from engine.core import CORRECTIONS
from engine.final.requests import EnsembleRequest, FinalTestRequest
from engine.final import DEFAULT_MEMBERS, ensemble_members, load_ensemble
from engine.final import best_baseline
from engine.words import fmt_count, fmt_error
from engine.words import quantities
from engine.project import find_run
from engine.models import zoo
from engine.training import ENSEMBLE
from engine.final import DEFAULT_SEEDS, MAX_SEEDS, effective_k, estimate_seconds
from engine.core import text
from engine.project.parts import Goal
from gui.pages.base import gui_text
from gui.pages.final.ensemble_maker import EnsembleMaker
from gui.pages.labels import note
from gui.result_table import ResultTable, vault_marked


class FinalOptions(QGroupBox):
    """The choices of the final test and the plan they make."""

    def __init__(self, session, parent=None) -> None:
        super().__init__(gui_text("final_stats.options_title"), parent)
        self.setObjectName("finalOptions")
        self.session = session
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.seeds = QSpinBox()
        self.seeds.setObjectName("seedsSpin")
        self.seeds.setRange(1, MAX_SEEDS)
        self.seeds.setValue(DEFAULT_SEEDS)
        self.seeds.setToolTip(gui_text("final_stats.seeds_tip"))
        self.seeds.valueChanged.connect(self.refresh)
        form.addRow(gui_text("final_stats.seeds_label"), self.seeds)
        self.correction = QComboBox()
        self.correction.setObjectName("correctionCombo")
        for key in CORRECTIONS:
            # text keys: gui.final_stats.correction_{holm,bonferroni}
            self.correction.addItem(gui_text(f"final_stats.correction_{key}"), key)
        self.correction.setToolTip(gui_text("final_stats.correction_tip"))
        form.addRow(gui_text("final_stats.correction_label"), self.correction)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.LabelRole).widget()
            label.setBuddy(form.itemAt(row, QFormLayout.FieldRole).widget())
        layout.addLayout(form)
        self.ensemble = QCheckBox(gui_text("final_stats.ensemble_check"))
        self.ensemble.setObjectName("ensembleCheck")
        self.ensemble.setToolTip(gui_text("final_stats.ensemble_tip"))
        self.ensemble.toggled.connect(self._ensemble_toggled)
        layout.addWidget(self.ensemble)
        self.retrain = QCheckBox(gui_text("final_stats.retrain_check"))
        self.retrain.setObjectName("retrainOnDevCheck")
        self.retrain.setToolTip(gui_text("final_stats.retrain_tip"))
        self.retrain.toggled.connect(self.refresh)
        layout.addWidget(self.retrain)
        self.plan = note("", "finalPlan")
        layout.addWidget(self.plan)
        layout.addWidget(note(gui_text("final_stats.finalists_intro"), "finalistsIntro"))
        self.finalists = ResultTable("finalistsTable")
        layout.addWidget(self.finalists)
        self.ensemble_note = note("", "ensembleNote", muted=True)
        layout.addWidget(self.ensemble_note)
        self.maker = EnsembleMaker(session)
        layout.addWidget(self.maker)
        self._scoring = False

    # ----- what the page sends to the job
    def request(self) -> FinalTestRequest:
        retrain = self.retrain.isChecked() and self.retrain.isEnabled()
        return FinalTestRequest(seeds=1 if retrain else self.seeds.value(),
                                ensemble=self.ensemble.isChecked()
                                and self.ensemble.isEnabled(),
                                correction=self.correction.currentData(),
                                retrain_on_dev=retrain)

    # ----- showing the project
    def refresh(self) -> None:
        project = self.session.project
        run = find_run(project, project.chosen_run) if project is not None else None
        if run is None:
            self.plan.setText("")
            self.finalists.fill([], [])
            self.ensemble_note.hide()
            return
        self.maker.refresh(project)
        metric = (project.goal or Goal()).metric
        self.retrain.setEnabled(zoo.is_keras_kind(run.model))
        retrain = self.retrain.isChecked() and self.retrain.isEnabled()
        k = 1 if retrain else effective_k(run, self.seeds.value())
        self.seeds.setEnabled(effective_k(run, 2) == 2 and not retrain)
        rows = fmt_count(project.split.sizes.get("test") if project.split is not None else None)
        if k > 1:
            plan = gui_text("final_stats.plan_deep", extra=k - 1, k=k, rows=rows,
                            time=duration(estimate_seconds(project, run, k)))
        else:
            plan = gui_text("final_stats.plan_one", rows=rows)
            if run.model == ENSEMBLE:
                plan += " " + gui_text("ensemble_run.plan_once", label=run.label)
            elif effective_k(run, 2) == 1:
                plan += " " + gui_text("final_stats.plan_deterministic", label=run.label)
        if retrain:
            plan = gui_text("final_stats.plan_retrain", label=run.label) + " " + plan
        self.plan.setText(plan)
        table = [[vault_marked(run.label, run.after_vault), gui_text("final_stats.role_chosen"),
                  fmt_error(run.errors.get("dev"), metric)]]
        base = best_baseline(project, exclude=run.id)
        if base is not None:
            table.append([vault_marked(base.label, base.after_vault),
                          gui_text("final_stats.role_baseline"),
                          fmt_error(base.errors.get("dev"), metric)])
        table += self._ensemble_rows(project, metric)
        self.finalists.fill([gui_text("final_stats.col_finalist"),
                             gui_text("final_stats.col_role"),
                             gui_text("final_stats.col_dev_error")], table, numeric={2},
                            wrap={0: 420})

    def _ensemble_rows(self, project, metric) -> list[list[str]]:
        members = ensemble_members(project, DEFAULT_MEMBERS)
        record = load_ensemble(project, DEFAULT_MEMBERS) if len(members) >= 2 else None
        available = len(members) >= 2 and (record is None or record["feasible"])
        self.ensemble.setEnabled(available)
        self.ensemble_note.setVisible(not available or self.ensemble.isChecked())
        if len(members) < 2:
            self.ensemble_note.setText(gui_text(
                "final_stats.ensemble_unavailable",
                reason=text("final_stats.ensemble_too_few", n=len(members))))
            return []
        if record is not None and not record["feasible"]:
            self.ensemble_note.setText(gui_text("final_stats.ensemble_breaks",
                                                broken="; ".join(record["broken"])))
            return []
        if not self.ensemble.isChecked():
            return []
        self.ensemble_note.setText(gui_text(
            "final_stats.ensemble_members", members=", ".join(r.label for r in members),
            **quantities((record or {}).get("measured") or {})))
        if record is None:
            state = gui_text("final_stats.ensemble_scoring" if self._scoring
                             else "final_stats.ensemble_not_scored")
            return [[text("final_stats.ensemble_label", n=len(members)),
                     gui_text("final_stats.role_ensemble"), state]]
        return [[record["label"], gui_text("final_stats.role_ensemble"),
                 fmt_error(record["errors"].get("dev"), metric)]]

    def _ensemble_toggled(self, checked: bool) -> None:
        project = self.session.project
        if (checked and project is not None and not self._scoring
                and load_ensemble(project, DEFAULT_MEMBERS) is None
                and not self.session.runner.busy):
            handle = self.session.run(EnsembleRequest(k=DEFAULT_MEMBERS), then=self._scored)
            self._scoring = handle is not None
            if handle is not None:
                handle.failed.connect(self._job_failed)
                handle.cancelled.connect(self._job_cancelled)
        self.refresh()

    def _job_failed(self, _message: str, _details: str) -> None:
        self._ended()

    def _job_cancelled(self, _message: str) -> None:
        self._ended()

    def _ended(self) -> None:
        if self._scoring:
            self._scoring = False
            self.ensemble.setChecked(False)

    def _scored(self, _result) -> None:
        self._scoring = False
        self.refresh()


def duration(seconds: float) -> str:
    """A time estimate for people: 'under a minute', 'about 4 min', 'about 2 h 05 min'."""
    minutes = int(round(seconds / 60))
    if minutes < 1:
        return gui_text("final_stats.time_seconds")
    if minutes < 60:
        return gui_text("final_stats.time_minutes", minutes=minutes)
    return gui_text("final_stats.time_hours", hours=minutes // 60, minutes=f"{minutes % 60:02d}")
