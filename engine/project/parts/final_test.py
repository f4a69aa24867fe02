"""The ``final_test`` part of ``project.json``, still in its plain JSON form (a dict or None)."""

from __future__ import annotations

import copy
from typing import Any

FinalTestRecord = dict[str, Any]
"""Becomes a frozen dataclass when this part is typed."""


def load(raw: Any) -> FinalTestRecord | None:
    return copy.deepcopy(raw) if isinstance(raw, dict) else None


def dump(value: FinalTestRecord | None) -> dict[str, Any] | None:
    return value
