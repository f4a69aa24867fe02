"""One pass over a table's columns: what the checks and the summary need to know of each
column (missing and distinct counts, kind), and the 64-bit hash of each row.

The column checks (``engine.data.findings``) and the summary (``engine.data.summary``) used to
work each column out twice (its kind, its missing values) and count its distinct values once
more each; here each column is worked out once and both read the result. The columns are
taken by a few threads at a time when cores are free: counting distinct values is a pandas
loop that lets go of Python's lock, so two columns are counted at once on two free cores. Every figure is exact,
the same as the straightforward computation on the whole column (tested).

Use:
    stats = column_stats(frame)
    stats["age"].missing, stats["age"].unique, stats["age"].kind
    hashes = row_hashes([frame[c] for c in frame.columns], len(frame))
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np

from engine.data.summary import column_kind, distinct_count
from engine.core.lazy_import import lazy_module

# pandas loads at the first frame read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

MAX_THREADS = 4
PARALLEL_MIN_ROWS = 50_000
"""Smaller tables are worked out in this thread: starting threads would take longer."""


@dataclass(frozen=True)
class ColumnStats:
    """One column: ``missing`` values, ``unique`` distinct present values, and its ``kind``
    (one of ``engine.data.summary.KINDS``)."""

    missing: int
    unique: int
    kind: str


def column_stats(frame: pd.DataFrame) -> dict[str, ColumnStats]:
    """The ``ColumnStats`` of each column of ``frame``, by column name (as text)."""
    names = list(frame.columns)
    found = each_column(lambda name: _stats(frame[name]), names, len(frame))
    return {str(name): stats for name, stats in zip(names, found)}


def row_hashes(columns: Sequence, rows: int, as_text: bool = True,
               prepare: Callable | None = None) -> np.ndarray:
    """``pandas.util.hash_pandas_object(pandas.concat(columns, axis=1), index=False)`` as
    uint64, without joining the columns into one frame: each column is hashed on its own
    and its hashes folded in at once, as pandas combines a frame's (CPython's tuple hash),
    so only one column's hashes are held at a time. A column whose cells cannot be hashed
    (lists) is hashed as text, or, when not ``as_text``, raises ``TypeError`` as pandas
    does. With ``prepare``, ``columns`` may be anything: each is hashed as
    ``prepare(column)``, which may also give the column's hashes (uint64) straight away."""
    columns = list(columns)
    if not columns:
        return pd.util.hash_pandas_object(pd.DataFrame(index=range(rows)),
                                          index=False).to_numpy(dtype=np.uint64)
    hash_one = _hash_one if as_text else _hash_strict
    out = np.full(rows, 0x345678, dtype=np.uint64)
    mult = np.uint64(1000003)
    count = len(columns)
    for i, column in enumerate(columns):
        out ^= _hashed(column if prepare is None else prepare(column), hash_one)
        out *= mult
        mult += np.uint64(82520 + 2 * (count - i))
    out += np.uint64(97531)
    return out


def each_column(work: Callable, columns: Iterable, rows: int) -> list:
    """``[work(c) for c in columns]``, a few columns at a time on threads when the table is
    big enough to gain from it (the first error is raised as it would be in the loop)."""
    columns = list(columns)
    threads = min(MAX_THREADS, _free_cores(), len(columns))
    if threads < 2 or rows < PARALLEL_MIN_ROWS:
        return [work(c) for c in columns]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="column-pass") as pool:
        return list(pool.map(work, columns))


def _free_cores() -> int:
    """The cores other programs leave free, this one's counted as free: on a busy machine a
    second thread only takes turns with the first (measured: ~10% more time, none saved)."""
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (OSError, AttributeError):  # no load average (Windows): every core
        return cores
    return max(1, min(cores, int(cores - busy + 1)))


def _stats(series: pd.Series) -> ColumnStats:
    unique = distinct_count(series)
    missing = int(series.isna().sum())
    return ColumnStats(missing=missing, unique=unique, kind=column_kind(series, unique, missing))


def _hashed(prepared, hash_one: Callable) -> np.ndarray:
    """A prepared column's hashes (``prepare`` may give them already, as uint64)."""
    if isinstance(prepared, np.ndarray) and prepared.dtype == np.uint64:
        return prepared
    return hash_one(prepared)


def _hash_strict(column: pd.Series) -> np.ndarray:
    return pd.util.hash_pandas_object(column, index=False).to_numpy(dtype=np.uint64)


def _hash_one(column: pd.Series) -> np.ndarray:
    try:
        hashed = pd.util.hash_pandas_object(column, index=False)
    except TypeError:
        hashed = pd.util.hash_pandas_object(column.astype(str), index=False)
    return hashed.to_numpy(dtype=np.uint64)
