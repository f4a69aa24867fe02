"""Step 6 — Final test: choose the seeds, the finalists and the correction, open the vault
once, after a confirmation, and show the chosen model's test results: every metric with its
95% interval and how it was made, the spread over seeds, the comparisons with the other
finalists, the test curves (``self.curves_area``) and, for classes, the confusion matrix.

The evaluation runs in the engine process (``final_test`` job, with progress and Stop in
the session's job panel); the page shows ``project.final_test`` as it is and says when the
vault was opened. The parts live in ``final_options`` (before) and ``final_comparisons``
(after).

Before the vault opens the page shows what the checks before the vault found
(``engine.final.gate``): a stale diagnosis is offered to be redone (the ``diagnose`` job);
a model that is not current or breaks a limit is tested only through "Test anyway", and a
second look at the test set only through "New experiment", each confirmed with a reason
(``gate_dialog``) that the engine logs and the report prints.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from engine.diagnosis.requests import DiagnoseRequest
from engine.final import vault_gate

from engine.words import (fmt_confidence, fmt_count, fmt_error, fmt_time, fmt_value, is_number,
                          metric_label)
from engine.project import find_run
from engine.project.parts import FinalTestRecord
from engine.words import test_metrics_table
from engine.words import method_words
from engine.project.parts import Goal
from gui.pages.base import StepPage, gui_text
from gui.pages.final.calibration_panel import CalibrationPanel
from gui.pages.final.cost_answers_panel import CostAnswersPanel
from gui.pages.final.curves_panel import FinalCurvesPanel
from gui.pages.final.comparisons import ComparisonsBox, SeedSpreadBox
from gui.pages.final.gate_dialog import ask_reason
from gui.pages.final.options import FinalOptions
from gui.pages.final.threshold_panel import ThresholdPanel
from gui.pages.labels import note
from gui.result_table import ResultTable, settle_layout


class FinalTestPage(StepPage):
    step = "final"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.chosen = note("", "chosenModel")
        self.body.addWidget(self.chosen)
        self.once = note(gui_text("final.once"), "vaultOnce")
        self.body.addWidget(self.once)
        self.gate_note = note("", "vaultChecks", role="warning")
        self.body.addWidget(self.gate_note)
        self.options = FinalOptions(session)
        self.body.addWidget(self.options)
        self.body.addWidget(CalibrationPanel(session))
        self.body.addWidget(ThresholdPanel(session))
        self.body.addWidget(CostAnswersPanel(session))
        row = QHBoxLayout()
        self.open_button = QPushButton(gui_text("final.open"))
        self.open_button.setObjectName("openVaultButton")
        self.open_button.setToolTip(gui_text("final.open_tip"))
        self.open_button.clicked.connect(self.open_vault)
        row.addWidget(self.open_button)
        self.redo_button = QPushButton(gui_text("final.gate.redo"))
        self.redo_button.setObjectName("redoDiagnosisButton")
        self.redo_button.setToolTip(gui_text("final.gate.redo_tip"))
        self.redo_button.clicked.connect(self.redo_diagnosis)
        row.addWidget(self.redo_button)
        self.new_button = QPushButton(gui_text("final.gate.new"))
        self.new_button.setObjectName("newExperimentButton")
        self.new_button.setToolTip(gui_text("final.gate.new_tip"))
        self.new_button.clicked.connect(self.new_experiment)
        row.addWidget(self.new_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.vault_state = note("", "vaultState", role="vault")
        self.stale = note("", "finalStale", role="warning")
        self.errors = note("", "testVersusDev")
        self.checks_note = note("", "finalChecks", role="warning")
        self.checks_note.setTextFormat(Qt.PlainText)  # the user's own words
        for widget in (self.vault_state, self.stale, self.checks_note, self.errors):
            self.body.addWidget(widget)

        self.metrics_box = QGroupBox(gui_text("final.metrics_title"))
        self.metrics_box.setObjectName("metricsBox")
        layout = QVBoxLayout(self.metrics_box)
        self.metrics_intro = note("", "metricsIntro")
        layout.addWidget(self.metrics_intro)
        self.metrics_table = ResultTable("metricsTable")
        layout.addWidget(self.metrics_table)
        self.body.addWidget(self.metrics_box)
        self.seeds_box = SeedSpreadBox()
        self.body.addWidget(self.seeds_box)
        self.comparisons_box = ComparisonsBox()
        self.body.addWidget(self.comparisons_box)
        # The test curves panel (ROC, PR, calibration, per class, reject option) goes here.
        curves = QWidget()
        curves.setObjectName("curvesArea")
        self.curves_area = QVBoxLayout(curves)
        self.curves_area.setContentsMargins(0, 0, 0, 0)
        self.curves_panel = FinalCurvesPanel(session)
        self.curves_area.addWidget(self.curves_panel)
        self.body.addWidget(curves)

        self.confusion_box = QGroupBox(gui_text("final.confusion_title"))
        self.confusion_box.setObjectName("confusionBox")
        layout = QVBoxLayout(self.confusion_box)
        layout.addWidget(note(gui_text("final.confusion_intro"), "confusionIntro"))
        self.confusion_table = ResultTable("confusionTable")
        layout.addWidget(self.confusion_table)
        self.body.addWidget(self.confusion_box)
        session.runner.busy_changed.connect(self._busy_changed)
        self.finish_layout()

    # ----- the one action
    def open_vault(self) -> None:
        """Ask first (default No): opening the vault cannot be undone. A model the checks
        object to is tested only with an override and its reason."""
        project = self.project
        run = find_run(project, project.chosen_run) if project is not None else None
        if run is None or project.final_test is not None:
            return
        verdict = vault_gate(project)
        if verdict.missing or verdict.stale or verdict.seen:
            return
        override = ""
        if verdict.reasons:
            override = ask_reason(self, "override", run.label, verdict.reasons)
            if not override:
                return
        else:
            answer = QMessageBox.question(
                self, gui_text("final.confirm_title"),
                gui_text("final.confirm_text", label=run.label),
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return
        self.session.run(replace(self.options.request(), override=override))

    def new_experiment(self) -> None:
        """A second look at the test set, on purpose: a reason and a ticked box first (and
        an override as well when the checks object to the model)."""
        project = self.project
        if project is None:
            return
        verdict = vault_gate(project)
        if verdict.missing or verdict.stale or not verdict.seen:
            return
        why = ask_reason(self, "new", verdict.label, verdict.seen)
        if not why:
            return
        override = ""
        if verdict.reasons:
            override = ask_reason(self, "override", verdict.label, verdict.reasons)
            if not override:
                return
        self.session.run(replace(self.options.request(), new_experiment=why,
                                 override=override))

    def redo_diagnosis(self) -> None:
        """Read the ladder again with the goal as it is now (the chosen model while it still
        meets every limit, otherwise the best one that does)."""
        project = self.project
        if project is not None:
            self.session.run(DiagnoseRequest(run=vault_gate(project).redo_run))

    # ----- showing the project
    def refresh(self) -> None:
        self._show_project()
        settle_layout()

    def _show_project(self) -> None:
        project = self.project
        if project is None:
            self.chosen.setText(gui_text("final.no_project"))
            for widget in (self.vault_state, self.stale, self.errors, self.metrics_box,
                           self.gate_note, self.checks_note,
                           self.confusion_box, self.options, self.seeds_box,
                           self.comparisons_box):
                widget.hide()
            self._update_button()
            return
        metric = (project.goal or Goal()).metric
        run = find_run(project, project.chosen_run)
        if run is None:
            self.chosen.setText(gui_text("final.no_choice"))
        else:
            self.chosen.setText(gui_text("final.chosen", label=run.label,
                                         error=fmt_error(run.errors.get("dev"), metric)))
        opened = project.vault_open
        self.once.setVisible(not opened)
        self.open_button.setText(gui_text("final.test_again" if opened else "final.open"))
        self.vault_state.setVisible(opened)
        if opened:
            self.vault_state.setText(gui_text(
                "final.opened", when=fmt_time(project.vault.opened_at),
                n=len(project.vault.evaluations)))
        final = project.final_test
        states = self.session.states()
        stale = final is not None and states is not None and states["final"].state == "stale"
        self.stale.setVisible(stale)
        if stale:
            self.stale.setText(gui_text("final.stale", tested=final.label,
                                        chosen=run.label if run else ""))
        self._show_checks(project)
        self.options.setVisible(final is None and run is not None)
        if final is None:
            self.options.refresh()
        self.errors.setVisible(final is not None)
        self.metrics_box.setVisible(final is not None)
        self.seeds_box.show_final(final)
        late = frozenset(r.id for r in project.runs if r.after_vault)
        self.comparisons_box.show_final(final, late)
        confusion = final.confusion if final is not None else None
        self.confusion_box.setVisible(bool(confusion and confusion.labels))
        if final is not None:
            self._fill_results(project, final, metric)
        if confusion and confusion.labels:
            self._fill_confusion(final)
        self._update_button()

    def _show_checks(self, project) -> None:
        """What the checks before the vault found (before a test, or before a new one), and
        what the shown test let through on purpose."""
        verdict = vault_gate(project)
        final = project.final_test
        found = [verdict.missing] if verdict.missing else [*verdict.stale, *verdict.reasons]
        if final is None:
            found += verdict.seen
        elif not verdict.stale:
            found = []  # after a test, a new experiment's dialogs say what the checks find
        if verdict.missing:
            todo = "final.gate.todo_choose"
        elif verdict.stale:
            todo = "final.gate.todo_redo"
        elif final is None and verdict.seen:
            todo = "final.gate.todo_new"
        else:
            todo = "final.gate.todo_override"
        self.gate_note.setVisible(bool(found) and verdict.run != "")
        if found:
            self.gate_note.setText(gui_text("final.gate.found", found="<br>".join(
                f"• {escape(line)}" for line in found), todo=gui_text(todo)))
        marks = []
        if final is not None and final.retrained:  # which model was tested, and why the
            marks.append(final.retrained)           # dev score no longer applies to it
        if final is not None and final.checks.overridden:
            marks.append(gui_text("final.gate.was_overridden",
                                  reason=final.checks.override_reason))
        if final is not None and final.checks.look > 1:
            marks.append(gui_text("final.gate.was_new", look=final.checks.look,
                                  earlier=len(final.earlier), reason=final.checks.look_reason))
        self.checks_note.setVisible(bool(marks))
        self.checks_note.setText("\n".join(marks))

    def _fill_results(self, project, final: FinalTestRecord, metric: str | None) -> None:
        tested = find_run(project, final.run)
        dev = tested.errors.get("dev") if tested is not None else None
        # text keys: gui.final.test_vs_dev, gui.final.test_vs_dev_retrained
        words = "final.test_vs_dev_retrained" if final.retrained else "final.test_vs_dev"
        self.errors.setText(gui_text(words, label=final.label,
                                     test=fmt_error(final.test_error, metric),
                                     dev=fmt_error(dev, metric),
                                     rows=fmt_count(final.rows)))
        confidence = fmt_confidence(final.confidence)
        self.metrics_intro.setText(gui_text("final.metrics_intro", confidence=confidence))
        frame = test_metrics_table(project)
        methods = {name: entry.method for name, entry in final.metrics.items()}
        rows, bold = [], []
        for i, row in enumerate(frame.itertuples(index=False)):
            if is_number(row.low) and is_number(row.high):
                interval = gui_text("final.interval", low=fmt_value(row.low),
                                    high=fmt_value(row.high))
            else:
                interval = gui_text("final.no_interval")
            name = metric_label(row.metric)
            if row.metric == final.metric:
                name = gui_text("final.optimizing", name=name)
                bold.append(i)
            # text keys: final_stats.method_{BCa,Wilson,basic,percentile,undefined}
            rows.append([name, fmt_value(row.value), interval,
                         method_words(methods.get(row.metric))])
        headers = [gui_text("final.col_metric"), gui_text("final.col_value"),
                   gui_text("final.col_interval", confidence=confidence),
                   gui_text("final_stats.col_method")]
        self.metrics_table.fill(headers, rows, numeric={1, 2}, bold_rows=bold)

    def _fill_confusion(self, final: FinalTestRecord) -> None:
        labels = [str(label) for label in final.confusion.labels]
        matrix = final.confusion.matrix
        headers = [gui_text("final.col_true")] + [gui_text("final.col_predicted", label=label)
                                                  for label in labels]
        rows = [[label] + [fmt_count(n) for n in counts] for label, counts in zip(labels, matrix)]
        self.confusion_table.fill(headers, rows, numeric=range(1, len(headers)))

    def _busy_changed(self, _busy: bool) -> None:
        self._update_button()
        self.options.maker.update_buttons()

    def _update_button(self) -> None:
        project = self.project
        tested = project is not None and project.final_test is not None
        verdict = vault_gate(project) if project is not None else None
        usable = verdict is not None and not verdict.missing and not verdict.stale
        idle = not self.session.runner.busy
        self.open_button.setVisible(not tested)
        self.open_button.setEnabled(usable and not verdict.seen and idle)
        if usable and verdict.reasons and not tested:
            self.open_button.setText(gui_text("final.gate.anyway"))
        self.redo_button.setVisible(verdict is not None and bool(verdict.stale)
                                    and not verdict.missing)
        self.redo_button.setEnabled(idle)
        self.new_button.setVisible(tested or (verdict is not None and bool(verdict.seen)))
        self.new_button.setEnabled(usable and idle)
