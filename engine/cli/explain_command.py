"""``practica explain DIR``: which inputs a run relies on, by permutation importance on the
dev rows (``engine.diagnosis.importance``); the result is saved beside the run.

``practica explain DIR --example ROW``: why the run answered dev row ``ROW`` (the row number
error analysis shows) as it did, input by input (``engine.diagnosis.why_example``)."""

from __future__ import annotations

import argparse
import json

from engine.cli.printer import EventPrinter
from engine.core.jobs import StageStarted
from engine.core.texts import text

TABLE_ROWS = 20  # inputs listed by --example
REPEATS = 5  # as engine.diagnosis.importance.DEFAULT_REPEATS (not imported: data libraries)


def add_parser(sub) -> None:
    """The ``explain`` subcommand and its options."""
    p = sub.add_parser("explain", help="measure which inputs a model relies on (shuffling "
                                       "each input on the dev rows) and warn of leakage")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--run", metavar="RUN", help="the run to explain (its id; default: the "
                                                "model chosen in step 4)")
    p.add_argument("--repeats", type=int, default=REPEATS, metavar="N",
                   help=f"shuffles per input (default {REPEATS})")
    p.add_argument("--example", type=int, metavar="ROW",
                   help="explain why the model answered this dev row (the row number shown "
                        "in error analysis) as it did, instead of ranking the inputs")
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def cmd_explain(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.importance import explain_run, importance_lines, shares
    from engine.project.project import open_project

    project = open_project(args.dir)
    if args.example is not None:
        return _why_example(project, args)
    printer = EventPrinter()
    # One line for the stage; not one per input (a table may have hundreds of columns).
    progress = (lambda event: None if args.json or not isinstance(event, StageStarted)
                else printer(event))
    result = explain_run(project, args.run or None, repeats=args.repeats, progress=progress)
    if args.json:
        print(json.dumps({**result.to_dict(), "lines": importance_lines(result)}, indent=2))
        return 0
    headers = [text(f"importance.col_{c}") for c in ("rank", "input", "drop", "interval",
                                                     "share")]
    rows = [[str(n), i.name, f"{i.mean:+.4f}", f"{i.low:+.4f} .. {i.high:+.4f}", f"{s:.0%}"]
            for n, (i, s) in enumerate(zip(result.inputs, shares(result.inputs)), 1)]
    widths = [max(len(r[k]) for r in [headers, *rows]) for k in range(len(headers))]
    for row in [headers, *rows]:
        print("  " + "  ".join(cell.ljust(w) if k == 1 else cell.rjust(w)
                               for k, (cell, w) in enumerate(zip(row, widths))))
    for line in importance_lines(result):
        print(line)
    print(text("importance.saved", seconds=result.seconds,
               path=project.run_dir(result.run) / "importance.json"))
    return 0


def _why_example(project, args: argparse.Namespace) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.why_example import explain_example

    printer = EventPrinter()
    progress = (lambda event: None if args.json or not isinstance(event, StageStarted)
                else printer(event))
    why = explain_example(project, args.example, args.run or None, progress=progress)
    if args.json:
        print(json.dumps(why.to_dict(), indent=2))
        return 0
    for line in why.lines:
        print(line)
    regression = why.task == "regression"
    headers = [text(f"why.col_{c}") for c in ("rank", "input", "effect", "without")]
    rows = [[str(n), p.name, "0" if abs(p.effect) < 5e-5 else f"{p.effect:+.4f}",
             p.answer_without if regression else f"{p.answer_without} ({p.score_without:.2f})"]
            for n, p in enumerate(why.parts[:TABLE_ROWS], 1)]
    widths = [max(len(r[k]) for r in [headers, *rows]) for k in range(len(headers))]
    for row in [headers, *rows]:
        print("  " + "  ".join(cell.rjust(w) if k in (0, 2) else cell.ljust(w)
                               for k, (cell, w) in enumerate(zip(row, widths))))
    if len(why.parts) > TABLE_ROWS:
        print(text("why.more", shown=TABLE_ROWS, total=len(why.parts)))
    if why.overlay:
        print(text("why.overlay", path=why.overlay))
    print(text("why.took", seconds=why.seconds))
    return 0
