"""Step 5 as the headless workflow runs it: search, then take the best trial if it wins.

``tune_project`` starts (or continues) the project's study with the recommended ranges of
the network being diagnosed (or the ranges asked for), runs the budget, and when the best
trial that meets every constraint has a lower dev error than the chosen model, makes it the
chosen model (``engine.tuning.choice.adopt_best_trial``: read again by the error ladder;
the decision is logged). The GUI lets the user pick instead.

Use:
    tune_project(project, TuneRequest(trials=20, workers=2))
"""

from __future__ import annotations

from dataclasses import replace

from engine.core.errors import ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.project.project import Project
from engine.core.texts import text
from engine.tuning.requests import TuneRequest
from engine.project.project import open_project
from engine.tuning.choice import Adoption, adopt_best_trial
from engine.tuning.kind import tuning_kind
from engine.tuning.space import default_space
from engine.tuning.summary import read_summary


def tuning_done(project: Project) -> bool:
    """Whether the project's study holds a finished trial."""

    summary = read_summary(project.root)
    return bool(summary is not None and summary.counts.complete)


def tune_project(project: Project, request: TuneRequest, progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> Adoption:
    """Run (or continue) the search of ``request``, then adopt its best feasible trial when
    it beats the chosen model (``engine.tuning.choice.adopt_best_trial``, the rule
    ``practica tune`` follows too); the returned ``Adoption`` says whether it did.

    Raises:
        ProjectError: no budget was given, or nothing was diagnosed yet.
    """
    if not request.has_budget:
        raise ProjectError(text("tuning.no_budget"))
    if not project.chosen_run:
        raise ProjectError(text("steps.need_diagnosis"))
    # Imported here to keep pandas out of start-up.
    from engine.tuning.fold_scores import optimism_sentence

    result = search(replace(request, project=str(project.root)), progress, cancel, project)
    if result.best_trial is not None:
        progress(StageStarted("tune", optimism_sentence(result.complete, result.kfold)))
    return adopt_best_trial(project)


def tuning_budget(request: TuneRequest, project: Project | None = None):
    """The study's settings and budget for ``request``: the one place a search is assembled
    (the Tune page's job, ``practica tune``, ``practica worker``, ``run --until tune``).

    ``project`` is the open project (opened from ``request.project`` when None and the
    recommended ranges are needed).
    """
    # Imported here to keep Optuna, scikit-learn out of start-up.
    from engine.tuning.objective import TuningBudget
    # Imported here to keep Optuna out of start-up.
    from engine.tuning.study import TuningSettings

    settings = None
    if not request.join:
        space = request.space
        if space is None:
            if project is None:
                project = open_project(request.project)
            space = default_space(project, request.kind or tuning_kind(project)).to_dict()
        # Imported here to keep pandas out of start-up.
        from engine.tuning.fold_scores import check_folds

        settings = TuningSettings(space=dict(space), sampler=request.sampler,
                                  pruner=request.pruner, epochs=int(request.epochs),
                                  round=int(request.round), seed=request.seed,
                                  kfold=check_folds(request.kfold))
    return TuningBudget(str(request.project), settings, request.trials, request.seconds,
                        request.storage, workers=max(1, int(request.workers)),
                        first_trial=request.first_trial, artifacts=request.artifacts)


def search(request: TuneRequest, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
           project: Project | None = None):
    """Run the search ``request`` asks for and return its ``TuningResult``; a search with
    its own settings (not ``join``) is logged in the decisions log of ``project`` (opened
    from ``request.project`` when None)."""
    # Imported here to keep Optuna, scikit-learn out of start-up.
    from engine.tuning.workers import run_parallel

    budget = tuning_budget(request, project)
    result = run_parallel(budget, progress=progress, cancel=cancel)
    if budget.settings is not None:
        if project is None:
            project = open_project(request.project)
        else:
            project.reload_runs()
        log_search(project, budget.settings, result)
    return result


def log_search(project: Project, settings, result) -> None:
    """Record a finished search in the decisions log (and save the project)."""
    best = (text("decision.tuned_best", trial=result.best_trial + 1, run=result.best_run,
                 error=f"{result.best_value:.4g}", where=result.best_where or "-")
            if result.best_trial is not None else text("decision.tuned_no_best"))
    project.log("tuned", text("decision.tuned", trials=result.trials,
                              complete=result.complete, pruned=result.pruned,
                              sampler=settings.sampler, pruner=settings.pruner_name,
                              round=settings.round, best=best),
                trials=result.trials, best_run=result.best_run)
    project.save()
