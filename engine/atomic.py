"""Atomic writes: a file is either the old version or the new one, never half-written.

Every write goes to a temporary file in the same folder, is flushed to disk and then
replaces the target with ``os.replace`` (atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from engine.errors import ProjectError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    Use it for writers that insist on a path of their own (``model.save``, matplotlib).

    Example:
        >>> with atomic_path("runs/r1/model.keras", suffix=".keras") as tmp:
        ...     model.save(tmp)
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp",
                                    dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ProjectError(_write_problem(target, exc)) from exc
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise ProjectError(_write_problem(target, exc)) from exc
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)


def write_text(target: str | os.PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    write_bytes(target, text.encode("utf-8"))


def write_json(target: str | os.PathLike, obj: Any) -> None:
    """Write ``obj`` as indented JSON atomically (NaN is written as null)."""
    write_text(target, json.dumps(_clean(obj), indent=2, ensure_ascii=False) + "\n")


def _clean(obj: Any) -> Any:
    """Replace non-finite floats by None so the JSON stays standard."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _write_problem(target: Path, exc: OSError) -> str:
    return (f"Could not write {target}: {exc.strerror or exc}. "
            "Check that the folder exists, is writable and the disk has space; "
            "the previous version was kept.")
