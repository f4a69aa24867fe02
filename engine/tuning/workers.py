"""Several processes on one study: the tuning job runs trials itself and starts helpers.

``run_parallel`` starts ``workers - 1`` extra ``practica worker`` processes on the project's
study (the journal file, or the database URL) and runs trials in its own process too, all
drawing on one budget: ``n_trials`` trials in all from the study's next trial number, or
``seconds`` each. Each extra process gets an even share of the machine's cores for its
thread pools, so they do not fight over them. Cancel writes a stop file the helpers watch
(they stop at their next batch, their trial marked failed); a helper that does not stop in
time is killed, and the trial it left running is failed when the study is next opened.

Use:
    run_parallel(TuningBudget(dir, settings, n_trials=20, workers=2))
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.core.texts import text
from engine.tuning.database import handed_on
from engine.tuning.objective import TuningBudget, TuningResult, run_study, study_result
from engine.tuning.study import fail_stale_trials, open_study
from engine.tuning.summary import write_summary

STOP_WAIT_S = 10.0
"""How long cancelled helpers get to save their run before they are killed."""


class StopFile:
    """A cancel flag other processes can set: it is set when the file exists."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def is_set(self) -> bool:
        return self.path.exists()

    def set(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()


class HelperStop(StopFile):
    """The cancel flag of a helper process: the stop file, or its parent (the tuning job)
    gone — a helper never goes on alone after the app's engine process was killed."""

    def __init__(self, path: str | os.PathLike) -> None:
        super().__init__(path)
        self.parent = os.getppid()

    def is_set(self) -> bool:
        return super().is_set() or os.getppid() != self.parent


def worker_command(budget: TuningBudget, first_trial: int, stop_file: Path) -> list[str]:
    """The command line of one helper process (the installed app calls itself)."""
    if getattr(sys, "frozen", False):
        head = [sys.executable]
    else:
        head = [sys.executable, "-c",
                "import sys; from engine.cli.main import main; sys.exit(main(sys.argv[1:]))"]
    cmd = head + ["worker", str(budget.project_dir), "--first-trial", str(first_trial),
                  "--stop-file", str(stop_file), "--json"]
    if budget.n_trials is not None:
        cmd += ["--trials", str(budget.n_trials)]
    if budget.seconds is not None:
        cmd += ["--seconds", str(budget.seconds)]
    if budget.storage:
        cmd += ["--storage", handed_on(budget.storage)[0]]
    if budget.artifacts:
        cmd += ["--artifacts", budget.artifacts]
    return cmd


def helper_env(workers: int) -> dict[str, str]:
    """The environment of a helper: its share of the cores for the thread pools."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    env = dict(os.environ)
    env.update({"TF_NUM_INTRAOP_THREADS": threads, "OMP_NUM_THREADS": threads,
                "TF_NUM_INTEROP_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
    return env


def run_parallel(budget: TuningBudget, workers: int | None = None,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> TuningResult:
    """Run ``budget`` with ``workers`` processes on one study (``budget.workers`` when
    None); one process runs it alone.

    Raises:
        JobCancelled: ``cancel`` was set; every process stops, finished trials stay.
        ProjectError: a helper process failed (its last line says why).
    """
    count = max(1, int(workers if workers is not None else budget.workers))
    if count == 1:
        return run_study(budget, progress, cancel)
    study = open_study(budget.project_dir, budget.storage or None, budget.settings)
    first = len(study.get_trials(deepcopy=False))
    stop = StopFile(Path(budget.project_dir) / "tuning" / f"stop-{uuid.uuid4().hex}")
    env = helper_env(count)
    if budget.storage:
        env.update(handed_on(budget.storage)[1])  # the password, off the command line
    logs = [tempfile.TemporaryFile(mode="w+", encoding="utf-8") for _ in range(count - 1)]
    helpers = [subprocess.Popen(worker_command(budget, first, stop.path), env=env,
                                stdout=subprocess.DEVNULL, stderr=log) for log in logs]
    mine = replace(budget, settings=None, first_trial=first, workers=1)
    try:
        run_study(mine, progress, cancel)
    except BaseException:
        stop.set()
        raise
    finally:
        problems = _wait(helpers, logs, stop, cancel)
        stop.path.unlink(missing_ok=True)
        study = open_study(budget.project_dir, budget.storage or None)
        fail_stale_trials(study)
        write_summary(budget.project_dir, budget.storage or None, study)
    if cancel.is_set():
        raise JobCancelled()
    if problems:
        raise ProjectError(text("tuning.worker_failed", reason=problems[0]))
    return study_result(study, budget.project_dir)


def _wait(helpers: list[subprocess.Popen], logs: list, stop: StopFile,
          cancel: CancelFlag) -> list[str]:
    """Wait for the helpers (stopping them when ``cancel`` is set); their complaints."""
    deadline = None
    while any(h.poll() is None for h in helpers):
        if cancel.is_set() and deadline is None:
            stop.set()
        if stop.is_set() and deadline is None:
            deadline = time.monotonic() + STOP_WAIT_S
        if deadline is not None and time.monotonic() > deadline:
            for h in helpers:
                if h.poll() is None:
                    h.kill()
        time.sleep(0.1)
    problems = []
    for h, log in zip(helpers, logs):
        log.seek(0)
        err = log.read().strip()
        log.close()
        if h.returncode not in (0, None) and not stop.is_set():
            lines = err.splitlines()
            problems.append(lines[-1] if lines else f"exit status {h.returncode}")
    return problems
