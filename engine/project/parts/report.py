"""The ``report`` part of ``project.json``, still in its plain JSON form (a dict or None)."""

from __future__ import annotations

import copy
from typing import Any

ReportRecord = dict[str, Any]
"""Becomes a frozen dataclass when this part is typed."""


def load(raw: Any) -> ReportRecord | None:
    return copy.deepcopy(raw) if isinstance(raw, dict) else None


def dump(value: ReportRecord | None) -> dict[str, Any] | None:
    return value
