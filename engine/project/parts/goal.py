"""The ``goal`` part of ``project.json``, still in its plain JSON form (a dict or None)."""

from __future__ import annotations

import copy
from typing import Any

Goal = dict[str, Any]
"""Becomes a frozen dataclass when this part is typed."""


def load(raw: Any) -> Goal | None:
    return copy.deepcopy(raw) if isinstance(raw, dict) else None


def dump(value: Goal | None) -> dict[str, Any] | None:
    return value
