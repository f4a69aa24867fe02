"""``practica explain DIR``: which inputs a run relies on, by permutation importance on the
dev rows (``engine.diagnosis.importance``); the result is saved beside the run."""

from __future__ import annotations

import argparse
import json

from engine.cli.printer import EventPrinter
from engine.core.jobs import StageStarted
from engine.core.texts import text

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
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def cmd_explain(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.importance import explain_run, importance_lines, shares
    from engine.project.project import open_project

    project = open_project(args.dir)
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
