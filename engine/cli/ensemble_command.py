"""``practica ensemble DIR [--size K | --runs ID,ID,...] [--use]``: make the average of several
runs a model of its own (``engine.final.ensemble_run``), which can then be chosen, tested,
used to predict and exported like any run. Without ``--size`` or ``--runs``: list the runs
that may join, best dev error first.
"""

from __future__ import annotations

import argparse
import json
import math

from engine.core.defaults import ENSEMBLE_MEMBERS
from engine.core.texts import text


def add_parser(sub) -> None:
    """The ``ensemble`` subcommand and its options."""
    p = sub.add_parser("ensemble", help="make the average of several runs a model of its own "
                                        "(without --size or --runs: list those that may join)",
                       description=text("cli.ensemble.about"))
    p.add_argument("dir", help="the project folder")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--size", type=int, metavar="K",
                       help=f"the K runs with the lowest dev error that meet every limit "
                            f"(the usual choice: {ENSEMBLE_MEMBERS})")
    which.add_argument("--runs", metavar="ID,ID,...",
                       help="the runs to average, comma-separated (at least two)")
    p.add_argument("--use", action="store_true",
                   help="make the new ensemble the chosen model at once")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def cmd_ensemble(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.final.ensemble_run import make_ensemble_run
    from engine.project.project import open_project
    from engine.tuning.choice import choose_run

    project = open_project(args.dir)
    if args.size is None and not args.runs:
        return _list(project, args.json)
    runs = tuple(r.strip() for r in (args.runs or "").split(",") if r.strip())
    made = make_ensemble_run(project, runs, args.size)
    chosen = choose_run(project, made.run.id) if args.use else None
    if args.json:
        print(json.dumps({**made.to_dict(), "chosen": chosen is not None}, indent=2))
        return 0
    print(text("cli.ensemble.members", n=len(made.members)))
    for run in made.members:
        print(f"  {run.id:<28} {_error(project, run.errors.get('dev')):>9}  {run.label}")
    print(text("cli.ensemble.scores", train=_error(project, made.run.errors.get("train")),
               train_dev=_error(project, made.run.errors.get("train_dev")),
               dev=_error(project, made.run.errors.get("dev"))))
    if made.broken:
        print(text("cli.ensemble.breaks", reasons=" ".join(made.broken)))
    else:
        print(text("cli.ensemble.meets"))
    print(text("cli.ensemble.made", run=made.run.id))
    if chosen is not None:
        print(text("cli.use.chosen", label=made.run.label, run=made.run.id,
                   dev=_error(project, made.run.errors["dev"])))
    else:
        print(text("cli.ensemble.next", dir=args.dir, run=made.run.id))
    return 0


def _list(project, as_json: bool) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.final.ensemble import eligible_members

    runs = eligible_members(project)
    if as_json:
        print(json.dumps([{"run": r.id, "label": r.label, "model": r.model,
                           "dev_error": r.errors["dev"]} for r in runs], indent=2))
        return 0
    if len(runs) < 2:
        print(text("cli.ensemble.none", n=len(runs)))
        return 0
    print(text("cli.ensemble.header"))
    for r in runs:
        print(f"  {r.id:<28} {_error(project, r.errors['dev']):>9}  {r.label}")
    return 0


def _error(project, value) -> str:
    # Imported here to keep pandas out of start-up.
    from engine.words.formatting import fmt_error

    if value is None or not math.isfinite(float(value)):
        return "-"
    return fmt_error(value, project.goal.metric if project.goal else "accuracy")
