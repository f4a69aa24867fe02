"""Kill loop: SIGKILL real training and tuning at random moments, reopen, count what was lost.

A warm parent process (``bench.kill_zygote``) forks one child per *life*; the child trains
(``run_training``, resuming interrupted runs, accepting each finished one so
``project.json`` is saved) or tunes (``run_study`` two trials at a time, logging each
search in ``project.json``) on one project, without end, and is killed with SIGKILL:

- at a moment drawn over its whole life (start-up, fits, evaluations, saves, between
  runs);
- inside its k-th atomic write (model files, checkpoints, ``run.json``, ``project.json``,
  the tuning summary ...): that write pauses 0.2 s, as on a slow disk, half-way through
  its bytes or once written but before it replaces the file, and the kill lands in the
  pause (a JSON file takes well under a millisecond to write, so a kill at a random
  moment almost never lands inside one);
- or (every 7th life) just after a run was saved finished or a trial recorded complete
  (while the project and the tuning summary are being saved).

After each kill the project is reopened with ``engine.project.project.open_project`` and checked
against what the child said it had finished before it died (``bench.kill_checks``). The
figures: kills, where they landed, runs and trials finished, and runs and trials lost
(must be 0), damaged files (must be 0), temporary files left behind.

``make kill-loop`` runs 200 kills (``python -m bench.kill_loop --kills 200``);
``tests/engine/tuning/test_kill_loop.py`` runs 20 in the default test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.kill_checks import (Claims, Findings, check_project, interrupted_runs,
                               phase_at_death, resumed_runs, temp_files)

ROOT = Path(__file__).resolve().parent.parent
CLAIM_EVERY = 7
"""Every 7th life (training and tuning in turn) is killed just after it finished a run or
a trial, so there is always something the kill could lose."""
SILENCE_LIMIT = 20.0
"""Seconds a child may go without reporting anything (a longer silence: it hung)."""


@dataclass
class KillLoopResult:
    """The loop's figures (see the module text)."""

    kills: int = 0
    train_kills: int = 0
    tune_kills: int = 0
    phases: Counter = field(default_factory=Counter)
    runs_finished: int = 0
    trials_complete: int = 0
    runs_resumed: int = 0
    findings: Findings = field(default_factory=Findings)
    temp_files: int = 0
    stale_locks: int = 0
    longest_silence: float = 0.0
    interrupted: int = 0
    resumable: int = 0
    start_seconds: float = 0.0
    check_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def problems(self) -> list[str]:
        return self.findings.problems

    @property
    def runs_lost(self) -> set[str]:
        return self.findings.runs_lost

    @property
    def trials_lost(self) -> set[int]:
        return self.findings.trials_lost

    @property
    def ok(self) -> bool:
        return not (self.runs_lost or self.trials_lost or self.problems)

    def lines(self) -> list[str]:
        where = ", ".join(f"{k} {v}" for k, v in sorted(self.phases.items(),
                                                        key=lambda kv: (-kv[1], kv[0])))
        return [
            f"kills: {self.kills} ({self.train_kills} training, {self.tune_kills} tuning) "
            f"in {self.seconds:.1f} s (warm parent started in {self.start_seconds:.1f} s, "
            f"checks took {self.check_seconds:.1f} s)",
            f"killed while: {where}",
            f"runs finished: {self.runs_finished} ({self.runs_resumed} after a resume), "
            f"trials complete: {self.trials_complete}",
            f"runs cut short by a kill and not finished since: {self.interrupted} "
            f"({self.resumable} can be resumed from a checkpoint)",
            f"runs lost: {len(self.runs_lost)} in {self.kills} kills; "
            f"trials lost: {len(self.trials_lost)} in {self.kills} kills",
            f"other problems (damaged files, hung children ...): {len(self.problems)}; "
            f"temporary files left behind (ignored): {self.temp_files}; "
            f"journal locks left by a killed writer: {self.stale_locks}; "
            f"longest silence of a child: {self.longest_silence:.1f} s",
            *[f"  problem: {p}" for p in self.problems[:20]],
        ]


def make_project(folder: Path, rows: int = 160, seed: int = 0) -> Path:
    """A small project (numbers and a yes/no label) with its goal set and rows split."""
    import numpy as np
    import pandas as pd

    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 4)).round(3)
    label = np.where(x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.5, rows) > 0, "yes", "no")
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(label=label)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data.csv"
    frame.to_csv(data, index=False)
    project = new_project(folder / "project", GoalChoice(data=str(data), target="label"))
    split_project(project, seed=seed)
    return project.root


class WarmParent:
    """The ``bench.kill_zygote`` process: start it, send orders, stop it."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # The children are forked: a GPU driver started in the parent would not survive
        # the fork. The loop tests files and processes, on the CPU.
        env["CUDA_VISIBLE_DEVICES"] = ""
        self.stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.kill_zygote"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
            bufsize=1)
        self._ready: dict | None = None

    def wait_ready(self) -> dict:
        """Wait until it has imported everything; its start-up figures (``ready``: the
        seconds its imports took)."""
        if self._ready is None:
            self._ready = self._read()
        return self._ready

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.stderr.seek(0)
            raise RuntimeError("the kill loop's warm parent died:\n" + self.stderr.read()[-3000:])
        return json.loads(line)

    def life(self, order: dict) -> dict:
        """Fork a child for ``order`` and wait until it was killed (see
        ``bench.kill_zygote``)."""
        self.wait_ready()
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        """Stop it (it exits when its input closes; killed if it does not)."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def run_kill_loop(kills: int, folder: Path, seed: int = 0, stall_share: float = 0.3,
                  life_scale: float = 1.0, report=print,
                  parent: WarmParent | None = None) -> KillLoopResult:
    """Kill training and tuning ``kills`` times (alternating) and check after each kill.

    Args:
        kills: how many children to kill.
        folder: where the project and the children's logs go.
        seed: draws of the kill moments.
        stall_share: share of kills aimed into an atomic write: the child's k-th write
            pauses 0.2 s half-way through its bytes, or written but not yet in place (a
            slow disk), and is killed during the pause.
        life_scale: the other kills are drawn between 0.2 s and this many times the usual
            time a fresh child takes to save its first new run (measured as the loop goes).
        report: receives a line per kill and the figures.
        parent: a ``WarmParent`` started earlier (it is closed at the end); None starts one.

    Returns:
        The figures. A child that exits by itself (an error) stops the loop, with its
        log in ``problems``.
    """
    began = time.monotonic()
    rng = random.Random(seed)
    result = KillLoopResult()
    parent = parent or WarmParent()  # it imports while this process makes the project
    try:
        root = make_project(Path(folder))
        from engine.core.backend import import_keras

        import_keras()  # the checks load models; import while the parent does the same
        result.start_seconds = float(parent.wait_ready()["ready"])
        claims, verified = Claims(), {}
        typical: dict[str, list[float]] = {"train": [], "tune": []}
        for i in range(kills):
            mode = "train" if i % 2 == 0 else "tune"
            order = _order(rng, mode, root, Path(folder) / f"child-{i:03d}.log", i,
                           typical[mode], stall_share, life_scale)
            answer = parent.life(order)
            lines = [line for _, line in answer["lines"]]
            if not answer["killed"]:
                log = Path(order["log"]).read_text(encoding="utf-8", errors="replace")
                result.findings.note(f"child {i} ({mode}) ended by itself "
                                     f"(status {answer['status']}):\n{log[-3000:]}")
                break
            _count(result, root, mode, answer, typical[mode])
            before = len(claims.runs)
            claims.add(lines)
            checked = time.monotonic()
            check_project(root, claims, verified, result.findings)
            result.check_seconds += time.monotonic() - checked
            report(f"kill {i + 1:3d} {mode:5s} after {answer['seconds']:5.2f} s while "
                   f"{phase_at_death(lines)}; runs saved {len(claims.runs) - before}")
            if len(result.problems) > 20:
                break
        result.runs_finished = len(claims.runs)
        result.trials_complete = len(claims.trials)
        result.temp_files = len(temp_files(root))
        result.interrupted, result.resumable = interrupted_runs(root)
    finally:
        parent.close()
    result.seconds = time.monotonic() - began
    for line in result.lines():
        report(line)
    return result


def _order(rng: random.Random, mode: str, root: Path, log: Path, i: int,
           typical: list[float], stall_share: float, life_scale: float) -> dict:
    """The next life: how the child works and when it is killed."""
    usual = statistics.median(typical) if typical else 4.0
    span = min(max(1.5, life_scale * usual), 10.0)
    order = {"mode": mode, "project": str(root), "life": rng.uniform(0.2, span),
             "seed": 1000 * i, "log": str(log)}
    if i % CLAIM_EVERY == CLAIM_EVERY - 2:
        # Just after a run was saved or a trial recorded: the project, the summary and
        # the next run's first files are being written.
        # The life ends at the claim; the long cap only matters on a very slow machine.
        order.update(life=max(3 * usual, 30.0), trigger="run" if mode == "train" else "trial",
                     nth=1, delay=rng.uniform(0, 0.3))
    elif rng.random() < stall_share:
        stall = {"nth": rng.randint(1, 10), "where": rng.choice(("write", "replace")),
                 "seconds": 0.2}
        order.update(life=max(3 * usual, 6.0), trigger="stall", nth=1, stall=stall,
                     delay=rng.uniform(0, 0.1))
    return order


def _count(result: KillLoopResult, root: Path, mode: str, answer: dict,
           typical: list[float]) -> None:
    """Add one kill's figures to ``result`` and its first new run's time to ``typical``."""
    from engine.tuning.study import journal_path

    lines = [line for _, line in answer["lines"]]
    result.kills += 1
    result.train_kills += mode == "train"
    result.tune_kills += mode == "tune"
    result.phases[phase_at_death(lines)] += 1
    result.runs_resumed += resumed_runs(lines)
    fresh = next((line for line in lines if line.startswith("B ")), "B -") == "B -"
    mark = ("R ", " finished") if mode == "train" else ("T ", " complete ")
    done = [t for t, line in answer["lines"] if line.startswith(mark[0]) and mark[1] in line]
    if fresh and done:
        typical.append(done[0])  # what a new child takes to finish its first run or trial
    if answer["cut"]:
        result.findings.note(f"a child left a cut report line: {answer['cut']!r}")
    silent = max([b - a for (a, _), (b, _) in zip(answer["lines"], answer["lines"][1:])]
                 + [answer["seconds"] - (answer["lines"][-1][0] if answer["lines"] else 0)])
    result.longest_silence = max(result.longest_silence, silent)
    if silent > SILENCE_LIMIT:
        result.findings.note(f"a {mode} child said nothing for {silent:.1f} s (hung?)")
    result.stale_locks += os.path.lexists(f"{journal_path(root)}.lock")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="keep the project and logs in this folder")
    args = parser.parse_args(argv)
    if args.keep:
        result = run_kill_loop(args.kills, Path(args.keep), args.seed)
    else:
        with tempfile.TemporaryDirectory(prefix="practica-kill-loop-") as tmp:
            result = run_kill_loop(args.kills, Path(tmp), args.seed)
    return 0 if result.ok and result.kills == args.kills else 1


if __name__ == "__main__":
    raise SystemExit(main())
