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
from engine.tuning.requests import TuneRequest
from engine.core.jobs import NEVER
from engine.tuning.step import search


def cmd_tune(args) -> int:
    # Optuna loads only when tuning is asked for, so other commands start as fast as before.

    _check_budget(args)
    if args.workers < 1:
        raise GoalError(text("tuning.cli_bad_workers"))
    project = open_project(args.dir)
    request = TuneRequest(project=str(project.root), trials=args.trials, seconds=args.seconds,
                          workers=args.workers, sampler=args.sampler,
                          pruner=args.pruner or "", epochs=args.epochs, kind=args.model or "",
                          seed=args.seed, storage=args.storage or "")
    _show(search(request, _printer(args), project=project), args.json)
    return 0


def cmd_worker(args) -> int:
    # Imported here to keep Optuna, scikit-learn out of start-up.
    from engine.tuning.workers import HelperStop

    _check_budget(args)
    cancel = HelperStop(args.stop_file) if args.stop_file else NEVER
    request = TuneRequest(project=str(args.dir), trials=args.trials, seconds=args.seconds,
                          storage=args.storage or "", join=True, first_trial=args.first_trial)
    _show(search(request, _printer(args), cancel), args.json)
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
