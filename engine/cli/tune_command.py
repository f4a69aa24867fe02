"""``practica tune`` and ``practica worker``: search a project's settings with Optuna, and join
that search from another process or machine.

``tune`` starts the project's study (or continues it: finished trials are kept) with the
recommended search space of the chosen model's family; ``worker`` runs more trials of a study
someone started, on the journal file in the project folder or on a database URL.
"""

from __future__ import annotations

import json

from engine.cli.printer import EventPrinter
from engine.errors import GoalError
from engine.input_coding import data_kind
from engine.models import zoo
from engine.project import open_project
from engine.texts import text


def cmd_tune(args) -> int:
    # Optuna loads only when tuning is asked for, so other commands start as fast as before.
    from engine.tuning_objective import TuningBudget, run_study
    from engine.tuning_space import default_space
    from engine.tuning_study import TuningSettings

    _check_budget(args)
    project = open_project(args.dir)
    kind = args.model or _chosen_kind(project)
    settings = TuningSettings(space=default_space(project, kind).to_dict(),
                              sampler=args.sampler, pruner=args.pruner or "",
                              epochs=args.epochs, seed=args.seed)
    budget = TuningBudget(str(project.root), settings, args.trials, args.seconds,
                          args.storage or "")
    _show(run_study(budget, _printer(args)), args.json)
    return 0


def cmd_worker(args) -> int:
    from engine.tuning_objective import run_worker

    _check_budget(args)
    result = run_worker(args.dir, args.storage or "", args.trials, args.seconds,
                        _printer(args))
    _show(result, args.json)
    return 0


def _chosen_kind(project) -> str:
    """The family of the chosen run when it is a network, else the data's usual network."""
    if project.chosen_run and any(r.id == project.chosen_run for r in project.runs):
        model = project.run(project.chosen_run).model
        if zoo.is_keras_kind(model):
            return model
    return zoo.default_kind(data_kind(project))


def _printer(args):
    """Progress lines, except when the output is JSON (it must parse as it is)."""
    return (lambda _event: None) if args.json else EventPrinter()


def _check_budget(args) -> None:
    if args.trials is None and args.seconds is None:
        raise GoalError(text("tuning.cli_no_budget"))


def _show(result, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    print(text("tuning.cli_summary", trials=result.trials, complete=result.complete,
               pruned=result.pruned, failed=result.failed))
    if result.best_trial is None:
        print(text("tuning.cli_no_best"))
    else:
        print(text("tuning.cli_best", trial=result.best_trial, run=result.best_run,
                   error=f"{result.best_value:.4g}"))
