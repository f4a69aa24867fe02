"""The argument parser of ``practica``. Usage errors are one plain line and exit code 2."""

from __future__ import annotations

import argparse
import sys

from engine import __version__
from engine.cli import (calibrate_command, costs_command, ensemble_command, explain_command,
                        kfold_command, learning_curve_command, predict_command, tags_command,
                        threshold_command, use_command, weights_command)
from engine.app.steps import HEADLESS, STEP_ALIASES
from engine.core.defaults import (CORRECTION, CORRECTIONS, DEEP_EPOCHS, ENSEMBLE_MEMBERS,
                                  FINAL_SEEDS, TUNING_EPOCHS)


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
    p.add_argument("--take-over", action="store_true",
                   help="take over a project that a program on another computer still holds "
                        "(only when that computer no longer uses it)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=PlainParser)

    demo = sub.add_parser("demo", help="run the whole workflow on a bundled sample")
    demo.add_argument("--out", default="demo-output", help="folder for the project and report")
    demo.add_argument("--epochs", type=int, default=DEEP_EPOCHS,
                      help="most epochs for the Keras model")

    new = sub.add_parser("new", help="make a project from a data file, or a folder of images or "
                                      "recordings (WAV, FLAC, OGG)")
    new.add_argument("dir", help="the new project folder")
    new.add_argument("--data", required=True,
                     help="the data file (CSV, Excel or Parquet), or a folder with one "
                          "sub-folder of images (or of recordings) per class")
    new.add_argument("--target-data", help="a second file: the data you care about; "
                                           "it supplies the dev and test sets")
    new.add_argument("--target", help="the column to predict (not for an image folder: "
                                      "its sub-folder names are the classes)")
    new.add_argument("--label-columns", metavar="A,B,C",
                     help="columns in which several people labelled the same thing: the "
                          "target is their vote, and how often they disagree proposes the "
                          "target error")
    _data_kind_options(new)
    new.add_argument("--task", choices=("binary", "multiclass", "regression"),
                     help="override the task Practica infers from the target")
    new.add_argument("--metric", help="the optimizing metric (default: Practica suggests one)")
    new.add_argument("--constraint", action="append", default=[], metavar="EXPR",
                     help='a satisfying constraint, e.g. "recall >= 0.9", "latency_ms < 50"')
    new.add_argument("--target-error", metavar="X",
                     help="the target (human-level) error, as a fraction (0.05) or percent (5%%)")
    new.add_argument("--abstain-accuracy", metavar="X",
                     help="let the model refuse to answer when unsure; the answers it gives "
                          "must be right at least this often, as a fraction (0.95) or "
                          "percent (95%%)")
    costs_command.add_cost_options(new, unit_flag="--cost-unit")

    run = sub.add_parser("run", help="run the workflow steps of a project")
    run.add_argument("dir", help="the project folder")
    run.add_argument("--until", required=True, choices=(*HEADLESS, *STEP_ALIASES),
                     metavar="{" + ",".join(HEADLESS) + "}",
                     help="the last step to run (final opens the vault, once; split and "
                          "test are older names of data and final)")
    run.add_argument("--epochs", type=int, default=DEEP_EPOCHS,
                     help="most epochs for the Keras model")
    run.add_argument("--model", help="the deep model of the baseline (default: the usual one "
                                     "for the data: mlp, cnn, conv1d or text_pool)")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="a setting of the deep model, e.g. optimizer=sgd, "
                          "schedule=warmup_cosine, imbalance=class_weights, augment=0.5, "
                          "hard_examples=0.5, sound_pitch=true")
    run.add_argument("--seeds", type=int, default=FINAL_SEEDS, metavar="K",
                     help="final test: train the chosen settings with K seeds in all and "
                          f"give the mean and spread of every metric (default {FINAL_SEEDS})")
    run.add_argument("--ensemble", action="store_true",
                     help="final test: compare the chosen model with the average of the "
                          f"top {ENSEMBLE_MEMBERS} models too")
    run.add_argument("--retrain-on-dev", action="store_true",
                     help="final test: before the vault opens, train the chosen network "
                          "again on the training and dev rows (the dev run's best number of "
                          "epochs) and test that model; its dev score then no longer applies")
    run.add_argument("--correction", choices=CORRECTIONS, default=CORRECTION,
                     help="final test: correction for making several comparisons")
    run.add_argument("--override", default="", metavar="REASON",
                     help="final test: test the chosen model although the checks before "
                          "the vault object (it breaks a limit or is out of date); the "
                          "reason is recorded and printed in the report")
    run.add_argument("--new-experiment", default="", metavar="REASON",
                     help="final test: look at the test set again after a final test; the "
                          "reason is recorded, the earlier test kept, and the report marks "
                          "the result as optimistic")
    run.add_argument("--trials", type=int, metavar="N",
                     help="tune: search N settings (without --trials or --seconds the "
                          "tune step is skipped)")
    run.add_argument("--seconds", type=float, metavar="S",
                     help="tune: stop starting new trials after S seconds")
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="tune: processes that run trials at once (default 1)")
    run.add_argument("--sampler", choices=("random", "grid", "tpe"), default="random",
                     help="tune: how to pick settings (default: random, on log scales)")
    run.add_argument("--pruner", choices=("median", "hyperband", "none"),
                     help="tune: stop poor trials early (default: median for random, "
                          "hyperband for tpe)")
    run.add_argument("--kfold", type=int, metavar="K",
                     help="tune: score every trial by its mean error over K folds of the "
                          "non-test rows (small data)")
    run.add_argument("--tune-epochs", type=int, metavar="E",
                     help="tune: most epochs per trial (default: --epochs, at most "
                          f"{TUNING_EPOCHS})")
    _range_options(run, "tune: ")
    _split_options(run, "data: ")
    run.add_argument("--run", metavar="RUN_OR_TRIAL",
                     help="diagnose: make this run (its id) or tuning trial (its number) the "
                          "chosen model, as 'practica use' does")
    run.add_argument("--storage", metavar="URL",
                     help="tune: the study's database URL, shared by workers on several "
                          "machines (its trials are read first)")
    run.add_argument("--artifacts", metavar="PATH",
                     help="tune: the folder every worker reaches holding the trials' models")

    train = sub.add_parser("train", help="train one more model of a split project")
    train.add_argument("dir", help="the project folder")
    train.add_argument("--model", help="mlp, cnn, conv1d, gru, lstm, text_pool, text_conv, "
                                       "linear, majority or boosted (trees, tables only; "
                                       "default: the usual one)")
    train.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="a setting, e.g. learning_rate=0.01, width=128, epochs=20")
    train.add_argument("--resume", nargs="?", const="latest", metavar="RUN",
                       help="continue an interrupted run (the latest one if no RUN given)")

    check = sub.add_parser("check", help="summarize a data file or image folder and list "
                                         "its problems; for a project folder, also what "
                                         "the checks of its split found")
    check.add_argument("file", help="a data file, an image folder or a project folder")
    check.add_argument("--target", help="the column to predict")
    _data_kind_options(check)
    check.add_argument("--drop-copies", action="store_true",
                       help="project folder: split again, leaving out the dev and test rows "
                            "that copy a training row")
    check.add_argument("--leave-out", action="append", default=[], metavar="COLUMN",
                       help="project folder: split again without this input column "
                            "(e.g. one that gives the answer away); repeat for several")
    _split_options(check, "", project_only=True)

    diag = sub.add_parser("diagnose", help="read the error ladder of a project, or of errors "
                                           "you type in (in percent)")
    diag.add_argument("dir", nargs="?", help="a project folder: read its chosen model's ladder "
                                             "(or the best model that meets your limits)")
    for name in ("train", "dev"):
        diag.add_argument(f"--{name}", type=float, metavar="X")
    for name in ("target-error", "train-dev", "test"):
        diag.add_argument(f"--{name}", type=float, metavar="X")
    diag.add_argument("--json", action="store_true", help="print a JSON object")
    diag.add_argument("--run", metavar="RUN_OR_TRIAL",
                      help="with a project folder: read the ladder of this run (its id) or "
                           "tuning trial (its number) and make it the chosen model")
    use_command.study_options(diag)

    tune = sub.add_parser("tune", help="search the settings of a project's network "
                                       "(Optuna; finished trials are kept)")
    tune.add_argument("dir", help="the project folder (split, with a baseline)")
    _budget_options(tune)
    tune.add_argument("--model", help="the network to tune (default: the chosen one)")
    tune.add_argument("--sampler", choices=("random", "grid", "tpe"), default="random",
                      help="how to pick settings (default: random, on log scales)")
    tune.add_argument("--pruner", choices=("median", "hyperband", "none"),
                      help="stop poor trials early (default: median for random, "
                           "hyperband for tpe)")
    tune.add_argument("--epochs", type=int, default=20, help="most epochs per trial")
    tune.add_argument("--seed", type=int, help="the sampler's seed")
    tune.add_argument("--workers", type=int, default=1, metavar="N",
                      help="processes that run trials at once on this machine (default 1)")
    tune.add_argument("--kfold", type=int, metavar="K",
                      help="small data: score every trial by its mean error over K folds of "
                           "the training, train-dev and dev rows (never the test rows); "
                           "each trial's own model is still trained on the training rows")
    _range_options(tune, "")

    worker = sub.add_parser("worker", help="run more trials of a study started with "
                                           "'practica tune', from another process or machine")
    worker.add_argument("dir", help="the project folder")
    _budget_options(worker)
    # Set by the tuning job for the helper processes it starts (see engine.tuning.workers).
    worker.add_argument("--first-trial", type=int, help=argparse.SUPPRESS)
    worker.add_argument("--stop-file", help=argparse.SUPPRESS)

    report = sub.add_parser("report", help="write the PDF and CSV report of a project")
    report.add_argument("dir")
    report.add_argument("--pdf", help="where to write the PDF")
    report.add_argument("--csv", help="folder for the CSV files")
    learning_curve_command.add_parser(sub)
    kfold_command.add_parser(sub)
    ensemble_command.add_parser(sub)
    explain_command.add_parser(sub)
    calibrate_command.add_parser(sub)
    threshold_command.add_parser(sub)
    predict_command.add_parsers(sub)
    use_command.add_parser(sub)
    tags_command.add_parser(sub)
    costs_command.add_parser(sub)
    weights_command.add_parser(sub)
    # The throw-away model checker of the installed app (engine.models.safe_model_load); unlisted.
    inspect = sub.add_parser("inspect-model")
    inspect.add_argument("file")
    return p


def _budget_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trials", type=int, metavar="N", help="how many trials to run")
    p.add_argument("--seconds", type=float, metavar="S",
                   help="start no new trial after this many seconds")
    p.add_argument("--storage", metavar="URL",
                   help="a database URL (e.g. postgresql://user@host/db) shared by workers "
                        "on several machines; default: a journal file in the project folder")
    p.add_argument("--artifacts", metavar="PATH",
                   help="a folder every worker reaches where each trial's model is put "
                        "(default: beside an SQLite file given with --storage)")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def _range_options(p: argparse.ArgumentParser, prefix: str) -> None:
    """The search's ranges: a file, single ranges, fixed settings, the round, zooming in."""
    p.add_argument("--ranges", metavar="FILE",
                   help=prefix + "a JSON or TOML file of search ranges (see README); settings "
                                 "it does not name keep the recommended ranges")
    p.add_argument("--range", action="append", default=[], metavar="NAME=LOW..HIGH[:log]",
                   help=prefix + "search one setting over this range, e.g. "
                                 "learning_rate=1e-4..1e-2:log (repeat for several)")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help=prefix + "do not search this setting: every trial uses VALUE")
    p.add_argument("--round", type=int, metavar="N",
                   help=prefix + "the round of coarse-to-fine search these ranges are "
                                 "(default 1, or the file's round)")
    p.add_argument("--zoom", action="store_true",
                   help=prefix + "search the narrowed ranges around the best trials so far "
                                 "(the next round)")


def _split_options(p: argparse.ArgumentParser, prefix: str, project_only: bool = False) -> None:
    """The split's shares and seed."""
    where = "project folder: split again with " if project_only else "split with "
    p.add_argument("--shares", metavar="TRAIN,TRAIN_DEV,DEV,TEST",
                   help=prefix + where + "these shares, e.g. 0.7,0.1,0.1,0.1 or "
                                         "70%%,10%%,10%%,10%% (a data file: check that they "
                                         "can be made)" if project_only else
                   prefix + where + "these shares, e.g. 0.7,0.1,0.1,0.1 or 70%%,10%%,10%%,10%% "
                                    "(a split made with others is made again)")
    p.add_argument("--seed", type=int, metavar="N",
                   help=prefix + where + "this random seed (default 0)")


def _data_kind_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--text-column", metavar="COL",
                   help="the data are texts: the column that holds them")
    p.add_argument("--sequence", choices=("wide", "long"),
                   help="the data are sequences: one series per row (wide: the numeric "
                        "columns in file order) or one time step per row (long)")
    p.add_argument("--id-column", metavar="COL", help="long sequences: the series' id")
    p.add_argument("--time-column", metavar="COL", help="long sequences: the time step")
    p.add_argument("--value-column", action="append", default=[], metavar="COL",
                   help="long sequences: a measured value (repeat for several)")
