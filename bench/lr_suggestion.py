"""The learning-rate range test's suggestion against the default rate 1e-3: does training
with the suggested rate reach a dev score no worse than training with 1e-3?

Data: every bundled sample (``engine.data.samples.SAMPLES``: three tables, the digit
images, the support messages as text, the vibration signals as sequences) and three more
tables made offline with scikit-learn (seeded): ``make_classification`` (binary, 1,200
rows, 20 columns, 5% flipped labels), ``make_classification`` (4 classes, 1,000 rows,
12 columns) and ``make_friedman1`` (numbers, 800 rows, 10 columns, noise 1).

Per data set, the app's own path throughout: a new project with the suggested goal and
metric, the recommended split (seed 0), the sanity checks of the data kind's default
network with the default settings (``run_sanity``; its learning-rate range test gives the
rule's candidate rate, and the suggestion, or none when the guard keeps the default), then
``--seeds`` training runs (``run_training``, training seeds 0, 1, ...; the split stays the
same) with the default rate 1e-3 and as many with the candidate. The candidate is trained
also where the guard held it back, to show what the guard saved (or cost). Training is
short on purpose, at most ``--epochs`` epochs (early stopping as in the app), like a first
try in the app.

Score: the dev error of the goal's metric (``TrainingResult.errors["dev"]``; lower is
better: 1 - accuracy, 1 - F1, RMSE ...). Printed per data set: the suggested rate (or
"kept"), the candidate, the mean dev error and its spread (standard deviation over seeds)
with the candidate and with 1e-3, the ratio of the means (candidate / default; below 1 is
better) and the verdict. "no worse": a suggested rate whose mean dev error is at most the
default's mean plus the larger of the two spreads; "WORSE" otherwise (the bench's
failure: ``LrBench.worse``); "kept": the guard kept 1e-3 ("kept, held back worse" when the
candidate it held back was worse).

Takes about 6 minutes on 2 idle cores with the defaults (3 seeds, 15 epochs); 9 to 14
minutes when other work kept the 2 cores busy (load average 6-7).

Run: ``python -m bench.lr_suggestion [--seeds 3] [--epochs 15] [--only NAME ...]``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

_CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _CORES)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _CORES)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

DEFAULT_RATE = 1e-3
SEEDS = 3
EPOCHS = 15
EXTRA_TABLES = ("made_binary", "made_4_classes", "made_friedman")
"""The three tables made with scikit-learn besides the bundled samples."""


@dataclass(frozen=True)
class DataSet:
    """A data set as the goal step takes it."""

    name: str
    data: str
    target: str | None
    data_kind: str | None = None
    text_column: str | None = None
    sequence: dict | None = None


def extra_table(name: str, folder: Path) -> DataSet:
    """One of ``EXTRA_TABLES``, written as a CSV file into ``folder``."""
    from sklearn.datasets import make_classification, make_friedman1

    if name == "made_binary":
        X, y = make_classification(n_samples=1200, n_features=20, n_informative=8,
                                   n_redundant=4, flip_y=0.05, class_sep=0.8, random_state=0)
        target = np.where(y == 1, "yes", "no")
    elif name == "made_4_classes":
        X, y = make_classification(n_samples=1000, n_features=12, n_informative=6,
                                   n_classes=4, n_clusters_per_class=1, random_state=1)
        target = np.array(["a", "b", "c", "d"])[y]
    elif name == "made_friedman":
        X, target = make_friedman1(n_samples=800, n_features=10, noise=1.0, random_state=2)
    else:
        raise KeyError(name)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    frame["target"] = target
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False)
    return DataSet(name, str(path), "target")


def data_sets(folder: Path, only: tuple[str, ...] = ()) -> list[DataSet]:
    """The bundled samples and the extra tables (``only``: these names)."""
    from engine.data.samples import SAMPLES

    out = [DataSet(s.name, str(s.path), s.target, s.data_kind, s.text_column, s.sequence)
           for s in SAMPLES.values()]
    folder.mkdir(parents=True, exist_ok=True)
    out += [extra_table(name, folder) for name in EXTRA_TABLES if not only or name in only]
    return [d for d in out if not only or d.name in only]


@dataclass(frozen=True)
class Figures:
    """One data set: the range test's outcome and the dev errors over seeds, with the
    rule's candidate rate and with the default (the candidate is trained also when the
    guard held it back, to show what the guard saved)."""

    name: str
    kind: str
    metric: str
    code: str
    suggested: float | None
    candidate: float | None
    default_errors: tuple[float, ...]
    candidate_errors: tuple[float, ...]
    seconds: float

    @property
    def default_mean(self) -> float:
        return statistics.fmean(self.default_errors)

    @property
    def candidate_mean(self) -> float:
        return statistics.fmean(self.candidate_errors) if self.candidate_errors else math.nan

    @property
    def default_spread(self) -> float:
        return _spread(self.default_errors)

    @property
    def candidate_spread(self) -> float:
        return _spread(self.candidate_errors)

    @property
    def ratio(self) -> float:
        d, c = self.default_mean, self.candidate_mean
        return c / d if d > 0 else (1.0 if c == d else math.inf)

    @property
    def candidate_no_worse(self) -> bool | None:
        """The candidate's mean dev error is at most the default's plus the larger spread
        (None: no candidate)."""
        if not self.candidate_errors:
            return None
        return self.candidate_mean <= self.default_mean + max(
            self.default_spread, self.candidate_spread) + 1e-12

    @property
    def verdict(self) -> str:
        """``no worse`` / ``WORSE`` for a suggested rate; ``kept`` when the default was kept
        (``kept, held back worse`` when the guard held back a candidate that was worse)."""
        if self.suggested is not None:
            return "no worse" if self.candidate_no_worse else "WORSE"
        return "kept, held back worse" if self.candidate_no_worse is False else "kept"

    def to_dict(self) -> dict:
        return {**asdict(self), "verdict": self.verdict, "ratio": self.ratio}


def _spread(values) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def make_project(data: DataSet, folder: Path):
    """A new, split project on ``data`` (the suggested goal, the recommended split)."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    project = new_project(folder, GoalChoice(data=data.data, target=data.target,
                                             data_kind=data.data_kind,
                                             text_column=data.text_column,
                                             sequence=data.sequence))
    split_project(project, seed=0)
    return project


def dev_errors(project_dir: str, kind: str, rate: float, seeds: int, epochs: int
               ) -> tuple[float, ...]:
    """The dev error of the goal's metric of ``seeds`` runs with learning rate ``rate``."""
    from engine.training.job import TrainingSpec, run_training

    errors = []
    for seed in range(seeds):
        result = run_training(TrainingSpec(project_dir, kind, {
            "learning_rate": rate, "epochs": epochs, "seed": seed}))
        errors.append(float(result.errors.get("dev", math.inf)))
    return tuple(errors)


def bench_one(data: DataSet, workdir: Path, seeds: int, epochs: int) -> Figures:
    """Range test, then training with the rule's candidate and with the default rate."""
    from engine.baseline.sanity_step import run_sanity
    from engine.kinds.input_coding import data_kind
    from engine.models import zoo

    began = time.perf_counter()
    project = make_project(data, workdir / data.name)
    kind = zoo.default_kind(data_kind(project))
    lr = run_sanity(project, kind, {"epochs": epochs}).lr_range
    candidate = lr.candidate if lr is not None else None
    default = dev_errors(str(project.root), kind, DEFAULT_RATE, seeds, epochs)
    tried = () if candidate is None else dev_errors(str(project.root), kind, candidate, seeds,
                                                    epochs)
    return Figures(data.name, kind, project.goal.metric, lr.code if lr else "none",
                   lr.suggested if lr else None, candidate, default, tried,
                   time.perf_counter() - began)


@dataclass(frozen=True)
class LrBench:
    """Every data set's figures; ``worse`` names those where the suggestion did worse."""

    figures: tuple[Figures, ...]
    seeds: int
    epochs: int
    seconds: float

    @property
    def worse(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.figures if f.verdict == "WORSE")

    def to_dict(self) -> dict:
        return {"figures": [f.to_dict() for f in self.figures], "seeds": self.seeds,
                "epochs": self.epochs, "seconds": self.seconds, "worse": list(self.worse)}


def run_bench(seeds: int = SEEDS, epochs: int = EPOCHS, only: tuple[str, ...] = (),
              report=print, keep: str = "") -> LrBench:
    """Run the comparison on every data set (``only``: these names); ``report`` gets a
    table line per data set as it finishes. ``keep``: a new folder to keep the projects in
    (else a temporary one)."""
    began = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="practica-lr-bench-") as tmp:
        workdir = Path(keep or tmp)
        for data in data_sets(workdir / "data", only):
            figures = bench_one(data, workdir, seeds, epochs)
            rows.append(figures)
            report(row_line(figures))
    return LrBench(tuple(rows), seeds, epochs, time.perf_counter() - began)


HEADER = (f"  {'data set':<17}{'network':<10}{'dev error of':<18}{'suggested':>9}"
          f"{'candidate':>10}  {'with candidate':>17}  {'with 1e-3':>17}  {'ratio':>6}  verdict")


def row_line(f: Figures) -> str:
    rate = "kept" if f.suggested is None else f"{f.suggested:.2g}"
    cand = "none" if f.candidate is None else f"{f.candidate:.2g}"
    tried = (f"{f.candidate_mean:>8.4f} ± {f.candidate_spread:<6.4f}" if f.candidate_errors
             else f"{'-':>17}")
    return (f"  {f.name:<17}{f.kind:<10}{f.metric:<18}{rate:>9}{cand:>10}  {tried}  "
            f"{f.default_mean:>8.4f} ± {f.default_spread:<6.4f}  {f.ratio:>6.3f}  {f.verdict}")


def _load() -> str:
    try:
        return ", ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> LrBench:
    parser = argparse.ArgumentParser(prog="python -m bench.lr_suggestion",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help="training seeds per rate")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="most epochs per run")
    parser.add_argument("--only", nargs="*", default=(), help="only these data sets")
    parser.add_argument("--keep", default="", help="a new folder to keep the projects in")
    args = parser.parse_args(argv)
    print(f"lr_suggestion: the range test's suggested learning rate against {DEFAULT_RATE:g};"
          f" each rate trained with {args.seeds} seeds, at most {args.epochs} epochs")
    print(f"  machine: {os.cpu_count()} cores, load average {_load()} at start (other work "
          "may share it)")
    print("  dev error: mean ± standard deviation over seeds (lower is better); candidate = "
          "the rule's rate, trained also where the guard held it back; ratio = with "
          "candidate / with 1e-3; 'no worse' = a suggested rate whose mean is within the "
          "larger spread of the default's; 'kept' = the guard kept 1e-3 ('held back worse':"
          " the candidate it held back was worse)")
    print(HEADER)
    result = run_bench(args.seeds, args.epochs, tuple(args.only), keep=args.keep)
    suggested = sum(f.suggested is not None for f in result.figures)
    print(f"  {len(result.figures)} data sets: a rate suggested on {suggested}, worse than "
          f"1e-3 on {len(result.worse)}{': ' + ', '.join(result.worse) if result.worse else ''}"
          f"; bench took {result.seconds:.0f} s")
    return result


if __name__ == "__main__":
    main()
