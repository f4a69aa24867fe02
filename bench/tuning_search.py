"""Pruned search against plain random search: the epochs and the wall time each needs to
reach the best dev error of a 40-trial random search, on a fixed small data set.

Data: scikit-learn's ``make_classification`` (seeded; 3,000 rows, 20 columns, 5% flipped
labels), written to a CSV and split once by the app with a large dev share (50/5/40/5
train/train-dev/dev/test: 1,500 training and 1,200 dev rows). The target is a best dev
error, so the dev rows decide how noisy it is: with 300 dev rows, one lucky epoch of a
jumpy curve set a first try's target (0.285 against 0.320 for the next best trial). The
goal metric is **log loss**: it is continuous, so two settings almost never tie and
"reached the best" is well defined (accuracy on 1,200 rows moves in steps of 1/1200 and
many settings share the best step); it scores the predicted probabilities, which the
learning rate and the network's size change before they change a thresholded label, so
the per-epoch curves the pruners judge are smooth; and it is what the network minimises.
A trial's dev error is that of its best epoch (the run keeps its best weights).

Per sampler seed ``s``, each search on its own copy of the split project (no runs, a
fresh study), the app's own path (``run_study``: default MLP search space, log-scale
learning rate ...):

1. random search, seed ``s``, no pruning, ``--trials`` trials of ``--epochs`` epochs. Its
   best dev error is the target; its "epochs needed" are the epochs trained up to and
   including the trial that set that best, its time the wall time until that trial ended.
2. TPE with Hyperband pruning, seed ``1000 + s`` (an independent stream: TPE's first
   trials are random, and with the same seed they would replay the random search's), until
   a finished trial's dev error <= the target, or ``--cap`` trials ("not reached").
3. the same with random search and median pruning, seed ``2000 + s``.

Epochs are counted from the ``EpochEnded`` events: a pruned trial counts only the epochs it
ran. Time includes everything the app does per trial (building the model, saving the run,
the study summary), so on this small data set it shows the per-trial overhead too.
Printed: per seed, each search's figures; then the median ratios (pruned / random) over
seeds, with a seed that did not reach the target counted as infinitely many epochs.

Takes about 20 minutes on a busy 2-core machine (40 trials of 10 epochs per seed: the
app's fixed cost of 2-3 s a trial dominates on this small data set); a quick look:
``--seeds 1 --only tpe+hyperband`` (about 6 minutes).

Run: ``python -m bench.tuning_search [--seeds 3] [--trials 40] [--epochs 10] [--cap 40]``.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _CORES)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _CORES)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from engine.core.errors import JobCancelled  # noqa: E402
from engine.core.jobs import CancelToken, EpochEnded, TrialEnded  # noqa: E402

ROWS = 3000
SHARES = {"train": 0.5, "train_dev": 0.05, "dev": 0.4, "test": 0.05}
"""A large dev share: the target is a best dev error, so the dev rows decide its noise."""
EPOCHS = 10
TRIALS = 40
SEEDS = 3
VARIANTS = {"tpe+hyperband": ("tpe", "hyperband", 1000),
            "random+median": ("random", "median", 2000)}
"""Each pruned search: its sampler, its pruner, and the offset of its seed (independent
streams: TPE's first trials are random ones, and with one seed they would replay the
random search's, or each other's)."""


def make_template(folder: str | os.PathLike, rows: int = ROWS) -> Path:
    """A split project on the fixed data set, in ``folder``; its folder is returned."""
    from sklearn.datasets import make_classification

    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from engine.split.splits import Fractions

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    X, y = make_classification(n_samples=rows, n_features=20, n_informative=8,
                               n_redundant=4, flip_y=0.05, class_sep=0.8, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["label"] = np.where(y == 1, "yes", "no")
    frame.to_csv(folder / "data.csv", index=False)
    project = new_project(folder / "template",
                          GoalChoice(data=str(folder / "data.csv"), target="label",
                                     metric="log_loss"))
    split_project(project, Fractions(**SHARES), seed=0)
    return Path(project.root)


def fresh_copy(template: Path, folder: str | os.PathLike) -> str:
    """A copy of the template project (same data, same split, no runs, no study)."""
    shutil.copytree(template, folder)
    return str(folder)


def space_dict(project_dir: str) -> dict:
    """The app's recommended MLP search space for the project."""
    from engine.project.project import open_project
    from engine.tuning.space import default_space

    return default_space(open_project(project_dir), "mlp").to_dict()


@dataclass(frozen=True)
class SearchTrace:
    """One search, trial by trial: epochs trained, dev error (None unless finished) and
    seconds from the start of the search to the trial's end."""

    epochs: tuple[int, ...]
    values: tuple[float | None, ...]
    ends: tuple[float, ...]

    def best(self) -> tuple[int, float]:
        """The trial that first reached the lowest dev error, and that error."""
        done = [(v, i) for i, v in enumerate(self.values) if v is not None]
        value, index = min(done)
        return index, value

    def reached(self, target: float) -> int | None:
        """The first trial whose dev error is <= ``target``."""
        return next((i for i, v in enumerate(self.values)
                     if v is not None and v <= target), None)

    def epochs_to(self, index: int) -> int:
        return sum(self.epochs[:index + 1])

    def seconds_to(self, index: int) -> float:
        return self.ends[index]


def run_search(project_dir: str, settings, cap: int, target: float | None = None
               ) -> SearchTrace:
    """Run the project's study with ``settings`` for at most ``cap`` trials, stopping after
    the first finished trial whose dev error is <= ``target``."""
    from engine.tuning.objective import TuningBudget, run_study

    cancel = CancelToken()
    epochs: list[int] = []
    values: list[float | None] = []
    ends: list[float] = []
    counted = [0]
    start = time.perf_counter()

    def progress(event) -> None:
        if isinstance(event, EpochEnded):
            counted[0] += 1
        elif isinstance(event, TrialEnded):
            ends.append(time.perf_counter() - start)
            epochs.append(counted[0])
            counted[0] = 0
            values.append(event.value if event.state == "complete" else None)
            if target is not None and event.value is not None and event.value <= target:
                cancel.cancel()  # the next trial stops before it trains anything

    try:
        run_study(TuningBudget(project_dir, settings, n_trials=cap), progress, cancel)
    except JobCancelled:
        pass
    return SearchTrace(tuple(epochs), tuple(values), tuple(ends))


@dataclass(frozen=True)
class PrunedFigures:
    """A pruned search against the random search's best."""

    reached_at: int | None  # trial number (0-based) that reached the target
    epochs: int             # epochs trained until then (all of them when not reached)
    seconds: float
    trials: int
    best: float
    epoch_ratio: float      # epochs / the random search's epochs to its best (inf: not reached)
    time_ratio: float


@dataclass(frozen=True)
class SeedFigures:
    seed: int
    target: float             # the random search's best dev log loss
    random_best_at: int       # its trial number (0-based)
    random_epochs: int        # epochs until that trial ended
    random_seconds: float
    random_all_epochs: int    # epochs of the whole random search
    random_all_seconds: float
    pruned: dict[str, PrunedFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchBench:
    """Per-seed figures and the median ratios (pruned / random) over seeds."""

    seeds: tuple[SeedFigures, ...]
    epoch_ratio: dict[str, float]
    time_ratio: dict[str, float]
    reached: dict[str, int]
    epochs: int
    trials: int
    cap: int
    seconds: float

    def to_dict(self) -> dict:
        return asdict(self)


def _pruned(trace: SearchTrace, target: float, epochs: int, seconds: float) -> PrunedFigures:
    at = trace.reached(target)
    done = [v for v in trace.values if v is not None]
    best = min(done) if done else math.inf
    if at is None:
        spent, took = sum(trace.epochs), (trace.ends[-1] if trace.ends else 0.0)
        return PrunedFigures(None, spent, took, len(trace.values), best, math.inf, math.inf)
    spent, took = trace.epochs_to(at), trace.seconds_to(at)
    return PrunedFigures(at, spent, took, len(trace.values), best, spent / epochs,
                         took / seconds)


def compare_seed(template: Path, workdir: Path, seed: int, trials: int, epochs: int,
                 cap: int, variants: tuple[str, ...]) -> SeedFigures:
    """Random search with ``seed``, then each pruned variant, each on a fresh copy."""
    from engine.tuning.study import TuningSettings

    folder = fresh_copy(template, workdir / f"random-{seed}")
    space = space_dict(folder)
    plain = run_search(folder, TuningSettings(space, "random", "none", epochs, seed=seed),
                       trials)
    at, target = plain.best()
    r_epochs, r_seconds = plain.epochs_to(at), plain.seconds_to(at)
    pruned = {}
    for name in variants:
        sampler, pruner, offset = VARIANTS[name]
        folder = fresh_copy(template, workdir / f"{name}-{seed}")
        settings = TuningSettings(space, sampler, pruner, epochs, seed=offset + seed)
        pruned[name] = _pruned(run_search(folder, settings, cap, target), target, r_epochs,
                               r_seconds)
    return SeedFigures(seed, target, at, r_epochs, r_seconds, sum(plain.epochs),
                       plain.ends[-1], pruned)


def warm_up(template: Path, workdir: Path) -> None:
    """One short trial, so loading TensorFlow is not charged to the first search."""
    from engine.tuning.study import TuningSettings

    folder = fresh_copy(template, workdir / "warm-up")
    run_search(folder, TuningSettings(space_dict(folder), "random", "none", 1, seed=0), 1)


def run_bench(seeds: int = SEEDS, trials: int = TRIALS, epochs: int = EPOCHS,
              cap: int = TRIALS, rows: int = ROWS, variants: tuple[str, ...] = tuple(VARIANTS),
              report=print, keep: str = "", warm: bool = True) -> SearchBench:
    """Run the comparison for sampler seeds 0 .. ``seeds`` - 1; ``report`` gets a line per
    seed as it finishes. ``keep``: a new folder to keep the projects in (else a temporary
    one); ``warm``: run one short trial first, so loading TensorFlow is not timed."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="practica-bench-") as tmp:
        workdir = Path(keep or tmp)
        template = make_template(workdir / "data", rows)
        if warm:
            warm_up(template, workdir)
        per_seed = []
        for seed in range(seeds):
            figures = compare_seed(template, workdir, seed, trials, epochs, cap, variants)
            per_seed.append(figures)
            report(seed_lines(figures))
    return SearchBench(
        tuple(per_seed),
        {n: statistics.median(s.pruned[n].epoch_ratio for s in per_seed) for n in variants},
        {n: statistics.median(s.pruned[n].time_ratio for s in per_seed) for n in variants},
        {n: sum(s.pruned[n].reached_at is not None for s in per_seed) for n in variants},
        epochs, trials, cap, time.perf_counter() - began)


def seed_lines(s: SeedFigures) -> str:
    lines = [f"  seed {s.seed}: random search best dev log loss {s.target:.4f} at trial "
             f"{s.random_best_at + 1}: {s.random_epochs} epochs, {s.random_seconds:.0f} s "
             f"(all its trials: {s.random_all_epochs} epochs, {s.random_all_seconds:.0f} s)"]
    for name, p in s.pruned.items():
        if p.reached_at is None:
            lines.append(f"    {name:<14} not reached in {p.trials} trials (best {p.best:.4f}): "
                         f"{p.epochs} epochs, {p.seconds:.0f} s spent")
        else:
            lines.append(f"    {name:<14} reached at trial {p.reached_at + 1}: {p.epochs} "
                         f"epochs ({p.epoch_ratio:.2f}x), {p.seconds:.0f} s "
                         f"({p.time_ratio:.2f}x)")
    return "\n".join(lines)


def _load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> SearchBench:
    parser = argparse.ArgumentParser(prog="python -m bench.tuning_search",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help="sampler seeds to repeat over")
    parser.add_argument("--trials", type=int, default=TRIALS, help="trials of the random search")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="epochs per trial")
    parser.add_argument("--cap", type=int, help="most trials of a pruned search (default: "
                                                "--trials)")
    parser.add_argument("--rows", type=int, default=ROWS, help="rows of the data set")
    parser.add_argument("--only", choices=tuple(VARIANTS), help="one pruned search only")
    parser.add_argument("--keep", default="", help="a new folder to keep the projects in")
    args = parser.parse_args(argv)
    import optuna

    # A search stopped at its target fails the trial it was starting; Optuna logs that.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    variants = (args.only,) if args.only else tuple(VARIANTS)
    cap = args.cap or args.trials
    print(f"tuning_search: {args.rows} rows (make_classification, seed 0), goal metric log "
          f"loss on the dev rows; MLP default search space; {args.epochs} epochs a trial; "
          f"random search {args.trials} trials; pruned searches stop at its best or after "
          f"{cap} trials")
    print(f"  machine: {os.cpu_count()} cores, load average {_load()} at start (other work "
          f"may share it); TF_NUM_INTRAOP_THREADS={os.environ['TF_NUM_INTRAOP_THREADS']}, "
          f"TF_NUM_INTEROP_THREADS={os.environ['TF_NUM_INTEROP_THREADS']}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    print("  'epochs' = epochs trained until the search first reached the random search's "
          "best dev error (pruned trials count the epochs they ran); ratio = pruned / random;"
          " 's' = wall time until then. TPE's first 10 trials are random draws (Optuna's "
          "start-up), so a target reached that early is luck, not the model")
    result = run_bench(args.seeds, args.trials, args.epochs, cap, args.rows, variants,
                       keep=args.keep)
    for name in variants:
        print(f"  {name}: median over {args.seeds} seeds: epochs ratio "
              f"{result.epoch_ratio[name]:.2f}, wall-time ratio {result.time_ratio[name]:.2f}; "
              f"reached in {result.reached[name]} of {args.seeds} seeds")
    print("  targets: epochs ratio <= 0.50 (aim 0.33) for TPE+Hyperband; "
          f"bench took {result.seconds:.0f} s")
    return result


if __name__ == "__main__":
    main()
