"""``practica tune`` and ``practica worker``: search a project's settings with Optuna, and join
that search from another process or machine.

``tune`` starts the project's study (or continues it: finished trials are kept) with the
recommended search space of the chosen model's family, or the ranges given with
``--ranges FILE``, ``--range``, ``--fix`` (``engine.tuning.space_file``) or ``--zoom`` (the
narrowed ranges of the next round); afterwards the best trial that meets every limit becomes
the chosen model when it beats it (``engine.tuning.choice.adopt_best_trial``, the rule of
``run --until tune`` too). ``worker`` runs more trials of a study someone started, on the
journal file in the project folder or on a database URL.
"""

from __future__ import annotations

import json
import sys

from engine.cli.printer import EventPrinter
from engine.core.errors import GoalError, ProjectError
from engine.project.project import open_project
from engine.core.texts import text
from engine.tuning.requests import TuneRequest
from engine.core.jobs import NEVER
from engine.tuning.choice import adopt_best_trial
from engine.tuning.kind import tuning_kind
from engine.tuning.space_file import (custom_space, parse_fixed, parse_range, read_space_file,
                                      space_round)
from engine.tuning.step import search
from engine.tuning.summary import read_summary


def cmd_tune(args) -> int:
    # Optuna loads only when tuning is asked for, so other commands start as fast as before.

    _check_budget(args)
    if args.workers < 1:
        raise GoalError(text("tuning.cli_bad_workers"))
    project = open_project(args.dir)
    space, round_number = ranges_asked(args, project, quiet=args.json)
    request = TuneRequest(project=str(project.root), trials=args.trials, seconds=args.seconds,
                          workers=args.workers, sampler=args.sampler,
                          pruner=args.pruner or "", epochs=args.epochs, kind=args.model or "",
                          seed=args.seed, storage=args.storage or "", space=space,
                          round=round_number, kfold=args.kfold or 0,
                          artifacts=args.artifacts or "")
    if not args.kfold and not args.json:
        _small_data_hint(project)
    printer = _printer(args)
    result = search(request, printer, project=project)
    _store_hint(args)  # once the study opened: a storage fault stays the one line said
    before = len(project.decisions)
    adoption = adopt_best_trial(project)
    _show(result, args.json, adoption)
    if not args.json:  # a trial run another worker trained, fetched to be compared
        for d in project.decisions[before:]:
            if d.kind == "run_fetched":
                print(d.text)
    return 0


def _small_data_hint(project) -> None:
    """On small data (``engine.diagnosis.kfold.data_size``), one line offering --kfold."""
    # Imported here to keep pandas out of start-up.
    from engine.diagnosis.kfold import data_size

    size = data_size(project)
    if size.small:
        print(text("tuning.small_hint", rows=f"{size.rows:,}"))


def ranges_asked(args, project, quiet: bool = False) -> tuple[dict | None, int]:
    """The search space and round that ``--ranges FILE``, ``--range``, ``--fix`` and
    ``--zoom`` ask for: (None, 1) when none is given (the recommended ranges)."""
    written = read_space_file(args.ranges) if getattr(args, "ranges", None) else {}
    flags = [*(parse_range(r) for r in getattr(args, "range", None) or ()),
             *(parse_fixed(f) for f in getattr(args, "fix", None) or ())]
    round_number = space_round(written)
    if getattr(args, "zoom", False):
        summary = read_summary(project.root)
        if summary is None or not summary.proposal:
            raise ProjectError(text("tuning.cli_no_zoom"))
        if not quiet:
            print(text("tuning.cli_zoom", round=summary.next_round))
        written = {**dict(summary.proposal), **({"round": round_number} if round_number
                                                else {})}
        round_number = round_number or summary.next_round
    if getattr(args, "round", None) is not None:
        if args.round < 1:
            raise GoalError(text("tuning.bad_round", value=args.round))
        round_number = args.round
    if not written and not flags:
        return None, round_number or 1
    kind = getattr(args, "model", None) or tuning_kind(project)
    space = custom_space(project, kind, written, flags)
    round_number = round_number or 1
    if not quiet and not getattr(args, "zoom", False):
        changed = [n for n in written if n not in ("round", "kind", "params")] \
            + [n for n, _ in flags]
        print(text("tuning.cli_ranges", round=round_number,
                   changed=", ".join(dict.fromkeys(changed)) or "-"))
    return space.to_dict(), round_number


def cmd_worker(args) -> int:
    # Imported here to keep Optuna, scikit-learn out of start-up.
    from engine.tuning.workers import HelperStop

    _check_budget(args)
    cancel = HelperStop(args.stop_file) if args.stop_file else NEVER
    request = TuneRequest(project=str(args.dir), trials=args.trials, seconds=args.seconds,
                          storage=args.storage or "", join=True, first_trial=args.first_trial,
                          artifacts=args.artifacts or "")
    result = search(request, _printer(args), cancel)
    _store_hint(args)  # once the study opened: a storage fault stays the one line said
    _show(result, args.json)
    return 0


def _store_hint(args) -> None:
    """Say so when the trials' models will stay on their machines (a database server and
    no shared store); on stderr, so that --json output still parses."""
    # Imported here to keep the archive code out of start-up.
    from engine.tuning.trial_store import store_folder

    if args.storage and store_folder(args.dir, args.storage, args.artifacts) is None:
        print(text("tuning.no_store"), file=sys.stderr)


def _printer(args):
    """Progress lines, except when the output is JSON (it must parse as it is)."""
    return (lambda _event: None) if args.json else EventPrinter()


def _check_budget(args) -> None:
    if args.trials is None and args.seconds is None:
        raise GoalError(text("tuning.cli_no_budget"))


def _show(result, as_json: bool, adoption=None) -> None:
    # Imported here to keep pandas out of start-up.
    from engine.tuning.fold_scores import optimism_sentence

    optimism = optimism_sentence(result.complete, result.kfold)
    if as_json:
        out = result.to_dict()
        if adoption is not None:
            out["adoption"] = adoption.to_dict()
        if result.best_trial is not None:
            out["optimism"] = optimism
        print(json.dumps(out, indent=2))
        return
    print(text("tuning.cli_summary", trials=result.trials, complete=result.complete,
               pruned=result.pruned, failed=result.failed))
    if result.best_trial is None:
        print(text("tuning.cli_no_best"))
    elif result.kfold:
        print(text("tuning.cli_best_kfold", trial=result.best_trial + 1, run=result.best_run,
                   folds=result.kfold, error=f"{result.best_value:.4g}",
                   spread=f"{result.best_spread or 0:.2g}",
                   errors=", ".join(f"{e:.3g}" for e in result.best_fold_errors)))
    else:
        print(text("tuning.cli_best", trial=result.best_trial + 1, run=result.best_run,
                   error=f"{result.best_value:.4g}"))
    if result.best_trial is not None and result.best_where:
        print(text("tuning.cli_best_where", where=result.best_where))
    if result.best_trial is not None:
        print(optimism)
    if adoption is not None:
        print(adoption.sentence)
