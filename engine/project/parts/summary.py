"""The ``summary`` part of ``project.json``, still in its plain JSON form (a dict or None)."""

from __future__ import annotations

import copy
from typing import Any

DataSummary = dict[str, Any]
"""Becomes a frozen dataclass when this part is typed."""


def load(raw: Any) -> DataSummary | None:
    return copy.deepcopy(raw) if isinstance(raw, dict) else None


def dump(value: DataSummary | None) -> dict[str, Any] | None:
    return value
