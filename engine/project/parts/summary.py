"""The ``summary`` part of ``project.json``: the data summary of the main file made when the
project was created (``engine.data.summary.DataSummary``: its size, each column, the target).

Example:
    >>> summary = load({"rows": 3, "columns": 2, "target": None, "column_info": [
    ...     {"name": "x", "kind": "number", "dtype": "int64", "missing": 0, "unique": 3}]})
    >>> summary.rows, summary.column("x").kind, dump(summary)["column_info"][0]["unique"]
    (3, 'number', 3)
"""

from __future__ import annotations

from typing import Any

from engine.data.summary import DataSummary

__all__ = ["DataSummary", "dump", "load"]


def load(raw: Any) -> DataSummary | None:
    return DataSummary.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: DataSummary | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None
