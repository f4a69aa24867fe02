"""The warm parent of the kill loop (``bench.kill_loop``): import once, fork a child per life.

Starting a process that imports TensorFlow, Keras and the engine costs about ten seconds
on a small machine, far more than a short training run, so a kill loop that started a
fresh interpreter per kill would spend its time importing. This process imports
everything once, runs no TensorFlow operation itself (it only lists the devices, as
every Practica process does; TensorFlow starts its runtime and thread pools lazily, at
the first operation; the GPU is hidden, since a GPU driver does not survive a fork), and
forks one child per *life*. Whether forking is reliable here is measured by the loop
itself: a child that stops reporting for long is counted as hung. The child
does real work on the project (``engine.training.job.run_training`` or
``engine.tuning.objective.run_study``) in an endless loop; this parent SIGKILLs it at the
moment the driver asked for, reaps it and answers with what the child said before it died.

The child reports on a pipe, one short line per event (a write under ``PIPE_BUF`` bytes is
atomic, so a line is never cut by the kill):

- ``S <file>`` / ``E <file>``: an atomic write (``engine.core.atomic.atomic_path``) begins / ends;
- ``H <file>`` / ``W <file>``: a stalled write is half-written / written, not yet in place;
- ``J`` / ``j``: an append to the Optuna journal begins / ends;
- ``G <stage>``: a job stage began (``load``, ``train``, ``evaluate`` ...);
- ``R <run> <status>``: a run was saved with that status (its ``run.json`` is written);
- ``T <number> <state> <run>``: a trial ended and was recorded in the journal;
- ``D <n>``: ``project.json`` was saved holding ``n`` decisions;
- ``B <run>``: the loop starts its next run: ``<run>`` is resumed, ``-`` a new one.

Protocol (stdin / stdout, one JSON object a line): the parent prints ``{"ready": ...}``;
then each order ``{"mode": "train"|"tune", "project": dir, "life": s, "seed": n,
"log": path}`` gets one answer (see ``_answer``). ``life`` is the latest kill time; with
``"trigger": "save"`` (or ``"run"``, ``"trial"``), ``"nth": k`` and ``"delay": s`` the
child is killed ``s`` seconds after its k-th atomic write began (or after its k-th run
saved finished, or trial recorded complete) instead, if that comes first. With ``"trigger":
"stall"`` and ``"stall": {...}`` (see ``_watch_writes``) it is killed ``delay`` seconds
into the stall of its ``nth`` write.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
import traceback

TRAIN_PARAMS = {"epochs": 3, "width": 8, "patience": 5, "batch_size": 16,
                "telemetry": False}
"""Short, real runs: three epochs (three checkpoints), a model file, an evaluation."""

TUNE_EPOCHS = 3
TUNE_TRIALS = 2
"""Trials per tuning call; each call ends by logging the search in ``project.json``."""


def _warm_up() -> None:
    """Import what the children use, without running a TensorFlow operation."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from engine.core.backend import import_keras

    import_keras()
    import engine.diagnosis.step  # noqa: F401
    import engine.training.keras_fit  # noqa: F401
    import engine.training.predictor  # noqa: F401
    import engine.tuning.step  # noqa: F401
    import engine.tuning.objective  # noqa: F401
    import optuna.storages.journal  # noqa: F401


class _Reporter:
    """The child's side of the pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def say(self, line: str) -> None:
        os.write(self.fd, (line.replace("\n", " ")[:400] + "\n").encode("utf-8"))

    def event(self, event) -> None:
        from engine.core.jobs import RunFinished, StageStarted, TrialEnded

        if isinstance(event, StageStarted):
            self.say(f"G {event.stage}")
        elif isinstance(event, RunFinished):
            self.say(f"R {event.run_id} {event.status}")
        elif isinstance(event, TrialEnded):
            self.say(f"T {event.number - 1} {event.state} {event.run_id}")


def _watch_writes(reporter: _Reporter, stall: dict | None = None) -> None:
    """Report every atomic write and journal append (begin and end) on the pipe.

    With ``stall`` (``{"nth": k, "where": "write"|"replace", "seconds": s}``) the k-th
    atomic write pauses ``s`` seconds, as on a slow disk, half-way through its bytes
    (``write``: JSON files; reported ``H <file>``) or once written and before it replaces
    the file (``replace``, and any writer other than JSON; reported ``W <file>``), so
    the kill lands exactly there.
    """
    import contextlib
    from pathlib import Path

    from engine.core import atomic
    from optuna.storages.journal import JournalFileBackend

    original = atomic.atomic_path
    count = [0]
    halving = [False]

    @contextlib.contextmanager
    def watched(target, suffix=""):
        name = Path(target).name
        count[0] += 1
        stalled = bool(stall) and count[0] == int(stall["nth"])
        reporter.say(f"S {name}")
        halving[0] = stalled and stall["where"] == "write"
        with original(target, suffix) as tmp:
            yield tmp
            if stalled and halving[0] is not None:  # not already stalled half-way
                reporter.say(f"W {name}")
                time.sleep(float(stall["seconds"]))
        halving[0] = False
        reporter.say(f"E {name}")

    def write_bytes(target, data):
        with atomic.atomic_path(target) as tmp:
            with open(tmp, "wb") as fh:
                if halving[0]:
                    fh.write(data[:len(data) // 2])
                    fh.flush()
                    reporter.say(f"H {Path(target).name}")
                    time.sleep(float(stall["seconds"]))
                    halving[0] = None
                    data = data[len(data) // 2:]
                fh.write(data)

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("engine") and \
                getattr(module, "atomic_path", None) is original:
            module.atomic_path = watched
    atomic.write_bytes = write_bytes
    append = JournalFileBackend.append_logs

    def watched_append(self, logs):
        reporter.say("J")
        append(self, logs)
        reporter.say("j")

    JournalFileBackend.append_logs = watched_append


def _train_forever(project_dir: str, seed: int, reporter: _Reporter) -> None:
    """Resume an interrupted run or start a new one, accept it (saving ``project.json``),
    and again, until killed."""
    from engine.diagnosis.step import diagnose_project
    from engine.project.project import open_project
    from engine.training.job import TrainingSpec, resumable_runs, run_training

    n = 0
    while True:
        waiting = resumable_runs(open_project(project_dir))
        resume = waiting[0] if waiting and n % 2 == 0 else ""
        reporter.say(f"B {resume or '-'}")
        spec = TrainingSpec(project_dir, "mlp", {**TRAIN_PARAMS, "seed": seed + n}, resume)
        result = run_training(spec, reporter.event)
        n += 1
        if result.status == "finished":
            project = open_project(project_dir)
            diagnose_project(project, result.run_id)
            reporter.say(f"D {len(project.decisions)}")


def _tune_forever(project_dir: str, reporter: _Reporter) -> None:
    """Run the project's study two trials at a time, logging each search in
    ``project.json`` as ``practica tune`` does, until killed."""
    from engine.project.project import open_project
    from engine.tuning.step import log_search
    from engine.tuning.objective import TuningBudget, run_study
    from engine.tuning.space import default_space
    from engine.tuning.study import TuningSettings

    project = open_project(project_dir)
    settings = TuningSettings(space=default_space(project, "mlp").to_dict(),
                              epochs=TUNE_EPOCHS)
    while True:
        reporter.say("B -")
        result = run_study(TuningBudget(project_dir, settings, n_trials=TUNE_TRIALS),
                           reporter.event)
        project = open_project(project_dir)
        log_search(project, settings, result)
        reporter.say(f"D {len(project.decisions)}")


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the parent dies first (no orphan trains forever)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(order: dict, fd: int) -> None:
    """The forked child: never returns."""
    code = 4
    try:
        _die_with_parent()
        log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        reporter = _Reporter(fd)
        _watch_writes(reporter, order.get("stall"))
        if order["mode"] == "train":
            _train_forever(order["project"], int(order["seed"]), reporter)
        else:
            _tune_forever(order["project"], reporter)
    except BaseException:  # noqa: BLE001 - said in the log; the driver fails the loop
        traceback.print_exc()
        code = 3
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _triggers(trigger: str, line: str) -> bool:
    """Whether ``line`` is an event the order's kill waits for: an atomic write beginning
    (``save``), a stalled write (``stall``), a run saved finished (``run``) or a trial
    recorded complete (``trial``)."""
    if trigger == "save":
        return line.startswith("S ")
    if trigger == "stall":
        return line[:2] in ("H ", "W ")
    if trigger == "run":
        return line.startswith("R ") and line.endswith(" finished")
    return line.startswith("T ") and " complete " in line


def _answer(order: dict) -> dict:
    """Fork a child for ``order``, kill it, reap it; what it said, and when it died.

    Returns:
        ``pid``, ``killed`` (False: it exited by itself, a failure), ``status`` (the wait
        status), ``seconds`` (its life), ``lines`` (what it reported, in order, as
        ``[seconds since the fork, line]``) and
        ``cut`` (a last line without its end, never expected).
    """
    read, write = os.pipe()
    began = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _child(order, write)
    os.close(write)
    deadline = began + float(order["life"])
    trigger = order.get("trigger")
    seen, buffer, lines, exited = 0, b"", [], False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([read], [], [], left)
        if not ready:
            continue
        data = os.read(read, 1 << 16)
        if not data:
            exited = True
            break
        buffer += data
        *done, buffer = buffer.split(b"\n")
        for raw in done:
            line = raw.decode("utf-8", "replace")
            lines.append((round(time.monotonic() - began, 3), line))
            if trigger and _triggers(trigger, line):
                seen += 1
                if seen == int(order.get("nth", 1)):
                    deadline = min(deadline, time.monotonic() + float(order["delay"]))
    seconds = time.monotonic() - began
    if not exited:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    while True:
        data = os.read(read, 1 << 16)
        if not data:
            break
        buffer += data
    os.close(read)
    *done, buffer = buffer.split(b"\n")
    lines += [(round(seconds, 3), raw.decode("utf-8", "replace")) for raw in done]
    return {"pid": pid, "killed": not exited, "status": status, "seconds": round(seconds, 3),
            "lines": lines, "cut": buffer.decode("utf-8", "replace")}


def main() -> int:
    began = time.monotonic()
    _warm_up()
    print(json.dumps({"ready": round(time.monotonic() - began, 3),
                      "threads": len(os.listdir("/proc/self/task"))
                      if os.path.isdir("/proc/self/task") else None}), flush=True)
    for raw in sys.stdin:
        if not raw.strip():
            continue
        print(json.dumps(_answer(json.loads(raw))), flush=True)
    return 0


if __name__ == "__main__":
    import warnings

    # Forking is the point of this process: it runs no TensorFlow operation before it.
    warnings.filterwarnings("ignore", message=".*use of fork\\(\\) may lead to deadlocks.*")
    raise SystemExit(main())
