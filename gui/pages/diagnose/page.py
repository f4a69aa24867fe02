"""Step 4 — Diagnose: read the error ladder of a run, show the verdict in plain words, the
advice, and a button for the recommended next training run when Practica can make it. What
the move only proposes (augmentation against overfitting) is a check box, off until ticked.

The ladder, its gaps, the verdict and the move all come from the engine (``diagnose`` job,
``engine.words.result_tables.error_ladder_table``, ``engine.diagnosis.next_move.recommended_move``).
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QTabWidget, QVBoxLayout, QWidget)

from engine.diagnosis.requests import DiagnoseRequest
from engine.training.requests import TrainRequest
from engine.goal import best_run, feasibility
from engine.diagnosis import GAP_OF_VERDICT, gap_label
from engine.core import ProjectError
from engine.diagnosis import recommended_move
from engine.baseline import trees_sentence
from engine.words import fmt_error, fmt_points, fmt_time, is_number
from engine.project import find_run
from engine.project.parts import DiagnosisRecord
from engine.words import error_ladder_table
from engine.goal import choice_note, why_not_offered
from engine.project.parts import Goal
from gui.pages.base import StepPage, gui_text
from gui.pages.diagnose.error_analysis_panel import ErrorAnalysisPanel
from gui.pages.diagnose.importance_panel import ImportancePanel
from gui.pages.diagnose.learning_curve_panel import LearningCurvePanel
from gui.pages.labels import note
from gui.result_table import ResultTable, settle_layout, vault_marked, vault_tip


class DiagnosePage(StepPage):
    step = "diagnose"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self._run_ids: list[str] = []
        self.tabs = QTabWidget()
        self.tabs.setObjectName("diagnoseTabs")
        self.tabs.setDocumentMode(True)
        self.body.addWidget(self.tabs)
        ladder_tab = QWidget()
        ladder_tab.setObjectName("ladderTab")
        self.ladder_body = QVBoxLayout(ladder_tab)
        self.ladder_body.setContentsMargins(0, 8, 0, 0)
        self.tabs.addTab(ladder_tab, gui_text("diagnose.tab_ladder"))
        row = QHBoxLayout()
        which = QLabel(gui_text("diagnose.which_run"))
        self.run_combo = QComboBox()
        self.run_combo.setObjectName("runCombo")
        # Long labels (marks, dates) must not widen the page past the window: the combo
        # keeps a readable width and shows the whole label in its drop-down list.
        self.run_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.run_combo.setMinimumContentsLength(60)
        self.run_combo.view().setTextElideMode(Qt.ElideNone)
        which.setBuddy(self.run_combo)
        self.diagnose_button = QPushButton(gui_text("diagnose.read"))
        self.diagnose_button.setObjectName("diagnoseButton")
        self.diagnose_button.setToolTip(gui_text("diagnose.read_tip"))
        self.diagnose_button.clicked.connect(self.diagnose)
        row.addWidget(which)
        row.addWidget(self.run_combo)
        row.addWidget(self.diagnose_button)
        row.addStretch(1)
        self.ladder_body.addLayout(row)
        self.choice_note = note("", "runChoiceNote", role="warning")
        self.ladder_body.addWidget(self.choice_note)

        self.verdict = note("", "verdictLabel", role="verdict")
        self.diagnosed = note("", "diagnosedRun")
        self.stale = note(gui_text("diagnose.stale"), "diagnosisStale", role="warning")
        self.explanation = note("", "explanationText")
        for widget in (self.verdict, self.diagnosed, self.stale, self.explanation):
            self.ladder_body.addWidget(widget)

        self.ladder_box = QGroupBox(gui_text("diagnose.ladder_title"))
        self.ladder_box.setObjectName("ladderBox")
        ladder_layout = QVBoxLayout(self.ladder_box)
        self.ladder_table = ResultTable("ladderTable")
        ladder_layout.addWidget(self.ladder_table)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setObjectName("ladderChart")
        self.chart.setFixedHeight(190)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.setMenuEnabled(False)
        self.chart.setFocusPolicy(Qt.NoFocus)
        for side in ("left", "bottom"):
            self.chart.getAxis(side).setTextPen("#222")
            self.chart.getAxis(side).setPen("#555")
        ladder_layout.addWidget(self.chart)
        self.ladder_body.addWidget(self.ladder_box)

        self.advice_box = QGroupBox(gui_text("diagnose.advice_title"))
        self.advice_box.setObjectName("adviceBox")
        advice_layout = QVBoxLayout(self.advice_box)
        self.advice = note("", "adviceList")
        self.advice.setTextFormat(Qt.RichText)
        advice_layout.addWidget(self.advice)
        self.move_button = QPushButton()
        self.move_button.setObjectName("moveButton")
        self.move_button.clicked.connect(self.apply_move)
        self.move_explanation = note("", "moveExplanation")
        self.move_proposal = note("", "moveProposal")
        self.move_extra = QCheckBox(gui_text("diagnose.move_extra"))
        self.move_extra.setObjectName("moveExtraCheck")
        self.move_extra.setToolTip(gui_text("diagnose.move_extra_tip"))
        self.no_move = note("", "noMoveText")
        self.move_outcome = note("", "moveOutcome")
        move_row = QHBoxLayout()
        move_row.addWidget(self.move_button)
        move_row.addStretch(1)
        advice_layout.addLayout(move_row)
        for widget in (self.move_explanation, self.move_proposal, self.move_extra,
                       self.no_move, self.move_outcome):
            advice_layout.addWidget(widget)
        self.move_outcome.hide()
        self.ladder_body.addWidget(self.advice_box)
        self.ladder_body.addStretch(1)
        # More tabs: each is a panel in its own file that takes the session.
        self.tabs.addTab(LearningCurvePanel(session), gui_text("learning_curve.tab"))
        self.tabs.addTab(ErrorAnalysisPanel(session), gui_text("error_analysis.tab"))
        self.tabs.addTab(ImportancePanel(session), gui_text("importance.tab"))
        session.runner.busy_changed.connect(self._busy_changed)
        self.finish_layout()

    # ----- actions
    def diagnose(self) -> None:
        run_id = self.run_combo.currentData()
        self._say_outcome("")
        self.session.run(DiagnoseRequest(run=run_id or ""))

    def apply_move(self) -> None:
        project = self.project
        move = recommended_move(project) if project is not None else None
        if move is None:
            return
        self._say_outcome("")
        wanted = move.extra and self.move_extra.isChecked()  # proposed, used only if ticked
        params = move.with_extra() if wanted else dict(move.params)
        self.move_extra.setChecked(False)  # asked for this run only, not the next move's
        self.session.run(TrainRequest(model=move.model, params=params), then=self._after_move)

    def _after_move(self, result) -> None:
        """The move's run is saved: say how it did and read the ladder again."""
        if not isinstance(result, dict) or result.get("status") != "finished":
            return
        run = find_run(self.project, result.get("run_id"))
        metric = (self.project.goal or Goal()).metric
        if run is not None:
            self._say_outcome(gui_text("diagnose.move_done", label=run.label,
                                       error=fmt_error(run.errors.get("dev"), metric)))
        self.session.run(DiagnoseRequest())

    def _say_outcome(self, words: str) -> None:
        self.move_outcome.setText(words)
        self.move_outcome.setVisible(bool(words))

    # ----- showing the project
    def refresh(self) -> None:
        self._show_project()
        settle_layout()

    def _show_project(self) -> None:
        self._fill_runs()
        project = self.project
        diagnosis = project.diagnosis if project is not None else None
        for widget in (self.verdict, self.diagnosed, self.explanation, self.ladder_box,
                       self.advice_box):
            widget.setVisible(diagnosis is not None)
        states = self.session.states()
        stale = states is not None and states["diagnose"].state == "stale"
        self.stale.setVisible(diagnosis is not None and stale)
        if diagnosis is None:
            self._update_buttons()
            return
        metric = (project.goal or Goal()).metric
        self.verdict.setText(diagnosis.verdict_label)
        run = find_run(project, diagnosis.run)
        if run is not None:
            self.diagnosed.setText(gui_text("diagnose.diagnosed", label=run.label,
                                            when=fmt_time(run.created),
                                            error=fmt_error(run.errors.get("dev"), metric)))
        self.explanation.setText(diagnosis.explanation)
        trees = trees_sentence(project) if project is not None else None
        items = "".join(f"<li>{html.escape(a)}</li>"
                        for a in (*diagnosis.advice, *([trees] if trees else [])))
        self.advice.setText(f"<ul>{items}</ul>")
        self._fill_ladder(diagnosis, metric)
        move = None if stale else recommended_move(project)
        self.move_button.setVisible(move is not None)
        self.move_explanation.setVisible(move is not None)
        proposes = move is not None and bool(move.extra)
        self.move_proposal.setVisible(proposes)
        self.move_extra.setVisible(proposes)
        self.move_proposal.setText(move.proposal if proposes else "")
        if not proposes:
            self.move_extra.setChecked(False)
        if move is not None:
            self.move_button.setText(move.label)
            self.move_explanation.setText(move.explanation)
            if project.vault_open:
                self.move_explanation.setText(
                    move.explanation + " " + gui_text("diagnose.move_after_vault"))
        verdict = diagnosis.verdict or "none"
        if stale:
            # text keys: gui.diagnose.no_move.{stale,tested,bias,variance,mismatch,dev_overfit,none}
            no_move_key = "stale"
        elif verdict == "none" and project.final_test:
            no_move_key = "tested"
        else:
            no_move_key = verdict
        self.no_move.setVisible(move is None)
        self.no_move.setText(gui_text(f"diagnose.no_move.{no_move_key}") if move is None else "")
        self._update_buttons()

    def _fill_runs(self) -> None:

        project = self.project
        runs = [r for r in project.runs if r.status == "finished"] if project else []
        ids = [r.id for r in runs]
        keep = self.run_combo.currentData() if ids == self._run_ids else None
        best, note = None, ""
        if runs:
            try:
                best = best_run(project).id
            except ProjectError as exc:
                note = str(exc)
            note = "\n".join(n for n in (note, choice_note(project)) if n)
        elif project is not None:
            note = gui_text("diagnose.no_runs")
        metric = (project.goal or Goal()).metric if project else None
        self.run_combo.blockSignals(True)
        self.run_combo.clear()
        for run in runs:
            mark = ""
            if run.id == best:
                mark = gui_text("diagnose.run_best")
            elif not all(c.ok for c in feasibility(project, run)):
                mark = gui_text("diagnose.run_infeasible")
            key = "diagnose.run_item_marked" if mark else "diagnose.run_item"
            self.run_combo.addItem(gui_text(key, label=vault_marked(run.label, run.after_vault),
                                            when=fmt_time(run.created),
                                            error=fmt_error(run.errors.get("dev"), metric),
                                            mark=mark), run.id)
            reasons = why_not_offered(project, run)
            if run.after_vault:
                reasons = [*reasons, vault_tip()]
            if reasons:
                self.run_combo.setItemData(self.run_combo.count() - 1, "\n".join(reasons),
                                           Qt.ToolTipRole)
        wanted = keep or best
        if wanted in ids:
            self.run_combo.setCurrentIndex(ids.index(wanted))
        self.run_combo.blockSignals(False)
        self._run_ids = ids
        self.choice_note.setText(note)
        self.choice_note.setVisible(bool(note))

    def _fill_ladder(self, diagnosis: DiagnosisRecord, metric: str | None) -> None:
        frame = error_ladder_table(self.project)
        labels = {r.name: r.label for r in diagnosis.ladder}
        focus = GAP_OF_VERDICT.get(diagnosis.verdict)
        rows, bold = [], []
        for i, row in enumerate(frame.itertuples(index=False)):
            gap = row.gap_name
            # text keys: diagnosis.gap.{mismatch,variance}, diagnosis.gap.avoidable_bias
            # text keys: diagnosis.gap.dev_overfit
            rows.append([labels.get(row.step, row.step), fmt_error(row.error, metric),
                         fmt_points(row.gap_value, metric) if gap else "",
                         gap_label(gap) if gap else ""])
            if gap and gap == focus:
                bold.append(i)
        headers = [gui_text(f"diagnose.col_{c}") for c in ("rung", "error", "gap", "gap_name")]
        self.ladder_table.fill(headers, rows, numeric={1, 2}, bold_rows=bold)
        self._draw_chart(frame)

    def _draw_chart(self, frame) -> None:
        self.chart.clear()
        percent = all(is_number(v) for v in frame["error_percent"])
        heights = list(frame["error_percent"] if percent else frame["error"])
        xs = list(range(len(heights)))
        self.chart.addItem(pg.BarGraphItem(x=xs, height=heights, width=0.6,
                                           brush="#4a78b5", pen=None))
        # text keys: gui.diagnose.short.{target,train,train_dev,dev,test}
        names = [gui_text(f"diagnose.short.{step}") for step in frame["step"]]
        self.chart.getAxis("bottom").setTicks([list(zip(xs, names))])
        self.chart.setLabel("left", gui_text("diagnose.axis_percent" if percent
                                             else "diagnose.axis_error"))

    def _busy_changed(self, _busy: bool) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.session.runner.busy
        has_run = self.run_combo.count() > 0
        self.diagnose_button.setEnabled(has_run and not busy)
        self.run_combo.setEnabled(has_run and not busy)
        self.move_button.setEnabled(not busy)
