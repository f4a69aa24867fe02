"""The final test's bootstrap: every metric's interval from counted resamples, against
scikit-learn called on each resample (the way it was done before), in the same run.

Scored: a yes/no task of 10,000 test rows (its 10 metrics, 1,000 resamples each, the
percentile interval the final test uses above 500 rows) and a 5-class task (its 7 metrics).
Printed per task: seconds for all metrics each way, the ratio, and the largest difference
between the two intervals' bounds (they use the same resamples, so it is rounding only).
Target (issue 19): the yes/no task under 1 s.

Run: ``python -m bench.bootstrap_speed [ROWS]``.
"""

from __future__ import annotations

import sys
import time
from unittest import mock

import numpy as np

from engine.final.stats import bootstrap
from engine.final.stats.bootstrap import metric_intervals

RESAMPLES = 1000


def task_rows(task: str, n: int, rng: np.random.Generator):
    """True answers, given answers and scores of a fair model on ``n`` rows."""
    k = 2 if task == "binary" else 5
    y = rng.integers(0, k, n)
    raw = rng.random((n, k)) + np.eye(k)[y] * 0.9
    proba = raw / raw.sum(axis=1, keepdims=True)
    score = proba[:, 1] if k == 2 else proba
    return y, proba.argmax(axis=1), score, list(range(k))


def timed_intervals(task: str, y, pred, score, labels, counted: bool):
    start = time.perf_counter()
    if counted:
        found = metric_intervals(task, y, pred, score, labels, n_resamples=RESAMPLES)
    else:  # every resample scored by scikit-learn, as before the counted form
        with mock.patch.object(bootstrap, "resampled_values", lambda *a: None), \
                mock.patch.object(bootstrap, "counts_metric", lambda *a: False):
            found = metric_intervals(task, y, pred, score, labels, n_resamples=RESAMPLES)
    return time.perf_counter() - start, found


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 10_000
    rng = np.random.default_rng(0)
    ratios = {}
    print(f"Bootstrap of the final test: {RESAMPLES} resamples of {n:,} test rows")
    for task in ("binary", "multiclass"):
        y, pred, score, labels = task_rows(task, n, rng)
        fast_s, fast = timed_intervals(task, y, pred, score, labels, counted=True)
        slow_s, slow = timed_intervals(task, y, pred, score, labels, counted=False)
        gap = max(max(abs(fast[m].low - slow[m].low), abs(fast[m].high - slow[m].high))
                  for m in fast)
        ratios[task] = slow_s / fast_s
        print(f"  {task:<10} {len(fast)} metrics: counted {fast_s:6.2f} s, scikit-learn per "
              f"resample {slow_s:6.2f} s, {slow_s / fast_s:5.1f}x faster; bounds differ by at "
              f"most {gap:.1e}")
    return ratios


if __name__ == "__main__":
    main()
