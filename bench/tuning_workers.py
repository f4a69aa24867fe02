"""Trials per minute with 1 and with 2 worker processes on one tuning study.

Both runs go through the app's own ``engine.tuning.workers.run_parallel`` on their own copy
of the same split project (the fixed data set of ``bench.tuning_search``), with the same
settings: ``--trials`` trials of ``--epochs`` epochs, no pruning, random search over the
learning rate, dropout and L2 only, with a fixed network (width 64, depth 2, batches of 32)
so every trial costs about the same whichever values it draws. This process runs trials
itself (as the app's engine process does, TensorFlow already loaded); with 2 workers it
also starts one ``practica worker`` process, whose start-up (loading TensorFlow) is counted,
as it is in the app. Runs alternate 1, 2, 1, 2 ... (``--repeats`` pairs) so drift of the
machine hits both alike; the ratio of the median trials per minute is printed (target:
>= 1.6 on 2 cores).

The machine's own ceiling is measured in the same run, before and after: a plain Python
loop in one process, then in two at once (``cpu_scaling``); a background load or shared
cores show there too.
Each run also prints the processor time its processes used, so the cost of the second
process (loading TensorFlow, its first trial's start-up, sharing the study) shows as more
processor seconds per trial.

Run: ``python -m bench.tuning_workers [--trials 48] [--epochs 3] [--repeats 2]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

_CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _CORES)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _CORES)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bench.tuning_search import fresh_copy, make_template  # noqa: E402

TRIALS = 48
"""About the size of a real search (the search bench's random search has 40): a second
worker's fixed start-up (loading TensorFlow, ~2.7 s) and the idle tail of the last trial
weigh much more on short runs (24 trials: 1.49x where 48 give 1.62x on a quiet machine)."""
EPOCHS = 3
REPEATS = 2
ROWS = 1500
FIXED = {"width": 64, "depth": 2, "batch_size": 32}


def fixed_space(project_dir: str) -> dict:
    """The MLP search space with the network's size fixed (see ``FIXED``)."""
    from engine.project.project import open_project
    from engine.tuning.space import ParamRange, default_space

    space = default_space(open_project(project_dir), "mlp")
    for name, value in FIXED.items():
        old = space.get(name)
        space = space.with_param(ParamRange(name, old.kind, old.low, old.high, old.log,
                                            old.choices, fixed=value))
    return space.to_dict()


@dataclass(frozen=True)
class RunFigures:
    """One ``run_parallel`` call: its wall time, the trials the study holds afterwards,
    how many this process ran, and when the first trial of another process started
    (seconds after the call began; None with 1 worker or when the helper ran none)."""

    workers: int
    seconds: float
    trials: int
    mine: int
    helper_start_s: float | None
    cpu_s: float  # processor time of this process and the helper during the call

    @property
    def per_minute(self) -> float:
        return self.trials / self.seconds * 60

    def line(self) -> str:
        text = (f"  {self.workers} worker{'s' if self.workers > 1 else ''}: {self.trials} "
                f"trials in {self.seconds:.1f} s = {self.per_minute:.1f} trials/min")
        if self.workers > 1:
            start = ("never" if self.helper_start_s is None
                     else f"{self.helper_start_s:.1f} s in")
            text += (f" (this process ran {self.mine}, the helper {self.trials - self.mine}; "
                     f"its first trial started {start})")
        return (text + f"; {self.cpu_s / self.seconds:.2f} cores busy on average, "
                f"{self.cpu_s / self.trials:.2f} processor s a trial; load average "
                f"{_load()} after")


def timed_run(template: Path, folder: Path, workers: int, trials: int, epochs: int,
              seed: int) -> RunFigures:
    """Time ``run_parallel`` for ``trials`` trials with ``workers`` processes on a fresh
    copy of the project."""
    import optuna

    from engine.tuning.objective import TuningBudget
    from engine.tuning.study import TuningSettings, open_study, worker_id
    from engine.tuning.workers import run_parallel

    project = fresh_copy(template, folder)
    settings = TuningSettings(fixed_space(project), "random", "none", epochs, seed=seed)
    began = datetime.now()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    result = run_parallel(TuningBudget(project, settings, n_trials=trials), workers)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    ran = [t for t in open_study(project).get_trials(deepcopy=False)
           if t.state != optuna.trial.TrialState.RUNNING]
    me = worker_id()
    theirs = [t.datetime_start for t in ran if t.user_attrs.get("worker") != me]
    helper = (min(theirs) - began).total_seconds() if theirs else None
    return RunFigures(workers, seconds, result.trials, len(ran) - len(theirs), helper, cpu)


def _cpu_seconds() -> float:
    """Processor seconds of this process and of its finished child processes."""
    try:
        import resource
    except ImportError:  # Windows: this process only
        return time.process_time()
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


@dataclass(frozen=True)
class WorkersBench:
    """Each run's figures, the median trials per minute and the ratio 2 workers / 1."""

    runs: tuple[RunFigures, ...]
    cpu_scaling: tuple[float, float]  # the machine's 2-process ceiling before and after
    one_per_min: float
    two_per_min: float
    ratio: float
    trials: int
    epochs: int
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def run_bench(trials: int = TRIALS, epochs: int = EPOCHS, repeats: int = REPEATS,
              rows: int = ROWS, report=print, warm: bool = True) -> WorkersBench:
    """Alternate 1-worker and 2-worker runs, ``repeats`` pairs (after a one-trial warm-up
    run unless ``warm`` is False); ``report`` gets a line per run."""
    began = time.perf_counter()
    before = cpu_scaling()
    report(f"  a plain Python loop: 2 processes do {before:.2f}x the work of 1 (this "
           f"machine's ceiling now)")
    runs = []
    with tempfile.TemporaryDirectory(prefix="practica-bench-") as tmp:
        workdir = Path(tmp)
        template = make_template(workdir / "data", rows)
        if warm:
            timed_run(template, workdir / "warm-up", 1, 1, 1, 0)  # load TensorFlow first
        for r in range(repeats):
            for workers in (1, 2):
                runs.append(timed_run(template, workdir / f"w{workers}-{r}", workers,
                                      trials, epochs, r))
                report(runs[-1].line())
    after = cpu_scaling()
    report(f"  a plain Python loop: 2 processes do {after:.2f}x the work of 1 (at the end)")
    a = statistics.median(r.per_minute for r in runs if r.workers == 1)
    b = statistics.median(r.per_minute for r in runs if r.workers == 2)
    return WorkersBench(tuple(runs), (before, after), a, b, b / a, trials, epochs,
                        time.perf_counter() - began)


def _spin(n: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - start


def cpu_scaling(n: int = 5_000_000) -> float:
    """How much more work two processes do than one in the same time: a Python loop alone,
    then two copies at once (best of two tries each)."""
    import multiprocessing

    alone = min(_spin(n) for _ in range(2))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, [1000, 1000])  # the pool's processes are up before timing
        together = min(max(pool.map(_spin, [n, n])) for _ in range(2))
    return 2 * alone / together


def _load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> WorkersBench:
    from engine.tuning.workers import helper_env

    parser = argparse.ArgumentParser(prog="python -m bench.tuning_workers",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=TRIALS, help="trials per run")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs per trial")
    parser.add_argument("--repeats", type=int, default=REPEATS,
                        help="pairs of runs (1 worker, 2 workers)")
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the data set")
    args = parser.parse_args(argv)
    helper = helper_env(2)
    print(f"tuning_workers: {args.trials} trials of {args.epochs} epochs per run, pruner none, "
          f"fixed network {FIXED}; {args.rows} rows")
    print(f"  machine: {os.cpu_count()} cores, load average {_load()} at start (other work "
          f"may share it)")
    print(f"  threads: this process (runs trials in both settings) "
          f"TF_NUM_INTRAOP_THREADS={os.environ['TF_NUM_INTRAOP_THREADS']}, "
          f"TF_NUM_INTEROP_THREADS={os.environ['TF_NUM_INTEROP_THREADS']}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}; the extra worker "
          f"(2 workers) TF_NUM_INTRAOP_THREADS={helper['TF_NUM_INTRAOP_THREADS']}, "
          f"TF_NUM_INTEROP_THREADS={helper['TF_NUM_INTEROP_THREADS']}, "
          f"OMP_NUM_THREADS={helper['OMP_NUM_THREADS']}")
    result = run_bench(args.trials, args.epochs, args.repeats, args.rows)
    print(f"  median trials/min: 1 worker {result.one_per_min:.1f}, 2 workers "
          f"{result.two_per_min:.1f}; ratio 2/1 = {result.ratio:.2f} (target >= 1.6 on 2 "
          f"cores; the machine's own ceiling was {min(result.cpu_scaling):.2f}-"
          f"{max(result.cpu_scaling):.2f}); bench took {result.seconds:.0f} s")
    return result


if __name__ == "__main__":
    main()
