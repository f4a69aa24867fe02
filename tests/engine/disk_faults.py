"""A disk that fails under one folder, at the lowest level Python writes through.

``disk_fault(monkeypatch, root, errno.EROFS)`` makes every file creation, directory,
rename and write under ``root`` fail as a read-only file system does; ``errno.ENOSPC``
lets files be created but fails their writes, as a full disk does. ``cut_writes`` lets a
write go part of the way and then raises the given exception (a process killed in the
middle of a save). Reads are never touched. Works for root too, which ignores ``chmod``.
"""

from __future__ import annotations

import builtins
import errno as errnos
import io
import os
from pathlib import Path

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _inside(path, root: Path) -> bool:
    if isinstance(path, int):
        return False
    try:
        return Path(os.fsdecode(path)).resolve().is_relative_to(root)
    except (TypeError, ValueError, OSError):
        return False


def _writes(mode: str) -> bool:
    return any(c in mode for c in "wax+")


class _FailingFile:
    """A file whose writes stop after ``budget`` bytes with ``make_error()``."""

    def __init__(self, real, budget: int, make_error) -> None:
        self._real = real
        self._budget = budget
        self._make_error = make_error

    def write(self, data):
        if len(data) > self._budget:
            if self._budget > 0:
                self._real.write(data[:self._budget])
                self._real.flush()
            self._budget = 0
            raise self._make_error()
        self._budget -= len(data)
        return self._real.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()
        return False

    def __iter__(self):
        return iter(self._real)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _patch_open(monkeypatch, root: Path, wrap) -> None:
    real_open = builtins.open

    def faulty_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        if _writes(mode) and _inside(file, root):
            return wrap(handle, file)
        return handle

    monkeypatch.setattr(builtins, "open", faulty_open)
    monkeypatch.setattr(io, "open", faulty_open)


def disk_fault(monkeypatch, root: str | os.PathLike, code: int) -> None:
    """Make writes under ``root`` fail with ``code`` (``EROFS``/``EACCES``: nothing can be
    created or changed; ``ENOSPC``/``EDQUOT``: files are created, writes fail)."""
    root = Path(root).resolve()
    message = os.strerror(code)

    def error(path=None):
        return OSError(code, message, None if path is None else os.fsdecode(path))

    if code in (errnos.ENOSPC, getattr(errnos, "EDQUOT", errnos.ENOSPC)):
        _patch_open(monkeypatch, root, lambda handle, path: _FailingFile(
            handle, 0, lambda: error(path)))
        return
    real_os_open, real_mkdir = os.open, os.mkdir
    real_replace, real_rename, real_symlink = os.replace, os.rename, os.symlink

    def os_open(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS and _inside(path, root):
            raise error(path)
        return real_os_open(path, flags, *args, **kwargs)

    def guarded(real, paths: int):
        def call(*args, **kwargs):
            if any(_inside(a, root) for a in args[:paths]):
                raise error(args[paths - 1])
            return real(*args, **kwargs)
        return call

    real_open = builtins.open

    def faulty_open(file, mode="r", *args, **kwargs):
        if _writes(mode) and _inside(file, root):
            raise error(file)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", faulty_open)
    monkeypatch.setattr(io, "open", faulty_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", guarded(real_mkdir, 1))
    monkeypatch.setattr(os, "replace", guarded(real_replace, 2))
    monkeypatch.setattr(os, "rename", guarded(real_rename, 2))
    monkeypatch.setattr(os, "symlink", guarded(real_symlink, 2))


def cut_writes(monkeypatch, root: str | os.PathLike, after: int, make_error,
               name_part: str = "") -> None:
    """Files opened for writing under ``root`` (whose name holds ``name_part``) take
    ``after`` bytes, then their next write raises ``make_error()``."""
    root = Path(root).resolve()

    def wrap(handle, path):
        if name_part not in Path(os.fsdecode(path)).name:
            return handle
        return _FailingFile(handle, after, make_error)

    _patch_open(monkeypatch, root, wrap)


def snapshot(root: str | os.PathLike) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (to compare before and after)."""
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
