"""The ``sanity`` part of ``project.json``, still in its plain JSON form (a dict or None)."""

from __future__ import annotations

import copy
from typing import Any

SanityRecord = dict[str, Any]
"""Becomes a frozen dataclass when this part is typed."""


def load(raw: Any) -> SanityRecord | None:
    return copy.deepcopy(raw) if isinstance(raw, dict) else None


def dump(value: SanityRecord | None) -> dict[str, Any] | None:
    return value
