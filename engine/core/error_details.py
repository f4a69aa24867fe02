"""Where the details of an unexpected failure are saved: a new file only Practica creates.

The details (a traceback) go to a file that did not exist before: its name is new each time
(time, process and a random part), and it is opened with ``O_CREAT | O_EXCL`` (and
``O_NOFOLLOW`` where the system has it) and mode 0600, so a file or a link planted in
advance is never written through. The folder is the user's own log folder (on Linux
``$XDG_STATE_HOME/practica/logs``, on macOS ``~/Library/Logs/Practica``, on Windows
``%LOCALAPPDATA%\\Practica\\Logs``; ``PRACTICA_LOG_DIR`` chooses another), used only when it
is a real folder (not a link) that this user owns and no one else may write to; otherwise a
new private folder is made inside it, or in the temporary folder (``tempfile.mkdtemp``).

Use:
    path = save_error_details(traceback.format_exc())   # None when nothing could be saved
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import tempfile
import time
from pathlib import Path

LOG_DIR_VARIABLE = "PRACTICA_LOG_DIR"
_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def save_error_details(details: str) -> Path | None:
    """Write ``details`` to a new file of its own; its path, or None when no folder would do."""
    for folder in _candidate_folders():
        try:
            return _write_new(folder, details)
        except OSError:
            continue
    return None


def log_folder() -> Path:
    """The user's own folder for Practica's logs (it may not exist yet)."""
    chosen = os.environ.get(LOG_DIR_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "Practica" / "Logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "Practica"
    state = os.environ.get("XDG_STATE_HOME")
    return (Path(state) if state else home / ".local" / "state") / "practica" / "logs"


def _candidate_folders():
    """The log folder when it is private; else a new private folder in it; else one in the
    system's temporary folder."""
    folder = log_folder()
    try:
        if not os.path.lexists(folder):
            folder.mkdir(mode=0o700, parents=True)
        if _private(folder):
            yield folder
        elif _real_folder(folder):
            yield Path(tempfile.mkdtemp(prefix="practica-error-", dir=folder))
    except OSError:
        pass
    try:
        yield Path(tempfile.mkdtemp(prefix="practica-error-"))
    except OSError:
        return


def _real_folder(folder: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)  # lstat: a link is not a folder
    except OSError:
        return False


def _private(folder: Path) -> bool:
    """A real folder (not a link) this user owns that no one else may write to."""
    if not _real_folder(folder):
        return False
    if not hasattr(os, "getuid"):  # Windows: the user's own profile folder
        return True
    info = os.lstat(folder)
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write_new(folder: Path, details: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for _attempt in range(5):
        path = folder / f"practica-error-{stamp}-{os.getpid()}-{secrets.token_hex(4)}.txt"
        try:
            fd = os.open(path, _FLAGS, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(details)
        return path
    raise FileExistsError(folder)
