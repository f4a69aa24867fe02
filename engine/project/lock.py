"""One writer per project: a lock file that names who holds the project.

A program that writes a project (the app while the project is open, a CLI command that
changes it) holds ``practica.lock`` in the project folder: an operating-system lock on the
file (released by the system when the process dies, so a crashed holder never blocks
anyone on the same computer) and, inside it, who holds it (program, process, computer,
since when). A second program is refused with those facts (``ProjectLockedError``).

Processes that a holder starts (the app's engine process, a search's workers) inherit the
holder's writer token through the environment (``PRACTICA_WRITER``) and may write under the
holder's lock. A program that saves without holding the lock takes it just for the save.

A lock left by a process on another computer cannot be tested by this one (the system lock
may not reach across a network share); it is shown with its age and only taken over when
the user says that computer no longer uses the project (``take_over=True``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from engine.core.atomic import is_write_fault, write_problem
from engine.core.errors import ProjectError, ProjectLockedError
from engine.core.texts import text
from engine.project.decisions import now_iso

LOCK_FILE = "practica.lock"
ENV_TOKEN = "PRACTICA_WRITER"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def lock_fd(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def unlock_fd(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def lock_fd(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def unlock_fd(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def writer_token() -> str:
    """This program's writer token, shared with the processes it starts afterwards."""
    token = os.environ.get(ENV_TOKEN)
    if not token:
        token = os.environ[ENV_TOKEN] = uuid.uuid4().hex
    return token


@dataclass(frozen=True)
class LockHolder:
    """Who holds a project: ``program`` (e.g. "the app", "practica run"), its process id,
    its computer and since when (ISO time)."""

    program: str
    pid: int
    host: str
    since: str
    token: str = ""

    def to_dict(self) -> dict:
        return {"program": self.program, "pid": self.pid, "host": self.host,
                "since": self.since, "token": self.token}

    @classmethod
    def from_text(cls, raw: str) -> "LockHolder | None":
        try:
            d = json.loads(raw)
            return cls(program=str(d["program"]), pid=int(d["pid"]), host=str(d["host"]),
                       since=str(d["since"]), token=str(d.get("token", "")))
        except (ValueError, KeyError, TypeError):
            return None

    @property
    def here(self) -> bool:
        return self.host == socket.gethostname()

    def age(self) -> str:
        """How long ago the lock was taken, in plain words."""
        try:
            since = _dt.datetime.fromisoformat(self.since)
            minutes = int((_dt.datetime.now().astimezone() - since).total_seconds() // 60)
        except (ValueError, TypeError):
            return text("lock.age_unknown")
        if minutes < 60:
            return text("lock.age_minutes", n=max(minutes, 0))
        if minutes < 48 * 60:
            return text("lock.age_hours", n=minutes // 60)
        return text("lock.age_days", n=minutes // (24 * 60))

    def _since_shown(self) -> str:
        try:
            return _dt.datetime.fromisoformat(self.since).strftime("%Y-%m-%d %H:%M")
        except (ValueError, TypeError):
            return self.since

    def describe(self) -> str:
        if self.here:
            return text("lock.held_here", program=self.program, pid=self.pid,
                        since=self._since_shown())
        return text("lock.held_elsewhere", program=self.program, host=self.host,
                    age=self.age())


# Roots this process holds, with their open lock files.
_HELD: dict[Path, "ProjectLock"] = {}


class ProjectLock:
    """A held project lock; ``release()`` (or leaving the ``with`` block) gives it back."""

    def __init__(self, root: Path, fd: int | None, holder: LockHolder) -> None:
        self.root, self._fd, self.holder = root, fd, holder
        self._users = 1  # holders in this process (two windows on one project in tests)

    @property
    def borrowed(self) -> bool:
        """True when the lock belongs to the program that started this process."""
        return self._fd is None

    def release(self) -> None:
        self._users -= 1
        if self._fd is None or self._users > 0:
            return
        if _HELD.get(self.root) is self:
            del _HELD[self.root]
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        unlock_fd(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "ProjectLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_FILE


def holder_of(root: str | os.PathLike) -> LockHolder | None:
    """Who holds the project now (None when nobody does). Never waits, never changes it."""
    path = lock_path(Path(root))
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        if lock_fd(fd):
            unlock_fd(fd)
            holder = _read(fd)
            return holder if holder is not None and not holder.here else None
        return _read(fd)
    finally:
        os.close(fd)


def hold(root: str | os.PathLike, program: str, take_over: bool = False) -> ProjectLock:
    """Take the project's lock for ``program`` until ``release()``.

    Raises ``ProjectLockedError`` naming the holder when another program holds it. Holding
    it already (this process, or the program that started it) is not an error.
    """
    root = Path(root).resolve()
    if root in _HELD:
        _HELD[root]._users += 1
        return _HELD[root]
    try:
        fd = os.open(lock_path(root), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if is_write_fault(exc):
            raise ProjectError(write_problem(lock_path(root), exc, what=text(
                "lock.what"))) from exc
        raise ProjectError(text("lock.cannot_create", path=root, problem=exc)) from exc
    try:
        if not lock_fd(fd):
            holder = _read(fd)
            if holder is not None and holder.token == writer_token():
                os.close(fd)
                return ProjectLock(root, None, holder)
            raise _refusal(holder)
        left = _read(fd)
        if left is not None and not left.here and not take_over \
                and left.token != writer_token():
            unlock_fd(fd)
            raise _refusal(left)
        holder = LockHolder(program=program, pid=os.getpid(), host=socket.gethostname(),
                            since=now_iso(), token=writer_token())
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder.to_dict()).encode("utf-8"), 0)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    lock = ProjectLock(root, fd, holder)
    _HELD[root] = lock
    return lock


@contextlib.contextmanager
def writing(root: str | os.PathLike) -> Iterator[None]:
    """Make sure this process may write ``root`` for the duration of the block: it holds
    the lock, inherited it, or takes it just for now (released at the end)."""
    root = Path(root).resolve()
    if root in _HELD:
        yield
        return
    lock = hold(root, program=text("lock.program_save"))
    try:
        yield
    finally:
        lock.release()


def _read(fd: int) -> LockHolder | None:
    try:
        size = os.fstat(fd).st_size
        raw = os.pread(fd, min(size, 4096), 0).decode("utf-8", "replace") if size else ""
    except OSError:
        return None
    return LockHolder.from_text(raw) if raw.strip() else None


def _refusal(holder: LockHolder | None) -> ProjectLockedError:
    """The error for a project ``holder`` holds; it carries the holder (``.holder``) so the
    app can offer to take over a lock left on another computer."""
    if holder is None:
        error = ProjectLockedError(text("lock.held_unknown"))
    else:
        error = ProjectLockedError(text("lock.refused", who=holder.describe()))
    error.holder = holder
    return error
