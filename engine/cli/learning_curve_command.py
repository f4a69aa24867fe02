"""``practica learning-curve DIR``: draw the chosen model's learning curves and answer
"will more data help?" (``engine.diagnosis.learning_curve``)."""

from __future__ import annotations

import argparse
import json

from engine.core.errors import ProjectError
from engine.core.defaults import LEARNING_CURVE_SEEDS
from engine.core.texts import text
from engine.cli.printer import EventPrinter, once_per_fit

# The command's defaults, as in engine.diagnosis.learning_curve (not imported here: it pulls in the
# data libraries, and the parser is built for every command).
SIZES = "0.1,0.25,0.5,1"
SEEDS = LEARNING_CURVE_SEEDS


def add_parser(sub) -> None:
    """The ``learning-curve`` subcommand and its options."""
    p = sub.add_parser("learning-curve",
                       help="train the chosen model on growing parts of the training rows "
                            "and say whether more data would help")
    p.add_argument("dir", help="the project folder (its model chosen in step 4)")
    p.add_argument("--sizes", default=SIZES, metavar="LIST",
                   help=f"shares of the training rows, comma-separated (default {SIZES})")
    p.add_argument("--seeds", type=int, default=SEEDS, metavar="K",
                   help=f"fits per size, each on another random part (default {SEEDS})")
    p.add_argument("--kfold", type=int, metavar="K",
                   help="small data: fit each size once per fold of K folds of the training, "
                        "train-dev and dev rows (never the test rows), scored on the fold "
                        "left out, instead of on the dev rows (--seeds is then not used)")
    p.add_argument("--max-epochs", type=int, metavar="N",
                   help="at most N epochs per fit (default: as the chosen run)")
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def parse_sizes(raw: str) -> tuple[float, ...]:
    """``"0.1,0.25,1"`` or ``"10%,25%,100%"`` as shares."""
    sizes = []
    for part in raw.split(","):
        part = part.strip()
        try:
            sizes.append(float(part[:-1]) / 100 if part.endswith("%") else float(part))
        except ValueError:
            raise ProjectError(text("learning_curve.bad_sizes")) from None
    return tuple(sizes)


def cmd_learning_curve(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.learning_curve import draw_learning_curve
    from engine.diagnosis.learning_curve_view import curve_note, curve_rows
    from engine.project.project import open_project

    project = open_project(args.dir)
    progress = (lambda _event: None) if args.json else once_per_fit(EventPrinter())
    curve = draw_learning_curve(project, sizes=parse_sizes(args.sizes), seeds=args.seeds,
                                max_epochs=args.max_epochs, progress=progress,
                                folds=args.kfold or 0)
    if args.json:
        print(json.dumps(curve.to_dict(), indent=2))
        return 0
    run = project.run(curve.run)
    if curve.folds:
        print(text("cli.learning_curve.header_kfold", label=run.label, folds=curve.folds))
    else:
        print(text("cli.learning_curve.header", label=run.label, seeds=curve.seeds))
    headers = [text(f"gui.learning_curve.col_{c}") for c in ("share", "rows", "train", "dev")]
    rows = curve_rows(curve)
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        print("  " + "  ".join(cell.rjust(w) if i else cell.ljust(w)
                               for i, (cell, w) in enumerate(zip(row, widths))))
    print(text("cli.learning_curve.answer", answer=curve.answer))
    print(curve.explanation)
    if curve.folds:
        print(curve_note(curve))
    return 0
