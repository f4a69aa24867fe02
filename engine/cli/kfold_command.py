"""``practica kfold DIR``: compare models by k-fold cross-validation on the non-test rows
of a small project (``engine.diagnosis.kfold``)."""

from __future__ import annotations

import argparse
import json

from engine.core.texts import text
from engine.cli.printer import EventPrinter, once_per_fit

# The command's defaults, as in engine.diagnosis.kfold (not imported here: it pulls in the
# data libraries, and the parser is built for every command).
FOLDS = 5
EPOCHS = 20


def add_parser(sub) -> None:
    """The ``kfold`` subcommand and its options."""
    p = sub.add_parser("kfold", help="small data: compare models by k-fold cross-validation "
                                     "on the rows outside the test set",
                       description=text("kfold.about"))
    p.add_argument("dir", help="the project folder (its rows split)")
    p.add_argument("--folds", type=int, default=FOLDS, metavar="K",
                   help=f"number of folds, 2 to 10 (default {FOLDS})")
    p.add_argument("--models", metavar="LIST",
                   help="model kinds, comma-separated (default: majority, linear, boosted "
                        "trees for tables, and the network)")
    p.add_argument("--epochs", type=int, default=EPOCHS, metavar="E",
                   help=f"epochs of each network fit (default {EPOCHS})")
    p.add_argument("--force", action="store_true",
                   help="run even when the data is not small")
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def cmd_kfold(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.kfold import compare_by_kfold, kfold_sentences
    from engine.project.project import open_project

    models = tuple(m.strip() for m in (args.models or "").split(",") if m.strip()) or None
    progress = (lambda _event: None) if args.json else once_per_fit(EventPrinter())
    result = compare_by_kfold(open_project(args.dir), folds=args.folds, models=models,
                              epochs=args.epochs, force=args.force, progress=progress)
    if args.json:
        print(json.dumps({**result.to_dict(), "lines": kfold_sentences(result)}, indent=2))
        return 0
    print(text("cli.kfold.header", folds=result.folds, rows=f"{result.rows:,}",
               metric=result.metric))
    for line in kfold_table(result):
        print("  " + line)
    for line in kfold_sentences(result):
        print(line)
    return 0


def kfold_table(result) -> list[str]:
    """The table's lines: model, mean, spread, p-value against the best."""
    # Imported here to keep pandas, SciPy out of start-up.
    from engine.diagnosis.kfold import kfold_headers, kfold_rows

    headers, rows = kfold_headers(), kfold_rows(result)
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return ["  ".join(cell.rjust(w) if i else cell.ljust(w)
                      for i, (cell, w) in enumerate(zip(row, widths)))
            for row in [headers, *rows]]
