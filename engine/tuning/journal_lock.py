"""Where a project's tuning journal lies, and the lock around writes to it, released by the
system when its holder dies (this module imports no Optuna: the Tune page asks where the
journal is).

Optuna's journal file is shared by the worker processes of a search; each append takes a
lock first. Optuna's own locks are files that the holder deletes when done: a worker killed
while it appends (kill -9, a crash, a power cut) leaves its lock file behind, and every
later tuning call waits 30 seconds for Optuna to break it. ``JournalFlock`` takes an
operating-system lock (``flock``) on a separate file instead: the system drops it the moment
the process holding it dies, so nothing waits.

Use:
    backend = JournalFileBackend(str(path), lock_obj=journal_lock(path))
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: Optuna's own lock
    fcntl = None

SUFFIX = ".flock"
JOURNAL = Path("tuning") / "study.journal"


def journal_path(project_dir: str | os.PathLike) -> Path:
    """The journal file of the project's study."""
    return Path(project_dir) / JOURNAL


class JournalFlock:
    """An exclusive ``flock`` on ``<journal>.flock``, one open file per holder.

    It has the two methods Optuna's ``JournalFileBackend`` calls on its ``lock_obj``
    (``acquire`` and ``release``; Optuna's base class for them is not public).

    Args:
        journal: the journal file's path.

    Use:
        lock = JournalFlock("tuning/study.journal")
        lock.acquire(); lock.release()
    """

    def __init__(self, journal: str | os.PathLike) -> None:
        self.path = f"{os.fspath(journal)}{SUFFIX}"
        self._held = threading.local()

    def acquire(self) -> bool:
        """Wait for the lock and take it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._held.fd = fd
        return True

    def release(self) -> None:
        """Give the lock back.

        Raises:
            RuntimeError: this thread does not hold it.
        """
        fd = getattr(self._held, "fd", None)
        if fd is None:
            raise RuntimeError("the journal lock is not held")
        self._held.fd = None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def journal_lock(journal: str | os.PathLike) -> JournalFlock | None:
    """The lock for ``journal``: a ``JournalFlock`` where the system has ``flock``, else
    None (Optuna's default lock)."""
    return JournalFlock(journal) if fcntl is not None else None
