"""Search ranges a person writes down: a small JSON or TOML file, or ``--range``/``--fix``.

The recommended ranges of the model family (``engine.tuning.space.default_space``) are the
start; each setting named changes only what is written for it. A file looks like this
(TOML; the same keys in JSON)::

    round = 2                      # optional: which round of coarse-to-fine this is
    [learning_rate]
    low = 0.0001
    high = 0.01
    scale = "log"                  # or "linear"
    [optimizer]
    choices = ["adam", "sgd"]
    [dropout]
    fixed = 0.2                    # not searched: every trial uses 0.2

A whole saved space (``{"kind": ..., "params": [...]}``, as ``SearchSpace.to_dict`` and the
Tune page's narrowed proposal write it) is taken as it is.

Example:
    >>> parse_range("learning_rate=1e-4..1e-2:log")
    ('learning_rate', {'low': 0.0001, 'high': 0.01, 'log': True})
    >>> parse_fixed("optimizer=sgd")
    ('optimizer', {'fixed': 'sgd'})
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from engine.core.errors import GoalError
from engine.core.texts import text
from engine.project.project import Project
from engine.tuning.space import ParamRange, SearchSpace, default_space

FIELDS = ("low", "high", "log", "scale", "choices", "fixed")
MAX_FILE_BYTES = 1_000_000


def read_space_file(path: str | Path) -> dict[str, Any]:
    """The ranges written in a JSON or TOML file (``.toml`` is read as TOML, anything else
    as JSON).

    Raises:
        GoalError: the file cannot be read, or is not JSON/TOML holding a table.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise GoalError(text("tuning.space_file_big", path=path))
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoalError(text("tuning.space_file_unreadable", path=path,
                             reason=getattr(exc, "strerror", None) or exc)) from None
    try:
        data = tomllib.loads(raw) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise GoalError(text("tuning.space_file_bad", path=path,
                             reason=" ".join(str(exc).split())[:160])) from None
    if not isinstance(data, dict):
        raise GoalError(text("tuning.space_file_not_table", path=path))
    return data


def parse_range(raw: str) -> tuple[str, dict[str, Any]]:
    """``NAME=LOW..HIGH`` with an optional ``:log`` or ``:linear`` as one setting's range.

    Raises:
        GoalError: not written that way.
    """
    name, sep, rest = str(raw).partition("=")
    bounds, _colon, scale = rest.partition(":")
    low, dots, high = bounds.partition("..")
    if not sep or not dots or not name.strip() or scale.strip() not in ("", "log", "linear"):
        raise GoalError(text("tuning.bad_range", raw=raw))
    try:
        out: dict[str, Any] = {"low": _number(low), "high": _number(high)}
    except ValueError:
        raise GoalError(text("tuning.bad_range", raw=raw)) from None
    if scale.strip():
        out["log"] = scale.strip() == "log"
    return name.strip(), out


def parse_fixed(raw: str) -> tuple[str, dict[str, Any]]:
    """``NAME=VALUE``: the setting is not searched, every trial uses VALUE.

    Raises:
        GoalError: not written that way.
    """
    name, sep, value = str(raw).partition("=")
    if not sep or not name.strip() or not value.strip():
        raise GoalError(text("tuning.bad_fixed", raw=raw))
    return name.strip(), {"fixed": _value(value.strip())}


def custom_space(project: Project, kind: str, written: dict[str, Any],
                 flags: list[tuple[str, dict[str, Any]]] = ()) -> SearchSpace:
    """The recommended space of ``kind`` with the ranges ``written`` in a file and the
    ``flags`` (``parse_range``/``parse_fixed``) applied over it, flags last.

    Raises:
        GoalError: a setting the family does not have, a field that is not one, or values
            the setting cannot take (the same limits as a training run's settings).
    """
    if "params" in written and "kind" in written:
        try:
            space = SearchSpace.from_dict(written)
        except (KeyError, TypeError, ValueError) as exc:
            raise GoalError(text("tuning.bad_space", reason=exc)) from None
    else:
        space = default_space(project, kind)
        changes = [(n, v) for n, v in written.items() if n not in ("round", "kind")]
        flags = [*changes, *flags]
    for name, fields in flags:
        space = space.with_param(_changed(space, name, fields))
    return space


def space_round(written: dict[str, Any]) -> int | None:
    """The round a file names (None when it names none).

    Raises:
        GoalError: a round that is not a whole number of 1 or more.
    """
    value = written.get("round")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise GoalError(text("tuning.bad_round", value=value))
    return value


def _changed(space: SearchSpace, name: str, fields: Any) -> ParamRange:
    try:
        old = space.get(name)
    except KeyError:
        raise GoalError(text("tuning.unknown_setting", name=name,
                             names=", ".join(p.name for p in space.params))) from None
    if not isinstance(fields, dict) or not fields or set(fields) - set(FIELDS):
        raise GoalError(text("tuning.bad_fields", name=name, fields=", ".join(FIELDS)))
    merged = old.to_dict()
    merged.update({k: v for k, v in fields.items() if k != "scale"})
    if "scale" in fields:
        if fields["scale"] not in ("log", "linear"):
            raise GoalError(text("tuning.bad_fields", name=name, fields=", ".join(FIELDS)))
        merged["log"] = fields["scale"] == "log"
    if "fixed" not in fields and ({"low", "high", "choices"} & set(fields)):
        merged["fixed"] = None  # giving a range or choices frees a fixed setting
    if "choices" in fields:
        if not isinstance(fields["choices"], list) or not fields["choices"]:
            raise GoalError(text("tuning.bad_fields", name=name, fields=", ".join(FIELDS)))
        merged["kind"] = "categorical"
    elif {"low", "high"} & set(fields) and old.is_categorical:
        numbers = [v for v in (merged.get("low"), merged.get("high")) if v is not None]
        merged["kind"] = "int" if all(isinstance(v, int) for v in numbers) else "float"
    if merged["kind"] == "int":
        merged = {**merged, **{k: _whole(merged[k], name) for k in ("low", "high")
                               if merged.get(k) is not None}}
    try:
        return ParamRange.from_dict(merged)
    except (TypeError, ValueError) as exc:
        raise GoalError(text("tuning.bad_param", name=name, reason=exc)) from None


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or float(value) != int(value):
        raise GoalError(text("tuning.bad_param", name=name,
                             reason=text("tuning.needs_whole")))
    return int(value)


def _number(raw: str) -> int | float:
    raw = raw.strip()
    try:
        return int(raw)
    except ValueError:
        return float(raw)


def _value(raw: str) -> Any:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    try:
        return _number(raw)
    except ValueError:
        return raw
