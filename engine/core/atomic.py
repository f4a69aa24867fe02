"""Atomic writes: a file is either the old version or the new one, never half-written.

Every write goes to a temporary file in the same folder, is flushed to disk and then
replaces the target with ``os.replace`` (atomic on POSIX and Windows). The temporary file
is hidden (``.<name>.<random><suffix>``): a process killed in the middle of a write leaves
it behind, and no reader ever takes it for the real file; ``remove_temp_files`` tidies a
folder that only one process writes. A write that fails (a read-only folder, a full disk)
raises ``ProjectError`` with one plain line (``write_problem``) and keeps the old file.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterator

from engine.core.errors import ProjectError
from engine.core.texts import text

READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.[^.]+$")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    Use it for writers that insist on a path of their own (``model.save``, matplotlib).

    Use:
        with atomic_path("runs/r1/model.keras", suffix=".keras") as tmp:
            model.save(tmp)
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp",
                                    dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ProjectError(write_problem(target, exc)) from exc
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise ProjectError(write_problem(target, exc)) from exc
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


def json_safe(obj: Any) -> Any:
    """``obj`` with non-finite floats replaced by None and tuples by lists, as JSON keeps it.

    Example:
        >>> json_safe({"a": float("nan"), "b": (1, 2)})
        {'a': None, 'b': [1, 2]}
    """
    return _clean(obj)


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


def write_problem(target: str | os.PathLike, exc: OSError, what: str = "") -> str:
    """One plain line for a failed write of ``target``: what is wrong and what to do.

    A read-only folder (or one the user may not change) and a full disk get their own
    advice; anything else names the system's reason. ``what`` names the thing that was not
    saved when the file name would not say it ("the new run").

    Example:
        >>> write_problem("p/project.json", OSError(errno.ENOSPC, "No space left on device"))
        'The disk that holds p is full, so project.json could not be saved. ...'
    """
    target = Path(target)
    code = getattr(exc, "errno", None)
    name = what or target.name
    if code in READ_ONLY:
        return text("faults.read_only", folder=target.parent, name=name)
    if code in DISK_FULL:
        return text("faults.disk_full", folder=target.parent, name=name)
    return text("faults.write_failed", path=target, problem=exc.strerror or exc)


def is_write_fault(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk cannot take a write (read-only, not allowed, full)."""
    return isinstance(exc, OSError) and getattr(exc, "errno", None) in READ_ONLY | DISK_FULL


def remove_temp_files(folder: str | os.PathLike) -> int:
    """Delete the temporary files that interrupted writes left in ``folder`` (not below).

    Only for a folder no other process is writing at the same time (a run's own folder
    once its run has ended): a write in progress elsewhere would lose its file.

    Returns:
        How many files were removed.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if _TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError:
                pass
    return removed
