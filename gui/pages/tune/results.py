"""The results of the Tune page, in tabs: the trial table with the clicked trial's curves
and the "Use this trial" and CSV buttons, the optimization history, the settings side by
side (parallel coordinates), their importance, the score against one setting, and the live
curves of the trial training now.

``TuneResults`` shows a summary (``engine.tuning.summary``) in every view and says whether
the selected trial can be used (finished and within every limit of the goal); the page
runs the jobs behind its buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from engine.tuning import TrialRow, TuningSummary, optimism_sentence
from engine.words import fmt_error
from gui.live_monitor import LiveMonitor
from gui.pages.labels import note
from gui.pages.tune.param_plots import ParallelPlot, ScorePlot
from gui.pages.tune.plots import HistoryPlot, ImportancePlot, rt
from gui.pages.tune.trial_curves import TrialCurves
from gui.pages.tune.trials_table import TrialsTable, shown_number

MONITOR_HEIGHT = 480


class TuneResults(QTabWidget):
    """Tabs of results; ``use_requested`` carries the trial to use, ``export_requested``
    asks for the CSV file."""

    use_requested = Signal(int)
    export_requested = Signal()

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("tuneResults")
        self.setDocumentMode(True)
        self.summary = TuningSummary()
        self._picked = False  # the user chose a row: keep it, else follow the best trial
        self._stale: set = set()  # plot tabs not redrawn since the summary changed

        table_tab = QWidget()
        table_tab.setObjectName("trialTableTab")
        layout = QVBoxLayout(table_tab)
        layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.use_button = QPushButton(rt("use"))
        self.use_button.setObjectName("useTrialButton")
        self.use_button.setToolTip(rt("use_tip"))
        self.use_button.clicked.connect(self._use)
        self.export_button = QPushButton(rt("export"))
        self.export_button.setObjectName("exportTrialsButton")
        self.export_button.setToolTip(rt("export_tip"))
        self.export_button.clicked.connect(self.export_requested)
        row.addWidget(self.use_button)
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.selection_note = note(rt("selected_none"), "trialSelectionNote")
        layout.addWidget(self.selection_note)
        self.optimism = note("", "tuneOptimism", muted=True)
        self.optimism.hide()
        layout.addWidget(self.optimism)
        self.table = TrialsTable()
        layout.addWidget(self.table)
        self.curves = TrialCurves()
        layout.addWidget(self.curves)
        self.addTab(table_tab, rt("tab_table"))

        self.history = HistoryPlot()
        self.parallel = ParallelPlot()
        self.importance = ImportancePlot()
        self.score = ScorePlot()
        for widget, key in ((self.history, "tab_history"), (self.parallel, "tab_parallel"),
                            (self.importance, "tab_importance"), (self.score, "tab_score")):
            self.addTab(widget, rt(key))

        live_tab = QWidget()
        live_tab.setObjectName("liveTrialTab")
        live = QVBoxLayout(live_tab)
        live.setContentsMargins(0, 8, 0, 0)
        live.addWidget(note(rt("live_help"), "liveTrialHelp", muted=True))
        self.monitor = LiveMonitor(session.runner)
        self.monitor.setMinimumHeight(MONITOR_HEIGHT)
        self.monitor.setMaximumHeight(MONITOR_HEIGHT)
        live.addWidget(self.monitor)
        live.addStretch(1)
        self.live_tab = live_tab
        self.addTab(live_tab, rt("tab_live"))

        self.table.trial_selected.connect(self._trial_selected)
        self.currentChanged.connect(self._tab_changed)
        session.runner.busy_changed.connect(self._busy_changed)

    # ----- showing
    def show_summary(self, summary: TuningSummary | None) -> None:
        """Show ``summary`` everywhere; the trial the user picked stays selected, else the
        best trial that meets every limit is."""
        self.summary = summary or TuningSummary()
        project = self.session.project
        late = frozenset(r.id for r in project.runs if r.after_vault) if project else frozenset()
        self.table.show_summary(self.summary, late)
        folds = self.summary.settings.kfold if self.summary.settings is not None else 0
        self.optimism.setText(optimism_sentence(self.summary.counts.complete, folds))
        self.optimism.setVisible(self.summary.best is not None)
        # Only the plot in view is drawn now; the others when their tab is opened.
        self._stale = {self.history, self.parallel, self.importance, self.score}
        self._tab_changed()
        selected = self.table.selected_trial()
        best = self.summary.best_number
        if best is not None and (selected is None or not self._picked):
            self.table.select_trial(best, quiet=True)
            selected = best
        self._show_trial(selected)

    def forget_pick(self) -> None:
        """Follow the best trial again (another project was opened)."""
        self._picked = False

    def _tab_changed(self, _index: int = 0) -> None:
        view = self.currentWidget()
        if view in self._stale:
            self._stale.discard(view)
            view.show_summary(self.summary)

    def select_trial(self, number: int) -> None:
        self.table.select_trial(number)

    def _trial_selected(self, number: int) -> None:
        self._picked = True
        self._show_trial(number)

    def _show_trial(self, number: int | None) -> None:
        self.curves.show_trial(self.summary, number, self.session.project)
        self._update_use()

    def _busy_changed(self, _busy: bool) -> None:
        self._update_use()

    def selected(self) -> TrialRow | None:
        return self.summary.trial_row(self.table.selected_trial())

    def _update_use(self) -> None:
        trial = self.selected()
        words, usable = self._verdict(trial)
        self.selection_note.setText(words)
        self.use_button.setEnabled(usable and not self.session.runner.busy)
        self.export_button.setEnabled(bool(self.summary.trials))

    def _verdict(self, trial: TrialRow | None) -> tuple[str, bool]:
        """What the selection note says about ``trial`` and whether it can be used."""
        if trial is None:
            return rt("selected_none"), False
        n, state = shown_number(trial), trial.state
        if state == "pruned":
            return rt("selected_pruned", trial=n), False
        if state == "fail":
            return rt("selected_failed", trial=n), False
        if state != "complete":
            return rt("selected_running", trial=n), False
        if not trial.feasible:
            return rt("selected_broken", trial=n, broken="; ".join(trial.broken)), False
        project = self.session.project
        if project is not None and trial.run_id == project.chosen_run:
            return rt("selected_chosen", trial=n), False
        error = fmt_error(trial.value, self.summary.metric)
        key = "selected_best" if trial.number == self.summary.best_number else "selected_ok"
        # text keys: gui.tune.results.{selected_best,selected_ok}_kfold
        words = rt(key + ("_kfold" if trial.fold_errors else ""), trial=n, error=error)
        if trial.fold_errors:
            metric = self.summary.metric
            words += " " + rt("selected_folds", folds=len(trial.fold_errors),
                              errors=", ".join(fmt_error(e, metric) for e in trial.fold_errors),
                              spread=fmt_error(trial.fold_spread, metric),
                              dev=fmt_error(trial.run_dev_error, metric))
        return words, bool(trial.run_id)

    def _use(self) -> None:
        trial = self.selected()
        if trial is not None and self._verdict(trial)[1]:
            self.use_requested.emit(trial.number)

    def show_live(self) -> None:
        self.setCurrentWidget(self.live_tab)
