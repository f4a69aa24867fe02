"""``practica`` entry point: dispatch a command; user errors print one line and exit 2.

No traceback ever reaches the user: an unexpected failure prints one line that says where
the details were saved (a new file only Practica creates, ``engine.core.error_details``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import Iterator

# TensorFlow's start-up chatter is not for users; set before Keras is ever imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from engine.cli import commands  # noqa: E402
from engine.cli.calibrate_command import cmd_calibrate  # noqa: E402
from engine.cli.costs_command import cmd_costs  # noqa: E402
from engine.cli.diagnose_command import cmd_diagnose  # noqa: E402
from engine.cli.ensemble_command import cmd_ensemble  # noqa: E402
from engine.cli.explain_command import cmd_explain  # noqa: E402
from engine.cli.threshold_command import cmd_threshold  # noqa: E402
from engine.cli.kfold_command import cmd_kfold  # noqa: E402
from engine.cli.learning_curve_command import cmd_learning_curve  # noqa: E402
from engine.cli.parser import build_parser  # noqa: E402
from engine.cli.predict_command import cmd_export, cmd_predict  # noqa: E402
from engine.cli.tags_command import cmd_tags  # noqa: E402
from engine.cli.tune_command import cmd_tune, cmd_worker  # noqa: E402
from engine.cli.use_command import cmd_use, cmd_use_trial  # noqa: E402
from engine.cli.weights_command import cmd_weights  # noqa: E402
from engine.core.error_details import save_error_details  # noqa: E402
from engine.core.errors import PracticaError, ProjectLockedError  # noqa: E402
from engine.project.lock import hold  # noqa: E402
from engine.project.project import PROJECT_FILE, SPLITS_FILE, open_project  # noqa: E402
from engine.project.split_integrity import split_problems  # noqa: E402
from engine.models.safe_model_load import child_main  # noqa: E402
from engine.project.source_changes import describe  # noqa: E402
from engine.core.texts import text  # noqa: E402

COMMANDS = {
    "demo": commands.cmd_demo,
    "new": commands.cmd_new,
    "run": commands.cmd_run,
    "train": commands.cmd_train,
    "check": commands.cmd_check,
    "diagnose": cmd_diagnose,
    "report": commands.cmd_report,
    "tune": cmd_tune,
    "worker": cmd_worker,
    "learning-curve": cmd_learning_curve,
    "kfold": cmd_kfold,
    "ensemble": cmd_ensemble,
    "explain": cmd_explain,
    "calibrate": cmd_calibrate,
    "threshold": cmd_threshold,
    "predict": cmd_predict,
    "export": cmd_export,
    "use": cmd_use,
    "use-trial": cmd_use_trial,
    "tags": cmd_tags,
    "costs": cmd_costs,
    "weights": cmd_weights,
    "inspect-model": lambda args: child_main([args.file]),
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
