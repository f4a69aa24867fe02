"""``practica`` entry point: dispatch a command; user errors print one line and exit 2.

No traceback ever reaches the user: an unexpected failure prints one line that says where
the details were saved (a new file only Practica creates, ``engine.core.error_details``).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Iterator

# TensorFlow's start-up chatter is not for users; set before Keras is ever imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from engine.cli.parser import build_parser  # noqa: E402
from engine.core.error_details import save_error_details  # noqa: E402
from engine.core.errors import PracticaError, ProjectLockedError  # noqa: E402
from engine.project.lock import hold  # noqa: E402
from engine.project.project import PROJECT_FILE, SPLITS_FILE, open_project  # noqa: E402
from engine.project.split_integrity import split_problems  # noqa: E402
from engine.project.source_changes import describe  # noqa: E402
from engine.core.texts import text  # noqa: E402


class Command:
    """A command's function, imported when the command runs: ``--help``, ``--version`` and a
    mistyped command answer at once instead of after loading scikit-learn and pandas."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, args) -> int:
        # Imported here to keep scikit-learn, pandas and Keras out of start-up.
        return getattr(importlib.import_module(self.module), self.name)(args)

    def __repr__(self) -> str:
        return f"Command({self.module}.{self.name})"


_COMMANDS = "engine.cli.commands"
COMMANDS = {
    "demo": Command(_COMMANDS, "cmd_demo"),
    "new": Command(_COMMANDS, "cmd_new"),
    "run": Command(_COMMANDS, "cmd_run"),
    "train": Command(_COMMANDS, "cmd_train"),
    "check": Command(_COMMANDS, "cmd_check"),
    "diagnose": Command("engine.cli.diagnose_command", "cmd_diagnose"),
    "report": Command(_COMMANDS, "cmd_report"),
    "tune": Command("engine.cli.tune_command", "cmd_tune"),
    "worker": Command("engine.cli.tune_command", "cmd_worker"),
    "learning-curve": Command("engine.cli.learning_curve_command", "cmd_learning_curve"),
    "kfold": Command("engine.cli.kfold_command", "cmd_kfold"),
    "ensemble": Command("engine.cli.ensemble_command", "cmd_ensemble"),
    "explain": Command("engine.cli.explain_command", "cmd_explain"),
    "calibrate": Command("engine.cli.calibrate_command", "cmd_calibrate"),
    "threshold": Command("engine.cli.threshold_command", "cmd_threshold"),
    "predict": Command("engine.cli.predict_command", "cmd_predict"),
    "export": Command("engine.cli.predict_command", "cmd_export"),
    "use": Command("engine.cli.use_command", "cmd_use"),
    "use-trial": Command("engine.cli.use_command", "cmd_use_trial"),
    "tags": Command("engine.cli.tags_command", "cmd_tags"),
    "costs": Command("engine.cli.costs_command", "cmd_costs"),
    "weights": Command("engine.cli.weights_command", "cmd_weights"),
    "inspect-model": Command("engine.cli.inspect_command", "cmd_inspect_model"),
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        warn_about_data(args)
        with holding(args):
            return COMMANDS[args.command](args)
    except PracticaError as exc:
        print(f"practica: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("practica: stopped. Everything finished so far was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of the output went away (``practica ... | head``): not a crash. What
        # is still buffered goes nowhere, so that Python's exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:  # noqa: BLE001 - the user must never see a traceback
        log = save_error_details(traceback.format_exc())
        said = text("cli.crashed", path=log) if log else text("cli.crashed_unsaved")
        print(f"practica: {said}", file=sys.stderr)
        return 1


# Commands that change the project in their folder: they hold it while they run, so a
# second writer (the app, another command) is refused at once instead of after the work.
WRITERS = frozenset({"run", "train", "check", "diagnose", "report", "tune",
                     "learning-curve", "explain", "calibrate", "use", "use-trial", "tags", "costs",
                     "threshold", "kfold", "ensemble"})


@contextlib.contextmanager
def holding(args) -> Iterator[None]:
    """Hold the project of a writing command (``engine.project.lock``) while it runs."""
    folder = getattr(args, "dir", None) or getattr(args, "file", None)
    if args.command not in WRITERS or not folder or not (Path(folder) / PROJECT_FILE).is_file():
        yield
        return
    try:
        lock = hold(folder, program=text("lock.program_cli", command=args.command),
                    take_over=getattr(args, "take_over", False))
    except ProjectLockedError as exc:
        holder = getattr(exc, "holder", None)
        if holder is None or holder.here:
            raise
        raise ProjectLockedError(f"{exc} {text('lock.cli_take_over', command=args.command)}") \
            from exc
    with lock:
        yield


def warn_about_data(args) -> None:
    """Print one line when the project a command opens has data that changed or is missing
    (``engine.project.source_changes``); the command itself goes on."""
    if args.command in ("new", "demo", "inspect-model", "weights") or getattr(args, "first_trial", None):
        return  # no project yet, or a helper process of a search (its parent warned)
    folder = getattr(args, "dir", None) or getattr(args, "file", None)
    if not folder or not (Path(folder) / PROJECT_FILE).is_file():
        return
    try:
        project = open_project(folder)
    except PracticaError:
        return  # the command says what is wrong with the project
    # An edited split file is said by the step that reads it (one line, exit 2) and by
    # 'check'; the record's problems never stop a command, so they are said here.
    said_later = set(split_problems(project.root / SPLITS_FILE, project.split))
    for problem in project.integrity_problems:
        if problem not in said_later:
            print(f"practica: {_one_line(problem)}", file=sys.stderr)
    changes = project.data_changes
    if changes:
        print(text("data_check.cli", message=_one_line(describe(changes))), file=sys.stderr)


def _one_line(message: str) -> str:
    return " ".join(message.split())


if __name__ == "__main__":
    raise SystemExit(main())
