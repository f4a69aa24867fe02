"""Sequences kept in a table: from "long" (one row per time step) to "wide" (one row per series).

A long table has an id column (which series a row belongs to), a time column (its order
within the series), one or more value columns and the column to predict, which must be the
same on every row of a series. ``long_to_wide`` turns it into one row per series with the
columns ``"{value}@{step}"`` (step 0 first), so sequences are split and checked like any
other table. A wide table already has one fixed-length series per row; its numeric columns
in file order are the series (``wide_series_columns``).

Example:
    >>> long = pd.DataFrame({"id": [1, 1, 2], "t": [0, 1, 0], "hr": [60, 62, 80],
    ...                      "ill": ["no", "no", "yes"]})
    >>> long_to_wide(long, "id", "t", ["hr"], "ill").columns.tolist()
    ['hr@0', 'hr@1', 'ill']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.core.texts import text


def long_to_wide(frame: pd.DataFrame, id_col: str, time_col: str, value_cols: list[str],
                 target: str | None) -> pd.DataFrame:
    """One row per series from a table with one row per time step.

    Args:
        frame: the long table.
        id_col: the column naming the series of each row.
        time_col: the column giving the order within a series (numbers or dates).
        value_cols: the measured columns (numbers).
        target: the column to predict (constant within a series), or None for data
            without a target.

    Returns:
        A frame with one row per id (in the order ids first appear), the columns
        ``"{value}@{i}"`` for each value column and step i, time sorted within each id and
        padded with NaN to the longest series, then the target column. Its index is 0..n-1;
        the ids in row order are ``pd.unique(frame[id_col])``.

    Raises:
        DataError: a column is missing, a value is not a number, an id or a time is missing,
            the times cannot be ordered, or the target is missing or not constant in a series.

    Example:
        >>> long = pd.DataFrame({"id": [1, 1, 2], "t": [0, 1, 0], "hr": [60, 62, 80],
        ...                      "ill": ["no", "no", "yes"]})
        >>> long_to_wide(long, "id", "t", ["hr"], "ill")["hr@1"].tolist()
        [62.0, nan]
    """
    needed = [id_col, time_col, *value_cols] + ([target] if target is not None else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(text("sequences.missing_column", column=missing[0],
                             columns=", ".join(map(str, frame.columns))))
    if not value_cols:
        raise DataError(text("sequences.no_values"))
    if frame[id_col].isna().any():
        raise DataError(text("sequences.missing_id", column=id_col,
                             row=int(np.flatnonzero(frame[id_col].isna().to_numpy())[0]) + 1))
    ids = pd.unique(frame[id_col])
    id_rank = pd.Index(ids).get_indexer(frame[id_col])
    when = _time_key(frame, id_col, time_col)
    order = np.lexsort((when, id_rank))  # lexsort is stable: equal times keep file order
    id_sorted = id_rank[order]
    starts = np.r_[0, np.flatnonzero(np.diff(id_sorted)) + 1]
    step = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    steps = int(step.max()) + 1 if len(order) else 0
    columns: dict[str, np.ndarray] = {}
    for name in value_cols:
        values = _numbers(frame[name], name)[order]
        wide = np.full((len(ids), steps), np.nan)
        wide[id_sorted, step] = values
        for i in range(steps):
            columns[f"{name}@{i}"] = wide[:, i]
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(ids)))
    if target is not None:
        out[target] = _series_targets(frame, id_col, target, ids)
    return out


def wide_series_columns(frame: pd.DataFrame, exclude: list[str] | tuple[str, ...] = ()
                        ) -> list[str]:
    """The numeric columns of a wide table, in file order: each row is one series.

    Args:
        frame: a table with one series per row.
        exclude: columns that are not part of the series (the target, an id).

    Returns:
        Column names in file order (true/false columns are not numeric here).

    Example:
        >>> wide_series_columns(pd.DataFrame({"a": [1], "b": ["x"], "y": [0]}), ["y"])
        ['a']
    """
    skip = set(exclude)
    return [c for c in frame.columns if c not in skip
            and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]


def _numbers(series: pd.Series, name: str) -> np.ndarray:
    """The values of a value column as floats; text that is not a number is an error."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() & series.notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(text("sequences.not_numbers", column=name,
                             value=series.iloc[first], row=first + 1))
    return values.to_numpy(dtype=float)


def _time_key(frame: pd.DataFrame, id_col: str, time_col: str) -> np.ndarray:
    """Sortable numbers for the time column: numbers as they are, dates as instants."""
    series = frame[time_col]
    missing = series.isna().to_numpy()
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise DataError(text("sequences.missing_time", column=time_col,
                             id=frame[id_col].iloc[first], row=first + 1))
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float)
    if pd.api.types.is_datetime64_any_dtype(series):
        return _seconds(series)
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.notna().all():
        return numbers.to_numpy(dtype=float)
    dates = pd.to_datetime(series.astype(str), errors="coerce", format="mixed")
    if dates.notna().all():
        return _seconds(dates)
    bad = series[numbers.isna() & dates.isna()].iloc[0]
    raise DataError(text("sequences.bad_time", column=time_col, value=bad))


def _seconds(dates: pd.Series) -> np.ndarray:
    """Dates as seconds since the earliest one (any resolution, with or without zone)."""
    return (dates - dates.min()).dt.total_seconds().to_numpy(dtype=float)


def _series_targets(frame: pd.DataFrame, id_col: str, target: str, ids: np.ndarray) -> list:
    """The one target of each series, in the order of ``ids``."""
    known = frame.loc[frame[target].notna(), [id_col, target]]
    per_id = known.groupby(id_col, sort=False)[target]
    varying = per_id.nunique()
    if (varying > 1).any():
        raise DataError(text("sequences.target_varies", id=varying[varying > 1].index[0],
                             target=target))
    first = per_id.first()
    lacking = [i for i in ids if i not in first.index]
    if lacking:
        raise DataError(text("sequences.no_target", id=lacking[0], target=target))
    return first.reindex(ids).to_numpy()
