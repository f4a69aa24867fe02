"""Running a tuning study: each trial trains one run with suggested hyperparameters.

``TrialObjective`` is what Optuna calls per trial: it draws the parameters from the search
space, trains a run with ``engine.training.job.run_training`` and reports the dev error after
every epoch (the goal's metric as an error, or the dev loss when the epoch logs lack the
metric) so the pruner can stop a poor trial; a pruned run stops at its next batch, is saved
as cancelled and the trial ends as pruned. A finished trial's value is its run's dev error;
a run that breaks a satisfying constraint is recorded as infeasible. With k-fold in the
settings (``TuningSettings.kfold`` = K) a finished trial's value is instead its mean error
over K folds of the non-test rows (``engine.tuning.fold_scores``), and its K errors and
spread are kept on the trial; its run stays a normal run, the one "use this trial" chooses.
``run_study`` starts or continues the project's study; ``run_worker`` joins one another
process started.

Use:
    run_study(TuningBudget("my-project", settings, n_trials=20))
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import optuna

from engine.core.atomic import is_write_fault, write_problem
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import (NEVER, CancelFlag, EpochEnded, Progress, ProgressFn, StageStarted,
                         TrialEnded, ignore)
from engine.goal.metrics import error_of
from engine.core.texts import text
from engine.tuning.database import StorageError, lost_line
from engine.tuning.fold_scores import FoldScorer
from engine.tuning.trial_runs import mark_trial_run
from engine.tuning.space import SearchSpace, suggest
from engine.tuning.summary import write_summary
from engine.tuning.study import (FOLDER_ATTR, TuningSettings, best_feasible_trial,
                                 folder_id, journal_path, open_study, run_tag,
                                 study_settings, worker_id)
from engine.tuning.trial_store import store_folder, upload_run, where
from engine.project.parts.goal import Goal
from engine.goal.run_choice import feasibility
from engine.project.project import find_run, open_project
from engine.models.train_params import label_keeping
from engine.training.job import TrainingSpec, run_training


class TrialBroke(Exception):
    """A trial's run ended without a usable dev error (the loss was not a number)."""


class _TrialCancel:
    """The cancel flag of one trial: set by the pruner or by the job's own flag."""

    def __init__(self, outer: CancelFlag) -> None:
        self.outer = outer
        self.pruned = False

    def is_set(self) -> bool:
        return self.pruned or self.outer.is_set()


def epoch_error(goal: Goal, logs: dict[str, float]) -> float:
    """The dev error after an epoch: the goal's metric as an error when the logs hold it
    (``val_metric``), else the dev loss."""
    value = logs.get("val_metric")
    if value is not None and math.isfinite(value) and goal.metric:
        return float(error_of(goal.metric, value))
    return float(logs.get("val_loss", math.nan))


class TrialObjective:
    """The function Optuna calls for each trial of a project's study.

    Args:
        project_dir: the project folder.
        settings: the study's settings (model kind, space, epochs, round).
        progress: receives a ``StageStarted`` per trial and the events of its run.
        cancel: the job's flag; when set the current run stops and the study ends.
        n_trials: the trials this call runs, for "Trial 3 of 20" (None: unknown).
        store: the shared folder each finished trial's run is put in for the other workers
            (``engine.tuning.trial_store``); None keeps the runs in this folder only.
    """

    def __init__(self, project_dir: str, settings: TuningSettings,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                 n_trials: int | None = None, store=None) -> None:
        self.project_dir = str(project_dir)
        self.store = store
        self.settings = settings
        self.space = SearchSpace.from_dict(settings.space)
        self.progress = progress
        self.cancel = cancel
        self.n_trials = n_trials
        self.started = 0
        project = open_project(self.project_dir)
        self.goal = project.goal or Goal()
        chosen = find_run(project, project.chosen_run)
        # What the user said of mirrored / turned pictures and of the sound changes holds
        # for the trials too.
        self.carried = label_keeping(chosen.params) if chosen is not None else {}
        self.overhead: list[float] = []  # seconds per trial outside run_training
        self.scorer = None  # the folds, cut on the first trial that needs them

    def __call__(self, trial: optuna.Trial) -> float:
        if self.cancel.is_set():
            raise JobCancelled()
        begun = time.perf_counter()
        self.started += 1
        key = ("tuning.trial" if not self.n_trials else
               "tuning.trial_of" if trial.number + 1 == self.started else "tuning.trial_later")
        self.progress(StageStarted("trial", text(key, trial=trial.number + 1, n=self.started,
                                                 total=self.n_trials)))
        trial.set_user_attr("worker", worker_id())
        trial.set_user_attr(FOLDER_ATTR, folder_id(self.project_dir))
        trial.set_user_attr("round", self.settings.round)
        params = {**self.carried, **suggest(trial, self.space),
                  "epochs": self.settings.epochs, "patience": self.settings.epochs,
                  "telemetry": False}
        flag = _TrialCancel(self.cancel)

        def relay(event) -> None:
            self.progress(event)
            if isinstance(event, EpochEnded) and not flag.pruned:
                value = epoch_error(self.goal, event.logs)
                if math.isfinite(value):
                    trial.report(value, event.epoch)
                    if trial.should_prune():
                        flag.pruned = True

        inner = time.perf_counter()
        spec = TrainingSpec(self.project_dir, self.settings.kind, params,
                            tag=run_tag(trial.number))
        result = run_training(spec, relay, flag)
        inner = time.perf_counter() - inner
        trial.set_user_attr("run_id", result.run_id)
        trial.set_user_attr("status", result.status)
        mark_trial_run(self.project_dir, result.run_id, trial.number + 1,
                       pruned=flag.pruned and not self.cancel.is_set())
        if self.cancel.is_set():
            raise JobCancelled()
        if flag.pruned:
            self.overhead.append(time.perf_counter() - begun - inner)
            raise optuna.TrialPruned()
        value = float(result.errors.get("dev", math.nan))
        if result.status != "finished" or not math.isfinite(value):
            raise TrialBroke(result.message or result.status)
        project = open_project(self.project_dir)
        run = project.run(result.run_id)
        checks = feasibility(project, run)
        feasible = all(c.ok for c in checks)
        trial.set_user_attr("feasible", feasible)
        trial.set_constraint("satisfying", 0.0 if feasible else 1.0)
        trial.set_user_attr("broken", [str(c.constraint) for c in checks if not c.ok])
        trial.set_user_attr("kfold", int(self.settings.kfold))
        if self.settings.kfold:
            value = self._fold_value(trial, project, run, value)
        if self.store is not None:
            upload_run(trial, self.project_dir, result.run_id, self.store)
        self.overhead.append(time.perf_counter() - begun - inner)
        return value

    def _fold_value(self, trial: optuna.Trial, project, run, dev: float) -> float:
        """The trial's mean error over the folds (its run's settings fitted K times); the
        errors, spread and the run's own dev error are kept on the trial."""
        if self.scorer is None:
            self.scorer = FoldScorer(project, self.settings.kfold,
                                     int(self.settings.seed or 0))
        scores = self.scorer.score(project, run.model, dict(run.params),
                                   int(run.params.get("seed", 0) or 0), trial.number + 1,
                                   self.progress, self.cancel)
        if not math.isfinite(scores.mean):
            raise TrialBroke("fold error is not a number")
        trial.set_user_attr("fold_errors", list(scores.errors))
        trial.set_user_attr("fold_spread", scores.spread)
        trial.set_user_attr("run_dev_error", dev)
        return scores.mean


@dataclass(frozen=True)
class TuningBudget:
    """A tuning job: the project, how to search, and how long.

    Args:
        project_dir: the project folder.
        settings: see ``TuningSettings``; None joins the study as it was saved.
        n_trials: trials to run in this call (None: no limit; then ``seconds`` is needed).
        seconds: stop starting new trials after this many seconds (None: no limit).
        storage: a database URL; empty for the journal file in the project folder.
        workers: processes that run trials at once on this machine (see
            ``engine.tuning.workers``).
        first_trial: when set, ``n_trials`` counts the study's trials from this number
            on, whoever runs them: workers started together share one budget.
        artifacts: the shared folder for the trials' runs (empty: beside a study kept in a
            file, none for a database server; see ``engine.tuning.trial_store``).
    """

    project_dir: str
    settings: TuningSettings | None = None
    n_trials: int | None = None
    seconds: float | None = None
    storage: str = ""
    workers: int = 1
    first_trial: int | None = None
    artifacts: str = ""

    def __post_init__(self) -> None:
        if self.n_trials is None and self.seconds is None:
            raise ValueError("give a number of trials, a time limit or both")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["settings"] = None if self.settings is None else self.settings.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TuningBudget":
        settings = d.get("settings")
        return cls(str(d["project_dir"]),
                   None if settings is None else TuningSettings.from_dict(settings),
                   d.get("n_trials"), d.get("seconds"), str(d.get("storage") or ""),
                   int(d.get("workers") or 1), d.get("first_trial"),
                   str(d.get("artifacts") or ""))


@dataclass(frozen=True)
class TuningResult:
    """What a tuning call hands back: its trials by state, and the best feasible one (with
    k-fold: ``kfold`` = K, ``best_value`` the mean of ``best_fold_errors``, their spread)."""

    trials: int
    complete: int
    pruned: int
    failed: int
    best_trial: int | None
    best_run: str
    best_value: float | None
    overhead_s: float | None
    kfold: int = 0
    best_fold_errors: tuple[float, ...] = ()
    best_spread: float | None = None
    best_where: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_study(budget: TuningBudget, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER) -> TuningResult:
    """Start or continue the project's study and run ``budget``'s trials.

    Finished trials of earlier calls are kept; a trial a crashed worker left running is
    marked failed and does not count.

    Raises:
        JobCancelled: ``cancel`` was set; the current trial is marked failed, the trials
            finished before stay.
    """
    with _journal_faults(budget.project_dir):
        study = open_study(budget.project_dir, budget.storage or None, budget.settings)
    objective = TrialObjective(budget.project_dir, study_settings(study), progress, cancel,
                               budget.n_trials, store_folder(budget.project_dir,
                                                             budget.storage, budget.artifacts))
    callbacks = [_TrialReporter(budget, progress, study)]
    if budget.first_trial is not None and budget.n_trials is not None:
        share = _StopAtTotal(int(budget.first_trial), int(budget.n_trials))
        if share.reached(study):  # a worker that started late: the others did it all
            return study_result(study, budget.project_dir)
        callbacks.append(share)
    try:
        with _journal_faults(budget.project_dir):
            study.optimize(objective, n_trials=budget.n_trials, timeout=budget.seconds,
                           catch=(TrialBroke,), callbacks=callbacks, gc_after_trial=False)
    except Exception:
        # A database that went away mid-trial surfaces as whatever Optuna or the driver
        # was doing at that moment: ask the database itself.
        lost = lost_line(budget.storage)
        if lost:
            raise StorageError(lost) from None
        write_summary(budget.project_dir, budget.storage or None, study)
        raise
    write_summary(budget.project_dir, budget.storage or None, study)
    overhead = sum(objective.overhead) / len(objective.overhead) if objective.overhead else None
    return study_result(study, budget.project_dir, overhead)


@contextlib.contextmanager
def _journal_faults(project_dir: str):
    """Turn a journal that cannot be written (read-only folder, full disk) into one plain
    line; the trials recorded before stay."""
    try:
        yield
    except OSError as exc:
        if not is_write_fault(exc):
            raise
        raise ProjectError(write_problem(journal_path(project_dir), exc,
                                         text("faults.what_journal"))) from exc


def study_result(study: optuna.Study, project_dir: str,
                 overhead_s: float | None = None) -> TuningResult:
    """The trials of ``study`` by state and its best feasible trial, as a ``TuningResult``."""

    states = [t.state for t in study.get_trials(deepcopy=False)]
    best = best_feasible_trial(study, open_project(project_dir))
    attrs = {} if best is None else best.user_attrs
    return TuningResult(
        best_where=where(project_dir, str(attrs.get("run_id", "")),
                         str(attrs.get("run_artifact", "")), str(attrs.get("run_store", ""))),
        kfold=int(study_settings(study).kfold),
        best_fold_errors=tuple(float(e) for e in attrs.get("fold_errors") or ()),
        best_spread=attrs.get("fold_spread"),
        trials=len(states), complete=states.count(optuna.trial.TrialState.COMPLETE),
        pruned=states.count(optuna.trial.TrialState.PRUNED),
        failed=states.count(optuna.trial.TrialState.FAIL),
        best_trial=None if best is None else best.number,
        best_run="" if best is None else str(best.user_attrs.get("run_id", "")),
        best_value=None if best is None else float(best.value), overhead_s=overhead_s)


class _TrialReporter:
    """After each trial: the summary file is rewritten (so the GUI sees the trial) and a
    ``TrialEnded`` event says how it ended."""

    def __init__(self, budget: TuningBudget, progress: ProgressFn, study: optuna.Study) -> None:
        self.budget = budget
        self.progress = progress
        self.first = (budget.first_trial if budget.first_trial is not None
                      else len(study.get_trials(deepcopy=False)))
        self.begun = time.monotonic()

    def __call__(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        write_summary(self.budget.project_dir, self.budget.storage or None, study,
                      importance=False)
        value = trial.value if trial.state == optuna.trial.TrialState.COMPLETE else None
        self.progress(TrialEnded(trial.number + 1, trial.state.name.lower(), value,
                                 str(trial.user_attrs.get("run_id", ""))))
        self._overall(study)

    def _overall(self, study: optuna.Study) -> None:
        """How far the whole search is: trials ended of the budget (or time used)."""
        ended = sum(t.number >= self.first and t.state.is_finished()
                    for t in study.get_trials(deepcopy=False))
        if self.budget.n_trials:
            done, total = min(ended, self.budget.n_trials), self.budget.n_trials
        elif self.budget.seconds:
            done = min(time.monotonic() - self.begun, self.budget.seconds)
            total = self.budget.seconds
        else:
            return
        self.progress(Progress(done, total, text("tuning.progress", ended=ended)))


class _StopAtTotal:
    """Stops this worker once the study holds ``n`` trials numbered ``first`` or more
    (running ones included), so workers started together share one budget."""

    def __init__(self, first: int, n: int) -> None:
        self.first = first
        self.n = n

    def reached(self, study: optuna.Study) -> bool:
        made = sum(t.number >= self.first for t in study.get_trials(deepcopy=False))
        return made >= self.n

    def __call__(self, study: optuna.Study, _trial) -> None:
        if self.reached(study):
            study.stop()


def run_worker(project_dir: str, storage: str = "", n_trials: int | None = None,
               seconds: float | None = None, progress: ProgressFn = ignore,
               cancel: CancelFlag = NEVER, first_trial: int | None = None,
               artifacts: str = "") -> TuningResult:
    """Join the project's existing study (started by ``run_study`` elsewhere) and run
    trials for it: on this machine with the journal file, or on any machine that reaches
    the database at ``storage``.

    Raises:
        ProjectError: nobody started a study there yet.
    """
    return run_study(TuningBudget(str(project_dir), None, n_trials, seconds, storage,
                                  first_trial=first_trial, artifacts=artifacts),
                     progress, cancel)
