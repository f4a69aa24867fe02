"""``practica calibrate DIR``: fit (or remove) the calibration of a run's probabilities on
the dev rows (``engine.decision.calibration``) and print the calibration error before and
after."""

from __future__ import annotations

import argparse
import json

from engine.cli.printer import EventPrinter
from engine.core.texts import text

# As engine.decision.calibration.METHODS (not imported: data libraries).
METHODS = ("auto", "temperature", "platt", "isotonic", "none")


def add_parser(sub) -> None:
    """The ``calibrate`` subcommand and its options."""
    p = sub.add_parser("calibrate", help="make a model's probabilities mean what they say "
                                         "(fitted on the dev rows, checked by cross-fitting)")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--method", choices=METHODS, default="auto",
                   help="auto (default: temperature scaling for networks, Platt or isotonic "
                        "for yes/no baselines, whichever does better), temperature, platt, "
                        "isotonic, or none to remove the calibration")
    p.add_argument("--run", metavar="RUN", help="the run to calibrate (its id; default: the "
                                                "model chosen in step 4)")
    p.add_argument("--new-experiment", default="", metavar="REASON",
                   help="after the test set was seen: calibrate anyway; the reason is "
                        "recorded and the report marks the calibration as made after "
                        "seeing the test set")
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def cmd_calibrate(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.decision.calibration import calibrate_run, calibration_lines
    from engine.project.project import open_project

    project = open_project(args.dir)
    printer = EventPrinter()
    result = calibrate_run(project, args.method, args.run or None,
                           new_experiment=args.new_experiment,
                           progress=(lambda event: None) if args.json else printer)
    rule = project.decision_rule
    fit = rule.calibration if rule is not None and rule.applies_to(result.run) else None
    lines = calibration_lines(fit, result.label) if result.method != "none" else []
    if args.json:
        print(json.dumps({**result.to_dict(), "lines": lines}, indent=2))
        return 0
    if result.method == "none":
        key = "cli_removed" if result.removed else "cli_nothing"
        # text keys: calibration.cli_removed, calibration.cli_nothing
        print(text(f"calibration.{key}", label=result.label))
    else:
        _table(result)
        if result.compared:
            scores = ", ".join(f"{text(f'calibration.method_{m}')} {v:.4f}"
                               for m, v in result.compared.items())
            print(text("calibration.cli_compared", scheme=result.scheme, scores=scores))
        for line in lines:
            print(line)
    if result.threshold_kept is not None:
        print(text("calibration.cli_threshold", value=result.threshold_kept))
    if result.after_test_seen:
        print(text("calibration.cli_after_test"))
    print(text("calibration.cli_seconds", seconds=result.seconds))
    return 0


def _table(result) -> None:
    headers = ["", text("calibration.col_ece"), text("calibration.col_log_loss")]
    rows = [[text("calibration.cli_before"), f"{result.ece_before:.4f}",
             f"{result.log_loss_before:.4f}"],
            [text("calibration.cli_after", method=text(f"calibration.method_{result.method}")),
             f"{result.ece_after:.4f}", f"{result.log_loss_after:.4f}"]]
    widths = [max(len(r[k]) for r in [headers, *rows]) for k in range(len(headers))]
    for row in [headers, *rows]:
        print("  " + "  ".join(cell.ljust(w) if k == 0 else cell.rjust(w)
                               for k, (cell, w) in enumerate(zip(row, widths))))
