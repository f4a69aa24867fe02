"""A short description of a table: its size, what kind of values each column holds, and how
the column to predict is distributed. Stored in project.json and shown in reports.

Use:
    s = summarize(frame, target="species")
    s.rows, s.column("petal_length").kind, s.target.class_counts[0]
"""

from __future__ import annotations

import difflib
import math
from dataclasses import asdict, dataclass

import numpy as np

from engine.core.errors import DataError
from engine.core.texts import text
from engine.core.lazy_import import lazy_module

# pandas loads at the first frame read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

KINDS = ("number", "category", "text", "empty", "constant")
CATEGORY_MAX_UNIQUE = 50  # more distinct values than this ...
CATEGORY_MAX_SHARE = 0.2  # ... and more than this share of the rows: free text, not categories
CLASS_TARGET_MAX_UNIQUE = 20  # a whole-number target with at most this many values is classes


@dataclass(frozen=True)
class ColumnInfo:
    """One column: its name, kind (one of ``KINDS``), pandas dtype, missing and distinct counts."""

    name: str
    kind: str
    dtype: str
    missing: int
    unique: int

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> ColumnInfo:
        return cls(name=str(raw.get("name", "")), kind=str(raw.get("kind", "")),
                   dtype=str(raw.get("dtype", "")), missing=int(raw.get("missing") or 0),
                   unique=int(raw.get("unique") or 0))


@dataclass(frozen=True)
class TargetInfo:
    """How the column to predict is distributed.

    ``task`` is "classes" (``class_counts``: (label, count) pairs, most common first) or
    "numeric" (``minimum``, ``mean``, ``maximum``, ``std`` over its finite values). Counts and
    statistics leave out the ``missing`` rows.
    """

    name: str
    task: str
    missing: int
    class_counts: tuple[tuple[str, int], ...] = ()
    minimum: float | None = None
    mean: float | None = None
    maximum: float | None = None
    std: float | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["class_counts"] = {label: count for label, count in self.class_counts}
        return data

    @classmethod
    def from_dict(cls, raw: dict) -> TargetInfo:
        counts = raw.get("class_counts") or {}
        pairs = counts.items() if isinstance(counts, dict) else counts
        return cls(name=str(raw.get("name", "")), task=str(raw.get("task", "")),
                   missing=int(raw.get("missing") or 0),
                   class_counts=tuple((str(label), count) for label, count in pairs),
                   minimum=raw.get("minimum"), mean=raw.get("mean"), maximum=raw.get("maximum"),
                   std=raw.get("std"))


@dataclass(frozen=True)
class DataSummary:
    """Size of a table, one ``ColumnInfo`` per column, and the target's distribution."""

    rows: int
    columns: int
    column_info: tuple[ColumnInfo, ...]
    target: TargetInfo | None

    def column(self, name: str) -> ColumnInfo:
        """The ``ColumnInfo`` of column ``name`` (KeyError if there is none)."""
        for info in self.column_info:
            if info.name == name:
                return info
        raise KeyError(name)

    def to_dict(self) -> dict:
        """Plain JSON-able data (ints, floats or None, strings, lists, dicts)."""
        return {
            "rows": self.rows,
            "columns": self.columns,
            "column_info": [info.to_dict() for info in self.column_info],
            "target": self.target.to_dict() if self.target else None,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> DataSummary:
        """Read ``to_dict``'s form back (missing parts empty; an older list of column names
        in ``columns`` counts them)."""
        columns = raw.get("columns")
        info = tuple(ColumnInfo.from_dict(c) for c in raw.get("column_info") or ()
                     if isinstance(c, dict))
        target = raw.get("target")
        return cls(rows=int(raw.get("rows") or 0),
                   columns=len(columns) if isinstance(columns, (list, tuple))
                   else int(columns if columns is not None else len(info)),
                   column_info=info,
                   target=TargetInfo.from_dict(target) if isinstance(target, dict) else None)


def summarize(frame: pd.DataFrame, target: str | None = None, stats: dict | None = None
              ) -> DataSummary:
    """Describe ``frame``; with ``target``, also the distribution of that column.
    ``stats`` (``engine.data.column_pass.column_stats(frame)``) gives each column's missing
    and distinct counts and kind when they are already worked out.

    Raises:
        DataError: ``target`` is given but is not a column of ``frame``.
    """
    if target is not None and target not in frame.columns:
        message, fix = target_not_found_text(frame, target)
        raise DataError(f"{message} {fix}")
    infos = []
    for name in frame.columns:
        series = frame[name]
        known = stats.get(str(name)) if stats else None
        if known is not None:
            infos.append(ColumnInfo(name=str(name), kind=known.kind, dtype=str(series.dtype),
                                    missing=known.missing, unique=known.unique))
            continue
        unique = distinct_count(series)
        infos.append(ColumnInfo(name=str(name), kind=column_kind(series, unique),
                                dtype=str(series.dtype), missing=int(series.isna().sum()),
                                unique=unique))
    target_info = _target_info(frame[target], str(target)) if target is not None else None
    return DataSummary(rows=int(len(frame)), columns=int(frame.shape[1]), column_info=tuple(infos),
                       target=target_info)


def column_kind(series: pd.Series, unique: int | None = None, missing: int | None = None
                ) -> str:
    """"empty" (no values), "constant" (one value, none missing), "number", "category" or
    "text" (strings with many distinct values: more than 50 and more than 20% of the rows).
    ``unique`` may pass the column's distinct count when it is already known; with
    ``missing`` too, a column of plain numbers is judged from the two counts alone (one
    distinct value is the smallest equal to the largest) instead of a pass over it."""
    if unique is not None and missing is not None and not isinstance(
            series.dtype, pd.api.extensions.ExtensionDtype) and series.dtype.kind in "fiu":
        present = len(series) - missing
        if present == 0:
            return "empty"
        return "constant" if present == len(series) and unique == 1 else "number"
    present = series.dropna()
    if present.empty:
        return "empty"
    complete = len(present) == len(series)
    if is_number(series):
        values = present.to_numpy()
        return "constant" if complete and values.min() == values.max() else "number"
    unique = distinct_count(present) if unique is None else unique
    if unique == 1 and complete:
        return "constant"
    if unique > CATEGORY_MAX_UNIQUE and unique > CATEGORY_MAX_SHARE * len(present):
        return "text"
    return "category"


def is_number(series: pd.Series) -> bool:
    """True for numeric columns; booleans count as categories, not numbers."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def distinct_count(series: pd.Series) -> int:
    """Number of distinct present values (values that cannot be hashed compare as text)."""
    try:
        return int(series.nunique(dropna=True))
    except TypeError:
        return int(series.dropna().astype(str).nunique())


def target_is_categorical(series: pd.Series) -> bool:
    """Classes for non-numeric or boolean targets, and for whole numbers with at most
    ``CLASS_TARGET_MAX_UNIQUE`` distinct values (0/1 labels, 1-5 ratings); else numeric."""
    if not is_number(series):
        return True
    values = series.to_numpy(dtype=float, na_value=np.nan)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return False
    return bool(np.all(values == np.round(values))) and np.unique(values).size <= CLASS_TARGET_MAX_UNIQUE


def label_text(value: object) -> str:
    """A class label as text; 1.0 (a whole-number label stored as float) becomes '1'."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (np.integer, np.bool_)):
        return str(value.item())
    return str(value)


def class_counts(series: pd.Series) -> tuple[tuple[str, int], ...]:
    """(label, count) for each class among the present values, most common first."""
    try:
        counts = series.value_counts(dropna=True, sort=False)
    except TypeError:  # unhashable cells: count their text
        counts = series.dropna().astype(str).value_counts(sort=False)
    merged: dict[str, int] = {}
    for value, count in counts.items():  # 1 and 1.0 are one label, '1'
        label = label_text(value)
        merged[label] = merged.get(label, 0) + int(count)
    return tuple(sorted(merged.items(), key=lambda pair: (-pair[1], pair[0])))


def target_not_found_text(frame: pd.DataFrame, target: str) -> tuple[str, str]:
    """The plain message and fix for a target name that is not a column of ``frame``."""
    names = [str(c) for c in frame.columns]
    lowered = {n.lower().strip(): n for n in names}
    close = lowered.get(str(target).lower().strip()) or next(
        iter(difflib.get_close_matches(str(target), names, n=1)), None)
    hint = " " + text("data.target_hint", suggestion=close) if close else ""  # texts are stripped
    shown = ", ".join(f"'{n}'" for n in names[:12]) + (", ..." if len(names) > 12 else "")
    return (text("data.target_not_found", target=target, hint=hint),
            text("data.target_not_found_fix", columns=shown))


def _target_info(series: pd.Series, name: str) -> TargetInfo:
    missing = int(series.isna().sum())
    if target_is_categorical(series):
        return TargetInfo(name=name, task="classes", missing=missing,
                          class_counts=class_counts(series))
    values = series.to_numpy(dtype=float, na_value=np.nan)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return TargetInfo(name=name, task="numeric", missing=missing)
    std = float(np.std(values, ddof=1)) if values.size > 1 else None
    return TargetInfo(name=name, task="numeric", missing=missing,
                      minimum=_finite(values.min()), mean=_finite(values.mean()),
                      maximum=_finite(values.max()), std=_finite(std))


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(float(value)):
        return None
    return float(value)
