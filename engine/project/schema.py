"""The version of ``project.json``, the migrations that bring old files up to date, and the
one place where the project's parts are read from and written to their JSON form.

Each part (goal, summary, split, sanity, diagnosis, learning curve, error analysis, vault,
final test, report) has a module in ``engine.project.parts`` with ``load(raw)`` (JSON to the
part) and ``dump(part)`` (the part to JSON). ``load_parts`` and ``dump_parts`` are the only
callers, so a part's JSON form is defined once.

Example:
    >>> parts = load_parts({"vault": {"opened_at": None, "evaluations": []}})
    >>> parts["vault"].is_open, dump_parts(parts)["vault"]
    (False, {'opened_at': None, 'evaluations': []})
"""

from __future__ import annotations

import math
from typing import Any, Callable

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.project.malformed import malformed, reading
from engine.project.parts import (decision_rule, diagnosis, error_analysis, final_test, goal,
                                  learning_curve, report, sanity, split, summary, vault)

SCHEMA_VERSION = 2


def _start_record(data: dict[str, Any]) -> dict[str, Any]:
    """1 -> 2: the project gets its append-only record (``engine.project.journal``). The
    parts keep their form; the record is started from them at the first save, and from
    then on a Practica that does not know the record refuses the project instead of
    rewriting it without one."""
    return dict(data)


# MIGRATIONS[n] turns a version-n dict into a version-(n+1) dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _start_record}


def migrate(data: dict[str, Any], path: str = "project.json") -> dict[str, Any]:
    """Return ``data`` upgraded to ``SCHEMA_VERSION``; the input is not modified.

    A file from a newer Practica is refused rather than half-understood; a format number
    that is not a whole number (``"abc"``, ``1e400``) is a ``MalformedFileError``.
    """
    version = schema_version(data.get("schema", 0), path)
    refuse_newer(version)
    out = dict(data)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProjectError(text("project.too_old", version=version))
        out = step(out)
        version += 1
        out["schema"] = version
    return out


def schema_version(value: Any, path: str = "project.json") -> int:
    """The format number of a project file, refused unless a whole number from 0 up.

    >>> schema_version(1), schema_version(1.0)
    (1, 1)
    """
    whole = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value, whole = int(value), True
    if not whole or value < 0:
        raise malformed(path, text("project.bad_schema", value=str(value)[:40]), "schema")
    return value


def refuse_newer(version: int) -> None:
    """Refuse a project that a newer Practica saved (``project.json`` or its record)."""
    if version > SCHEMA_VERSION:
        raise ProjectError(text("project.too_new", version=version, supported=SCHEMA_VERSION))


# The parts of a project, in the order ``project.json`` lists them: name -> its module.
PARTS = {"goal": goal, "summary": summary, "split": split, "sanity": sanity,
         "diagnosis": diagnosis, "learning_curve": learning_curve,
         "error_analysis": error_analysis, "decision_rule": decision_rule, "vault": vault,
         "final_test": final_test, "report": report}


def load_parts(data: dict[str, Any], path: str = "project.json") -> dict[str, Any]:
    """Every part of a (migrated) ``project.json``, read into its type.

    A part is a record or absent; anything else, or a record its loader cannot read, is a
    ``MalformedFileError`` that names the part (``path`` is the file, for the message).
    """
    parts = {}
    for name, module in PARTS.items():
        raw = data.get(name)
        if raw is not None and not isinstance(raw, dict):
            raise malformed(path, text("project.wrong_form"), name)
        with reading(path, name):
            parts[name] = module.load(raw)
    return parts


def dump_parts(parts: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of every part, for ``project.json``."""
    return {name: module.dump(parts[name]) for name, module in PARTS.items()}
