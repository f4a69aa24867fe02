"""The version of ``project.json`` and the migrations that bring old files up to date."""

from __future__ import annotations

from typing import Any, Callable

from engine.core.errors import ProjectError
from engine.core.texts import text

SCHEMA_VERSION = 1

# MIGRATIONS[n] turns a version-n dict into a version-(n+1) dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` upgraded to ``SCHEMA_VERSION``; the input is not modified.

    A file from a newer Practica is refused rather than half-understood.
    """
    version = int(data.get("schema", 0))
    if version > SCHEMA_VERSION:
        raise ProjectError(text("project.too_new", version=version, supported=SCHEMA_VERSION))
    out = dict(data)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProjectError(text("project.too_old", version=version))
        out = step(out)
        version += 1
        out["schema"] = version
    return out
