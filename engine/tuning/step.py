"""Step 5 as the headless workflow runs it: search, then take the best trial if it wins.

``tune_project`` starts (or continues) the project's study with the recommended ranges of
the network being diagnosed, runs the budget, and when the best trial that meets every
constraint has a lower dev error than the chosen model, makes it the chosen model (read
again by the error ladder; the decision is logged). The GUI lets the user pick instead.

Use:
    tune_project(project, TuneRequest(trials=20, workers=2))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.core.errors import ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.project.project import Project
from engine.core.texts import text


@dataclass(frozen=True)
class TuneRequest:
    """How much the workflow's tuning step spends and how it searches.

    Args:
        trials: trials to run (None: only ``seconds`` limits).
        seconds: stop starting trials after this long (None: only ``trials`` limits).
        workers: processes running trials at once on this machine.
        sampler: ``random`` (default), ``grid`` or ``tpe``.
        pruner: ``median``, ``hyperband``, ``none``; empty: the sampler's default.
        epochs: most epochs per trial.
    """

    trials: int | None = None
    seconds: float | None = None
    workers: int = 1
    sampler: str = "random"
    pruner: str = ""
    epochs: int = 20

    @property
    def has_budget(self) -> bool:
        return self.trials is not None or self.seconds is not None


def tuning_done(project: Project) -> bool:
    """Whether the project's study holds a finished trial."""
    from engine.tuning.summary import read_summary

    summary = read_summary(project.root) or {}
    return bool((summary.get("counts") or {}).get("complete"))


def tune_project(project: Project, request: TuneRequest, progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> bool:
    """Run the search of ``request``; return True when its best trial became the chosen
    model (the project is diagnosed again with it and saved).

    Raises:
        ProjectError: no budget was given, or nothing was diagnosed yet.
    """
    from engine.diagnosis.step import diagnose_project
    from engine.tuning.kind import tuning_kind
    from engine.tuning.objective import TuningBudget
    from engine.tuning.space import default_space
    from engine.tuning.study import TuningSettings
    from engine.tuning.workers import run_parallel

    if not request.has_budget:
        raise ProjectError(text("tuning.no_budget"))
    if not project.chosen_run:
        raise ProjectError(text("steps.need_diagnosis"))
    settings = TuningSettings(space=default_space(project, tuning_kind(project)).to_dict(),
                              sampler=request.sampler, pruner=request.pruner,
                              epochs=request.epochs)
    budget = TuningBudget(str(project.root), settings, request.trials, request.seconds,
                          workers=request.workers)
    result = run_parallel(budget, progress=progress, cancel=cancel)
    project.reload_runs()
    log_search(project, settings, result)
    before = project.run(project.chosen_run).errors.get("dev", math.nan)
    if not result.best_run or not (result.best_value < before or math.isnan(before)):
        return False
    project.log("tuning_chosen", text("decision.tuning_chosen", trial=result.best_trial + 1,
                                      run=result.best_run, error=f"{result.best_value:.4g}",
                                      before=f"{before:.4g}"))
    diagnose_project(project, result.best_run)
    return True


def log_search(project: Project, settings, result) -> None:
    """Record a finished search in the decisions log (and save the project)."""
    best = (text("decision.tuned_best", trial=result.best_trial + 1, run=result.best_run,
                 error=f"{result.best_value:.4g}")
            if result.best_trial is not None else text("decision.tuned_no_best"))
    project.log("tuned", text("decision.tuned", trials=result.trials,
                              complete=result.complete, pruned=result.pruned,
                              sampler=settings.sampler, pruner=settings.pruner_name,
                              round=settings.round, best=best),
                trials=result.trials, best_run=result.best_run)
    project.save()
