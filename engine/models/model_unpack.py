"""A private, unpacked copy of a model file: what is checked is what Keras loads.

``private_model(path)`` copies the file into a new folder only this user can open
(``tempfile.mkdtemp``), checks the copy (in a throw-away process for a file from outside the
project), unpacks the copy into that folder with limits on the number of members and on the
bytes written, all members together, checks the unpacked config again, and yields the
unpacked folder; Keras then loads that folder and never the original path, so a file swapped
after the check changes nothing. The folder is removed afterwards.

The limits come from ``engine.models.safe_model_check``: the declared sizes are checked
before the first byte is written, and the bytes really written are counted against the same
limit while unpacking (a member that writes more than it declared stops the unpacking).

Use:
    with private_model("export/model.keras", outside=True) as folder:
        model = keras.saving.load_model(folder, compile=False, safe_mode=True)
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from engine.core.texts import text
from engine.models.safe_model_check import (MAX_TOTAL_BYTES, UnsafeModelError, check_config,
                                            check_members, check_model_file, read_config,
                                            size_words, unpack_limit)

CHUNK_BYTES = 1 << 20
UNPACKED = "unpacked"  # Keras loads a folder whose name does not end in .keras
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


@contextlib.contextmanager
def private_model(path: str | Path, *, check: Callable[[Path], None] = check_model_file
                  ) -> Iterator[Path]:
    """Yield a private folder holding the checked, unpacked copy of the model at ``path``.

    Args:
        path: a ``.keras`` file.
        check: how the private copy is checked before it is unpacked (``check_model_file``
            here, or ``check_in_child`` for a file from outside the project).

    Raises:
        UnsafeModelError: the file was refused; nothing past the limits was written.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="practica-model-") as folder:
        copy = Path(folder) / (path.name if path.suffix == ".keras" else "model.keras")
        private_copy(path, copy)
        check(copy)
        unpacked = Path(folder) / UNPACKED
        unpack_model(copy, unpacked)
        copy.unlink()
        check_config(read_config(unpacked, path.name), path.name)
        yield unpacked


def private_copy(source: Path, copy: Path) -> None:
    """Copy ``source`` to ``copy`` (a new file), refusing one bigger than any model may be
    (before copying) or one that grows while it is copied."""
    name = source.name
    if not source.is_file():  # also keeps a pipe or a device from being opened
        raise UnsafeModelError(text("model_check.missing", path=source))
    try:
        with open(source, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            if size > MAX_TOTAL_BYTES:
                raise UnsafeModelError(text("model_check.too_big", name=name,
                                            size=size_words(size),
                                            limit=size_words(MAX_TOTAL_BYTES)))
            with _new_file(copy) as out:
                _copy_counted(src, out, size, name)
    except FileNotFoundError:
        raise UnsafeModelError(text("model_check.missing", path=source)) from None
    except OSError as exc:
        raise UnsafeModelError(text("model_check.child_failed", name=name,
                                    problem=exc.strerror or exc)) from exc


def unpack_model(archive_path: Path, into: Path) -> int:
    """Unpack the model zip at ``archive_path`` into the new folder ``into``, within the limits.

    Returns:
        The bytes written, all members together.

    Raises:
        UnsafeModelError: too many members, declared or written sizes past the limit, names
            that leave the folder; what was written so far stays in ``into`` for the caller's
            temporary folder to remove.
    """
    name = archive_path.name
    into.mkdir(mode=0o700)
    limit = unpack_limit(archive_path.stat().st_size)
    written = 0
    try:
        with zipfile.ZipFile(archive_path) as archive:
            check_members(archive, name, archive_path.stat().st_size)  # before any write
            for info in archive.infolist():
                if info.is_dir():
                    continue
                target = into.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with archive.open(info) as src, _new_file(target) as out:
                    budget = min(info.file_size, limit - written)
                    written += _copy_counted(src, out, budget, name)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, OSError) as exc:
        raise UnsafeModelError(text("model_check.damaged", name=name,
                                    problem=str(exc).strip().splitlines()[0]
                                    if str(exc).strip() else type(exc).__name__)) from exc
    return written


def _new_file(path: Path):
    """A new file opened for writing, never one that exists nor a link (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY, 0o600)
    return os.fdopen(fd, "wb")


def _copy_counted(src, out, budget: int, name: str) -> int:
    """Copy at most ``budget`` bytes; one byte more is refused, not written."""
    done = 0
    while True:
        chunk = src.read(min(CHUNK_BYTES, budget - done + 1))
        if not chunk:
            return done
        if done + len(chunk) > budget:
            raise UnsafeModelError(text("model_check.grew", name=name,
                                        limit=size_words(budget)))
        out.write(chunk)
        done += len(chunk)
