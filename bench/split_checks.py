"""What the split-time data checks cost on a big table: 1M rows x 20 columns (15 numbers,
5 categories), with ``--planted`` adding 1% copied rows and a column that recodes the target.

Printed: the time of each part (row keys, grouping of identical rows, the split, the checks),
the findings, and the ratio of split + checks to the plain stratified split of the same
table without grouping (the baseline in the same run).

Run: ``python -m bench.split_checks [ROWS] [--planted]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from engine.kinds.row_keys import example_keys
from engine.split.row_overlap import repeats_expected, split_groups
from engine.split.checks import CheckData, run_split_checks
from engine.split.splits import class_balance, default_fractions
# The split step's own plan (test rows included), as the step checks it.
from engine.split.splits import _plan_split as make_split


def synthetic_table(n: int, planted: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cols = {f"x{i}": rng.normal(size=n) for i in range(15)}
    for i in range(5):
        cols[f"c{i}"] = rng.choice([f"v{j}" for j in range(8 + i * 10)], n)
    frame = pd.DataFrame(cols)
    score = frame["x0"] + 0.5 * frame["x1"] + (frame["c0"] == "v1") + rng.normal(size=n)
    frame["y"] = np.where(score > 1.5, "yes", "no")
    if planted:
        frame = pd.concat([frame, frame.sample(n // 100, random_state=1)], ignore_index=True)
        frame["leak"] = frame["y"].map({"yes": 1.0, "no": 0.0})
    return frame


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    n = next((int(a) for a in argv if a.isdigit()), 1_000_000)
    frame = synthetic_table(n, "--planted" in argv)
    features = [c for c in frame.columns if c != "y"]
    y = frame["y"]
    fractions = default_fractions(len(frame))
    times: dict[str, float] = {}

    start = time.perf_counter()
    make_split(y, fractions, seed=0)
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    keys = {"main": example_keys(frame, features, "table")}
    times["row keys"] = time.perf_counter() - start
    start = time.perf_counter()
    repeats = repeats_expected(frame, features, "table")
    groups = split_groups(keys["main"], y.index, repeats)
    times["grouping"] = time.perf_counter() - start
    start = time.perf_counter()
    plan = make_split(y, fractions, seed=0, groups_main=groups)
    times["split"] = time.perf_counter() - start
    data = CheckData({"main": frame}, keys, {"main": y}, "table", features, "binary", "y",
                     repeats=repeats, balance=class_balance(y, plan.rows))
    start = time.perf_counter()
    found = run_split_checks(data, plan.rows, plan.sources, 0, lambda _event: None)
    times["checks"] = time.perf_counter() - start

    total = sum(times.values())
    print(f"split checks on {len(frame):,} rows x {len(features)} columns")
    for name, seconds in times.items():
        print(f"  {name:<10} {seconds:6.2f} s")
    print(f"  plain split (baseline) {baseline:.2f} s; split + checks {total:.2f} s; "
          f"ratio {total / baseline:.1f}x")
    print("  findings:", ", ".join(f"{f.severity} {f.code}" for f in found) or "none")


if __name__ == "__main__":
    main()
