"""``practica tune`` and ``practica worker``: search a project's settings with Optuna, and join
that search from another process or machine.

``tune`` starts the project's study (or continues it: finished trials are kept) with the
recommended search space of the chosen model's family; ``worker`` runs more trials of a study
someone started, on the journal file in the project folder or on a database URL.
"""

from __future__ import annotations

import json

from engine.cli.printer import EventPrinter
from engine.core.errors import GoalError
from engine.project.project import open_project
from engine.core.texts import text
from engine.tuning.kind import tuning_kind


def cmd_tune(args) -> int:
    # Optuna loads only when tuning is asked for, so other commands start as fast as before.
    from engine.tuning.objective import TuningBudget
    from engine.tuning.step import log_search
    from engine.tuning.workers import run_parallel
    from engine.tuning.space import default_space
    from engine.tuning.study import TuningSettings

    _check_budget(args)
    project = open_project(args.dir)
    kind = args.model or tuning_kind(project)
    settings = TuningSettings(space=default_space(project, kind).to_dict(),
                              sampler=args.sampler, pruner=args.pruner or "",
                              epochs=args.epochs, seed=args.seed)
    if args.workers < 1:
        raise GoalError(text("tuning.cli_bad_workers"))
    budget = TuningBudget(str(project.root), settings, args.trials, args.seconds,
                          args.storage or "", workers=args.workers)
    result = run_parallel(budget, progress=_printer(args))
    log_search(project, settings, result)
    _show(result, args.json)
    return 0


def cmd_worker(args) -> int:
    from engine.core.jobs import NEVER
    from engine.tuning.objective import run_worker
    from engine.tuning.workers import HelperStop

    _check_budget(args)
    cancel = HelperStop(args.stop_file) if args.stop_file else NEVER
    result = run_worker(args.dir, args.storage or "", args.trials, args.seconds,
                        _printer(args), cancel, args.first_trial)
    _show(result, args.json)
    return 0


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
        print(text("tuning.cli_best", trial=result.best_trial + 1, run=result.best_run,
                   error=f"{result.best_value:.4g}"))
