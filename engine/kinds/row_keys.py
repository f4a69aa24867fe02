"""Keys that tell when two examples are the same, or nearly the same, for every data kind.

Every example (row of a source frame) gets two 64-bit keys:

* ``copy``: equal for examples that are the same to the model — the same values in every
  feature column (numbers compared as numbers, so 1 and 1.0 match), the same text, or the
  same image file content;
* ``near``: equal for near copies — numbers rounded to ``SIGNIFICANT`` significant digits and
  text compared without case, punctuation or extra spaces; for images, the same small grey
  thumbnail (``engine.kinds.image_fingerprints``).

Keys from two files are comparable when both have the same feature columns, so copies of
training rows in the second file ("the data you care about") are found too.

Use:
    keys = example_keys(frame, ["age", "city"], "table")
    int((keys.copy[0] == keys.copy[1]))  # rows 0 and 1 hold the same values
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from engine.core.errors import JobCancelled
from engine.data.column_pass import row_hashes
from engine.kinds.image_fingerprints import ImageFingerprints, image_fingerprints
from engine.core.jobs import NEVER, CancelFlag

SIGNIFICANT = 3
CHANCE_REPEATS = 0.01
FIRST_ROWS = 50_000
"""``few_distinct_inputs`` looks at this many rows first (their distinct values often
settle the question for a big table)."""
_PUNCTUATION = re.compile(r"[^\w\s]")


@dataclass(frozen=True, eq=False)
class ExampleKeys:
    """``copy`` and ``near`` keys (uint64 arrays, one per row of the frame, in order);
    ``group`` is the key that keeps examples together when splitting (text: ``near``, since
    texts that differ only in case or spacing are the same example); ``images`` holds the
    image fingerprints (None for other kinds)."""

    copy: np.ndarray
    near: np.ndarray
    kind: str
    images: ImageFingerprints | None = None
    group_by_near: bool = False
    """Whether near copies count as copies when splitting (texts: a changed comma or case
    is the same message)."""

    @property
    def group(self) -> np.ndarray:
        return self.near if self.group_by_near else self.copy


def image_keys(frame: pd.DataFrame, root: str | Path | None, kind: str) -> ExampleKeys:
    """Keys of image examples: the files' content and their small grey thumbnails."""
    prints = image_fingerprints(root, frame["file"].astype(str).tolist())
    return ExampleKeys(prints.content, prints.near, kind, prints)


def text_keys(frame: pd.DataFrame, columns: Sequence[str], kind: str,
              group_by_near: bool = False) -> ExampleKeys:
    """Keys of text examples: the text stripped, and the text without case or punctuation."""
    if not columns or len(frame) == 0:
        return _no_keys(frame, kind)
    raw = frame[list(columns)].iloc[:, 0]
    raw = raw.where(raw.isna(), raw.astype(str).str.strip())
    return ExampleKeys(row_hashes([raw], len(raw)), row_hashes([normal_text(raw)], len(raw)), kind,
                       group_by_near=group_by_near)


def column_keys(frame: pd.DataFrame, columns: Sequence[str], kind: str,
                cancel: CancelFlag = NEVER) -> ExampleKeys:
    """Keys of table rows (and sequences): the feature values, exact and rounded."""
    if not columns or len(frame) == 0:
        return _no_keys(frame, kind)
    # Column by column: the same keys as hashing the whole coded frames at once, without
    # holding two coded copies of the table (about 2.5x its size at 1M rows). The columns
    # are taken from ``frame`` one by one: ``frame[columns]`` would join the number
    # columns into one block, a copy of most of the table.
    def exact_of(column):
        _stop_if(cancel)
        return _exact(frame[column])

    def near_of(column):
        _stop_if(cancel)
        return _near_hashes(frame[column])

    exact = row_hashes(columns, len(frame), prepare=exact_of)
    near = row_hashes(columns, len(frame), prepare=near_of)
    return ExampleKeys(exact, near, kind)


def _no_keys(frame: pd.DataFrame, kind: str) -> ExampleKeys:
    zeros = np.zeros(len(frame), dtype=np.uint64)
    return ExampleKeys(zeros, zeros, kind)


def normal_text(values: pd.Series) -> pd.Series:
    """Text without case, punctuation or repeated spaces (missing stays missing); each
    distinct value is worked out once.

    Example:
        >>> normal_text(pd.Series(["Hello,  World!", None])).tolist()
        ['hello world', nan]
    """
    codes, uniques = pd.factorize(values)
    normal = np.array([" ".join(_PUNCTUATION.sub(" ", str(u).casefold()).split())
                       for u in uniques] + [None], dtype=object)
    return pd.Series(normal[codes], index=values.index)  # code -1 (missing) takes None


def round_significant(values: np.ndarray, digits: int = SIGNIFICANT) -> np.ndarray:
    """Numbers rounded to ``digits`` significant digits (0, inf and NaN stay as they are).

    Example:
        >>> round_significant(np.array([123456.0, 0.0012345, -9.876]))
        array([ 1.23e+05,  1.23e-03, -9.88e+00])
    """
    x = np.asarray(values, dtype=float)
    # floor(log10|x|), 10 ** (digits - 1 - it), round(x * that) / that, worked in two
    # buffers (each fresh array of a million numbers costs its page faults).
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        factor = np.abs(x)
        np.log10(factor, out=factor)
        np.floor(factor, out=factor)
        np.subtract(digits - 1, factor, out=factor)
        np.power(10.0, factor, out=factor)
        rounded = np.multiply(x, factor)
        np.round(rounded, out=rounded)
        np.divide(rounded, factor, out=rounded)
    keep = ~np.isfinite(x)
    keep |= x == 0
    np.copyto(rounded, x, where=keep)
    return rounded


def few_distinct_inputs(frame: pd.DataFrame, columns: Sequence[str], near: bool = False
                        ) -> bool:
    """Whether identical (``near``: nearly identical) inputs are to be expected by chance.

    The feature columns' distinct values, combined, give at most ``space`` different inputs;
    ``n`` rows drawn at random from them repeat about n² / (2 x space) times (the birthday
    problem). When that is at least ``CHANCE_REPEATS`` (1%) of the rows — ``space`` at most
    50 n — repeats are the same situation seen again, as they will be in use, not copies
    (e.g. a table of a few yes/no or small-number columns).
    """
    rows = len(frame)
    columns = [c for c in columns if c in frame.columns]
    if rows == 0 or not columns:
        return True
    limit = np.log(rows / (2 * CHANCE_REPEATS))
    # A part of the rows never takes more distinct values than all of them: when the first
    # rows already give more inputs than the limit, so do all rows (no pass over them).
    if rows > FIRST_ROWS and _log_space(frame.iloc[:FIRST_ROWS], columns, near,
                                        limit) > limit:
        return False
    return _log_space(frame, columns, near, limit) <= limit


def _log_space(frame: pd.DataFrame, columns: Sequence[str], near: bool, limit: float
               ) -> float:
    """The log of the number of inputs the columns' distinct values give, summed column by
    column until it passes ``limit``."""
    space = 0.0
    for c in columns:
        values = _near(frame[c]) if near else _exact(frame[c])
        space += np.log(max(int(values.nunique(dropna=False)), 1))
        if space > limit:
            break
    return space


def _exact(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col.astype(float)
    return _hashable(col)


def _near(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return pd.Series(round_significant(col.to_numpy(dtype=float, na_value=np.nan)),
                         index=col.index)
    return normal_text(_hashable(col))


def _near_hashes(col: pd.Series) -> pd.Series | np.ndarray:
    """``_near(col)``, or for text its hashes straight away: each distinct text is made
    plain and hashed once and the rows take their text's hash (a row's hash depends on its
    value only, so these are the hashes of ``_near(col)``, without making a million plain
    texts and hashing them again)."""
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return _near(col)
    codes, uniques = pd.factorize(_hashable(col))
    plain = normal_text(pd.Series(uniques, dtype=object))
    if (codes < 0).any():  # a missing value: normal_text keeps it missing
        plain = pd.concat([plain, normal_text(pd.Series([None], dtype=object))],
                          ignore_index=True)
    plain = pd.Series(plain.to_numpy(dtype=object))  # the type normal_text's rows get
    hashed = pd.util.hash_pandas_object(plain, index=False).to_numpy(dtype=np.uint64)
    return hashed[codes]


def _hashable(col: pd.Series) -> pd.Series:
    try:
        pd.util.hash_pandas_object(col.iloc[:100], index=False)
    except TypeError:  # unhashable cells (lists from Parquet): compare their text
        return col.astype(str)
    return col


def _stop_if(cancel: CancelFlag) -> None:
    if cancel.is_set():
        raise JobCancelled("row keys cancelled")
