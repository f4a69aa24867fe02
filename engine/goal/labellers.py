"""Several people labelled the same rows: how often one of them disagrees with the others.

Each person's labels are compared, row by row, with the vote of the other people (leave one
out), so nobody is compared with a vote they helped to make. For classes, a row counts only
where the others' vote is clear (no tie among them): a tie says nothing about who is right.
The share of disagreements is the human-level error; its interval comes from resampling the
rows (bootstrap, 95%). It is a little above one person's true rate, because the others'
clear vote is itself wrong now and then (with three people wrong 8% of the time each:
about 8.6% for two classes, 8.3% for three), so it errs on the side of a target that is
easier to reach, not harder. For numbers, the root mean squared difference from the others' mean,
scaled by sqrt((m-1)/m) for m people, since the others' mean carries errors of its own.

The vote's own error (``vote_error``) is what it would be if people erred independently at
their measured rates: the chance that more than half of them are wrong (half counts half).
It is exact for two classes and an odd number of people, and an upper guess otherwise
(wrong answers that differ do not add up against the right one).

Example:
    >>> import pandas as pd
    >>> f = pd.DataFrame({"a": list("xxyyxx"), "b": list("xxyyxy"), "c": list("xyyyxx")})
    >>> h = estimate_labellers(f, ["a", "b", "c"], "multiclass")
    >>> h.estimate, h.per_labeller, h.classes
    (0.14285714285714285, (0.0, 0.2, 0.2), ('x', 'y'))
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd

from engine.core.errors import GoalError
from engine.core.texts import text
from engine.data.label_vote import MAJORITY, MEAN
from engine.project.parts.labellers import Labellers
from engine.split.datasets import label_text

RESAMPLES = 1000
BIG = 20_000  # rows above which fewer resamples are drawn (the interval is narrow anyway)
SEED = 17

# The metrics whose error is what the people's disagreement measures: the target error is
# proposed only for them.
PROPOSED_FOR = {"accuracy": MAJORITY, "rmse": MEAN}


def vote_kind(task: str) -> str:
    """``mean`` for numbers, ``majority`` for classes."""
    return MEAN if task == "regression" else MAJORITY


def check_columns(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """The label columns, checked: at least two, all in the file, none twice."""
    columns = [str(c) for c in columns]
    if len(set(columns)) < 2 or len(set(columns)) != len(columns):
        raise GoalError(text("labellers.too_few"))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GoalError(text("labellers.missing", columns=", ".join(missing)))
    return columns


def estimate_labellers(frame: pd.DataFrame, columns: Sequence[str], task: str) -> Labellers:
    """How often one person disagrees with the others' vote (see the module doc)."""
    if task == "regression":
        return _numbers(frame, list(columns))
    return _classes(frame, list(columns))


def proposed_target(metric: str, labellers: Labellers) -> float | None:
    """The human-level error as the goal's target error, when ``metric`` measures the same
    thing (accuracy for classes, RMSE for numbers); None otherwise."""
    if PROPOSED_FOR.get(metric) != labellers.vote or labellers.estimate is None:
        return None
    return float(labellers.estimate)


def _classes(frame: pd.DataFrame, columns: list[str]) -> Labellers:
    labels = np.array([[None if pd.isna(v) else label_text(v) for v in frame[c]]
                       for c in columns], dtype=object).T
    overall = Counter(v for v in labels.ravel() if v is not None)
    classes = tuple(sorted(overall))
    index = {c: i for i, c in enumerate(classes)}
    rows, m = labels.shape
    wrong, counted = np.zeros(rows), np.zeros(rows)
    per_wrong, per_counted = np.zeros(m), np.zeros(m)
    confusion = np.zeros((len(classes), len(classes)), dtype=int)
    for j in range(m):
        others = np.delete(labels, j, axis=1)
        for i in range(rows):
            answer = labels[i, j]
            reference = _clear_vote(others[i])
            if answer is None or reference is None:
                continue
            miss = answer != reference
            wrong[i] += miss
            counted[i] += 1
            per_wrong[j] += miss
            per_counted[j] += 1
            confusion[index[reference], index[answer]] += 1
    per = tuple(float(w / n) if n else None for w, n in zip(per_wrong, per_counted))
    estimate, low, high = _share_with_interval(wrong, counted)
    rates = [p for p in per if p is not None]
    return Labellers(tuple(columns), MAJORITY, estimate, low, high, int((counted > 0).sum()),
                     per, _vote_error(rates) if len(rates) == m else None, classes,
                     tuple(tuple(int(v) for v in r) for r in confusion))


def _clear_vote(row) -> str | None:
    counts = Counter(v for v in row if v is not None).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _numbers(frame: pd.DataFrame, columns: list[str]) -> Labellers:
    values = frame[columns].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    m = len(columns)
    squared, counted = np.zeros(len(values)), np.zeros(len(values))
    per = []
    for j in range(m):
        others = np.delete(values, j, axis=1)
        with np.errstate(invalid="ignore"):
            reference = np.nanmean(others, axis=1) if others.size else np.full(len(values), np.nan)
        ok = ~np.isnan(values[:, j]) & ~np.isnan(reference)
        d = np.where(ok, (values[:, j] - reference) ** 2, 0.0)
        squared += d
        counted += ok
        per.append(float(np.sqrt(d.sum() / ok.sum() * (m - 1) / m)) if ok.any() else None)
    share, low, high = _share_with_interval(squared, counted)
    scale = np.sqrt((m - 1) / m)
    estimate = None if share is None else float(np.sqrt(share) * scale)
    bounds = [None if b is None else float(np.sqrt(b) * scale) for b in (low, high)]
    vote_error = None if estimate is None else estimate / np.sqrt(m)
    return Labellers(tuple(columns), MEAN, estimate, bounds[0], bounds[1],
                     int((counted > 0).sum()), tuple(per), vote_error)


def _share_with_interval(amount: np.ndarray, counted: np.ndarray
                         ) -> tuple[float | None, float | None, float | None]:
    """sum(amount)/sum(counted) and its 95% bootstrap interval over rows."""
    if counted.sum() == 0:
        return None, None, None
    rng = np.random.default_rng(SEED)
    rows = len(counted)
    draws = []
    for _ in range(RESAMPLES if rows <= BIG else RESAMPLES // 5):
        weight = np.bincount(rng.integers(0, rows, rows), minlength=rows)
        n = weight @ counted
        if n:
            draws.append(float(weight @ amount / n))
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(amount.sum() / counted.sum()), float(low), float(high)


def _vote_error(rates: list[float]) -> float:
    """Chance that more than half of independent people are wrong (exactly half: one half)."""
    wrong = np.array([1.0])
    for p in rates:  # the number of people wrong, one person at a time
        wrong = np.convolve(wrong, [1 - p, p])
    m = len(rates)
    more = wrong[m // 2 + 1:].sum()
    return float(more + (0.5 * wrong[m // 2] if m % 2 == 0 else 0.0))
