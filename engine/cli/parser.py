"""The argument parser of ``practica``. Usage errors are one plain line and exit code 2."""

from __future__ import annotations

import argparse
import sys

from engine import __version__
from engine.workflow import STEPS


class PlainParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line, with a hint to ``--help``."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        sys.stderr.write(f"practica: {message}. Run '{self.prog} --help' to see how to use it.\n")
        raise SystemExit(2)


def build_parser() -> PlainParser:
    p = PlainParser(prog="practica",
                    description="Practica: the practical methodology of deep learning, "
                                "step by step. With no command it opens the desktop app.")
    p.add_argument("--version", action="version", version=f"practica {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=PlainParser)

    demo = sub.add_parser("demo", help="run the whole workflow on a bundled sample")
    demo.add_argument("--out", default="demo-output", help="folder for the project and report")
    demo.add_argument("--epochs", type=int, default=100, help="most epochs for the Keras model")

    new = sub.add_parser("new", help="make a project from a data file")
    new.add_argument("dir", help="the new project folder")
    new.add_argument("--data", required=True, help="the data file (CSV, Excel or Parquet)")
    new.add_argument("--target-data", help="a second file: the data you care about; "
                                           "it supplies the dev and test sets")
    new.add_argument("--target", required=True, help="the column to predict")
    new.add_argument("--task", choices=("binary", "multiclass", "regression"),
                     help="override the task Practica infers from the target")
    new.add_argument("--metric", help="the optimizing metric (default: Practica suggests one)")
    new.add_argument("--constraint", action="append", default=[], metavar="EXPR",
                     help='a satisfying constraint, e.g. "recall >= 0.9", "latency_ms < 50"')
    new.add_argument("--target-error", metavar="X",
                     help="the target (human-level) error, as a fraction (0.05) or percent (5%%)")

    run = sub.add_parser("run", help="run the workflow steps of a project")
    run.add_argument("dir", help="the project folder")
    run.add_argument("--until", required=True, choices=STEPS,
                     help="the last step to run (test opens the vault, once)")
    run.add_argument("--epochs", type=int, default=100, help="most epochs for the Keras model")

    check = sub.add_parser("check", help="summarize a data file and list its problems")
    check.add_argument("file")
    check.add_argument("--target", help="the column to predict")

    diag = sub.add_parser("diagnose", help="read an error ladder (errors in percent)")
    for name in ("train", "dev"):
        diag.add_argument(f"--{name}", type=float, required=True, metavar="X")
    for name in ("target-error", "train-dev", "test"):
        diag.add_argument(f"--{name}", type=float, metavar="X")
    diag.add_argument("--json", action="store_true", help="print a JSON object")

    report = sub.add_parser("report", help="write the PDF and CSV report of a project")
    report.add_argument("dir")
    report.add_argument("--pdf", help="where to write the PDF")
    report.add_argument("--csv", help="folder for the CSV files")
    return p
