"""Step 5 — Tune: search the network's settings with Optuna, watch the search live and pick
a trial.

The user edits the ranges (``tune_space_editor``), the method and budget
(``tune_controls``) and starts the ``tune`` job; the engine runs the trials (in helper
processes too) and rewrites ``tuning/summary.json`` after each one. The page reads that
summary (``engine.tuning.summary.read_summary``) when a trial ends and every 2 s while the
search runs, and shows it in the trial table and plots (``tune_results``). "Zoom in" loads
the engine's narrowed ranges for a finer round; "Use this trial" reads the trial's error
ladder (``diagnose`` job, which makes it the chosen model) and moves to the Diagnose step.
When the summary is missing or older than the study (trials made from the command line),
the ``tuning_overview`` job rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QWidget

from engine.diagnosis.requests import DiagnoseRequest
from engine.tuning.requests import StorageCheckRequest, TuningOverviewRequest
from engine.kinds import data_kind
from engine.core import StageStarted, TrialEnded
from engine.words import fmt_error, metric_label
from engine.project import find_run
from engine.tuning import journal_path
from engine.tuning import read_summary, summary_is_stale
from engine.tuning import TuningSummary, write_trials_csv
from engine.project.parts import Goal
from gui.pages.base import StepPage, gui_text
from gui.pages.baseline.deep_settings import kind_name
from gui.pages.labels import note
from gui.pages.tune.controls import TuneControls
from gui.pages.tune.results import TuneResults
from gui.pages.tune.space_editor import SpaceEditor
from gui.result_table import settle_layout

POLL_MS = 2000
"""How often the summary file is read while a search runs (helpers' trials reach only it)."""


def _t(key: str, **values) -> str:
    return gui_text(f"tune.{key}", **values)


class TunePage(StepPage):
    step = "tune"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.summary: TuningSummary | None = None
        self._loaded_for: str | None = None  # the project whose ranges the editor shows
        self._overview_key: tuple | None = None
        self._tuning = False
        self._workers = 1
        self.live_refreshes: list[int] = []  # trials shown at each refresh during a search
        self.intro = note(_t("intro"), "tuneIntro")
        self.locked = note(_t("locked"), "tuneLocked", role="warning")
        self.after_vault = note(_t("after_vault"), "tuneAfterVault", role="warning")
        self.status = note("", "tuneStatus", role="vault")
        self.editor = SpaceEditor()
        self.controls = TuneControls()
        self.current = note("", "tuneCurrentTrial", role="verdict")
        self.empty = note(gui_text("tune.results.empty"), "tuneNoTrials", muted=True)
        self.results = TuneResults(session)
        for widget in (self.intro, self.locked, self.after_vault, self.status, self.editor,
                       self.controls, self.current, self.empty, self.results):
            self.body.addWidget(widget)
        self.current.hide()

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        runner = session.runner
        runner.busy_changed.connect(self._busy_changed)
        self.editor.changed.connect(self._update_state)
        self.editor.rebuilt.connect(self._order_tabs)
        self.editor.reset_requested.connect(self.reset_ranges)
        self.editor.zoom_requested.connect(self.zoom_in)
        self.controls.changed.connect(self._update_state)
        self.controls.start_requested.connect(self.start)
        self.controls.stop_requested.connect(self.stop)
        self.controls.test_requested.connect(self.test_storage)
        self.results.use_requested.connect(self.use_trial)
        self.results.export_requested.connect(self.export_csv)
        self.finish_layout()

    # ----- actions
    def start(self) -> None:
        """Start the search with the ranges, method and budget shown."""
        project, space = self.project, self.editor.space()
        if project is None or space is None or not self.controls.has_budget():
            return
        request = self.controls.request_for(space, str(project.root))
        self._workers = request.workers
        handle = self.session.run(request)
        if handle is not None:
            handle.event.connect(self._on_event)
            self._search_started()
            self.results.show_live()
            QTimer.singleShot(0, self, lambda: self.ensureWidgetVisible(self.results, 0, 0))

    def test_storage(self, url: str) -> None:
        """Try the database address in the engine; its answer is one line under the field."""
        self.controls.show_storage_check(None, gui_text("tune.controls.testing_storage"))
        self.session.run(StorageCheckRequest(storage=url), then=self._storage_checked)

    def _storage_checked(self, result) -> None:
        answer = result if isinstance(result, dict) else result.to_dict()
        self.controls.show_storage_check(bool(answer.get("ok")), str(answer.get("line", "")))

    def stop(self) -> None:
        if self._tuning:
            self.session.runner.cancel()

    def reset_ranges(self) -> None:
        summary = self.summary
        if summary is not None and summary.default_space:
            self.editor.load(summary.default_space, summary.default_space, summary.axes)
            self.editor.say("")

    def zoom_in(self) -> None:
        """Load the engine's narrowed ranges around the best trials, for the next round."""
        summary = self.summary
        if summary is None or not summary.proposal:
            return
        self.editor.load(summary.proposal, summary.default_space, summary.axes)
        round_number = summary.next_round
        self.controls.round.setValue(round_number)
        self.editor.say(gui_text("tune.editor.zoomed", round=round_number))

    def use_trial(self, number: int) -> None:
        """Make trial ``number``'s run the chosen model (its ladder is read) and go on to
        the Diagnose step."""
        trial = self.summary.trial_row(number) if self.summary is not None else None
        if trial is not None and trial.run_id:
            self.session.run(DiagnoseRequest(run=trial.run_id), then=self._used)

    def _used(self, _result) -> None:
        window = self.window()
        if hasattr(window, "show_step"):
            window.show_step("diagnose")

    def export_csv(self) -> None:
        project = self.project
        if project is None or self.summary is None or not self.summary.trials:
            return
        start = str(Path(project.root) / "tuning" / "trials.csv")
        path, _filter = QFileDialog.getSaveFileName(
            self, gui_text("tune.results.export_title"), start,
            gui_text("tune.results.export_filter"))
        if not path:
            return
        try:
            write_trials_csv(self.summary, path)
        except OSError as exc:
            self.session.problem.emit(str(exc), "")
            return
        self.results.selection_note.setText(gui_text("tune.results.exported", path=path))

    def _order_tabs(self) -> None:
        """Tab goes through the ranges, the search controls, then the results."""
        chain = self.editor.tab_chain() + self.controls.tab_chain() + [self.results]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ----- the engine's news
    def _search_started(self) -> None:
        self._tuning = True
        self.live_refreshes = []
        self._timer.start()
        self.current.setText("")
        self._update_state()

    def _busy_changed(self, busy: bool) -> None:
        if not busy:
            if self._tuning and self.results.currentWidget() is self.results.live_tab:
                self.results.setCurrentIndex(0)  # the search ended: its table
            self._tuning = False
            self._timer.stop()
            self.current.hide()
            self._check_overview_soon()
        self._update_state()

    def _on_event(self, event) -> None:
        if not self._tuning:
            return
        if isinstance(event, StageStarted) and event.stage in ("trial", "trial_fold"):
            key = "current" if self._workers > 1 else "current_one"
            self.current.setText(_t(key, stage=event.text))
            self.current.show()
        elif isinstance(event, TrialEnded):
            self._read_summary(live=True)

    def _poll(self) -> None:
        if self._tuning:
            self._read_summary(live=True)

    def _read_summary(self, live: bool = False) -> None:
        project = self.project
        if project is None:
            return
        summary = read_summary(project.root)
        if summary is None:
            return
        if self.summary is None or summary.updated != self.summary.updated \
                or str(project.root) != self._loaded_for:
            self._show_summary(summary)
            if live:
                self.live_refreshes.append(len(summary.trials))

    # ----- the study summary
    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._check_overview_soon()

    def _check_overview_soon(self) -> None:
        QTimer.singleShot(0, self, self._check_overview)

    def _check_overview(self) -> None:
        """Rebuild the summary in the engine when it is missing or older than the study."""
        project, states = self.project, self.session.states()
        if (project is None or states is None or states["tune"].state == "locked"
                or self.session.runner.busy or not self.isVisible()
                or not summary_is_stale(project.root)):
            return
        journal = journal_path(project.root)
        key = (str(project.root), journal.stat().st_mtime if journal.is_file() else None)
        if key != self._overview_key:
            self._overview_key = key
            self.session.run(TuningOverviewRequest())

    def refresh(self) -> None:
        project = self.project
        if project is None:
            self.summary, self._loaded_for = None, None
        else:
            goal = project.goal or Goal()
            if goal.metric:
                self.results.monitor.set_metric_name(metric_label(goal.metric))
            self.results.monitor.set_data_kind(data_kind(project))
            if str(project.root) != self._loaded_for:
                self.summary = None
                self.results.forget_pick()
            self._read_summary()
        self.after_vault.setVisible(bool(project is not None and project.vault_open))
        self._show_status()
        self._update_state()
        self._check_overview_soon()
        settle_layout()

    def _show_summary(self, summary: TuningSummary) -> None:
        self.summary = summary
        root = str(self.project.root)
        if self._loaded_for != root:
            self._loaded_for = root
            settings = summary.settings
            space = (settings.space if settings else None) or summary.default_space
            if space:
                self.editor.load(space, summary.default_space, summary.axes)
            self.controls.load(settings, summary.next_round)
            # A database study: its address (never with a password) for the next search.
            self.controls.storage.setText(summary.storage)
            self.editor.say("")
        else:
            self.editor.set_axes(summary.axes)
        self.results.show_summary(summary)
        self._show_status()
        self._update_state()

    def _show_status(self) -> None:
        summary, project = self.summary, self.project
        if project is None:
            self.status.setText(_t("no_project"))
            return
        if summary is None:
            self.status.setText(_t("loading"))
            return
        trials = summary.trials
        if not trials:
            # text keys: gui.deep.kind_{cnn,conv1d,gru,lstm,mlp}, gui.deep.kind_text_{conv,pool}
            # text keys: gui.deep.kind_boosted
            self.status.setText(_t("status_none", kind=kind_name(summary.kind)))
            return
        counts = summary.counts
        running = counts.running
        words = _t("status", total=len(trials), complete=counts.complete,
                   pruned=counts.pruned, failed=counts.fail,
                   running=_t("status_running", n=running) if running else "")
        best = summary.best
        if best:
            words += " " + _t("status_best", trial=best.trial,
                              error=fmt_error(best.value, summary.metric))
        else:
            words += " " + _t("status_no_best")
        chosen = find_run(project, project.chosen_run)
        if chosen is not None:  # what a trial has to beat to be worth using
            words += " " + _t("status_chosen", label=chosen.label, error=fmt_error(
                chosen.errors.get("dev"), summary.metric))
        self.status.setText(words)

    def _update_state(self) -> None:
        project, states = self.project, self.session.states()
        locked = states is None or states["tune"].state == "locked"
        busy = self.session.runner.busy
        has_rows = bool(self.editor.rows)
        self.locked.setVisible(project is not None and locked)
        self.editor.setVisible(project is not None and has_rows)
        self.controls.setVisible(project is not None)
        summary = self.summary
        trials = summary is not None and bool(summary.trials)
        self.results.setVisible(project is not None and (trials or self._tuning))
        self.empty.setVisible(project is not None and not locked and not trials
                              and not self._tuning)
        self.editor.set_enabled(not busy and not locked,
                                zoom=trials and bool(summary.proposal))
        space = self.editor.space() if has_rows else None
        ready = project is not None and not locked and space is not None
        self.controls.show_state(ready, self._tuning, busy, space)
