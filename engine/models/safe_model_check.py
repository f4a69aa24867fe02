"""Look inside a Keras model file, without loading it, and refuse anything that could run code
or fill the disk.

Keras' safe mode is not a sandbox: configs that import other modules, configs that switch
safe mode off, and legacy ``.h5`` files have all got past it. So before Keras sees a model
file, this module reads it as plain data (the ``.keras`` zip's member list and its
``config.json``) and refuses:

- legacy HDF5 files (``.h5``, ``.hdf5``), which Keras loads by another, older path;
- a zip that would unpack to more than a model of its size needs (a zip bomb): more than
  ``MAX_MEMBERS`` members, or members whose declared sizes add up to more than
  ``unpack_limit`` of the file's size (``UNPACK_FLOOR_BYTES`` for any file, twice the file's
  size for bigger ones, never more than ``MAX_TOTAL_BYTES``), or one member over 1 MiB that
  claims to shrink more than ``MAX_RATIO`` times;
- member names that leave the archive (``../``, absolute paths) or appear twice (the copy
  Keras would read might not be the one checked);
- a config that carries code, imports or custom objects (``engine.models.model_config_check``).

Keras stores a model's members uncompressed, so a real model unpacks to about its own size.
Pure: imports neither Keras nor NumPy, writes nothing, never extracts the archive. Use it
through ``engine.models.safe_model_load``, which checks and loads a private, unpacked copy.

Use:
    check_model_file("runs/20250101-mlp/model.keras")      # passes silently
    check_model_file("evil.keras")
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from engine.core.texts import text
from engine.models.model_config_check import OWN_OBJECTS, UnsafeModelError, check_config

__all__ = ("OWN_OBJECTS", "UnsafeModelError", "check_config", "check_model_file",
           "check_members", "read_config", "unpack_limit")

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
LEGACY_SUFFIXES = (".h5", ".hdf5", ".hdf")
CONFIG_FILE = "config.json"

MAX_MEMBERS = 1_000  # a model has config, metadata, weights and a few vocabulary files
MAX_CONFIG_BYTES = 64 << 20
UNPACK_FLOOR_BYTES = 256 << 20  # any model file may unpack to this much
UNPACK_GROWTH = 2  # a bigger file may unpack to twice its size (Keras stores, not packs)
MAX_TOTAL_BYTES = 4 << 30  # and never more than this
MAX_RATIO = 100  # Keras stores members uncompressed: its own files have a ratio of 1
RATIO_FLOOR_BYTES = 1 << 20  # small members may compress well (a config full of zeros)


def unpack_limit(archive_bytes: int) -> int:
    """The most bytes a model file of ``archive_bytes`` may unpack to, all members together.

    >>> unpack_limit(2_300_000) >> 20, unpack_limit(1 << 30) >> 20, unpack_limit(5 << 30) >> 20
    (256, 2048, 4096)
    """
    return min(MAX_TOTAL_BYTES, max(UNPACK_FLOOR_BYTES, UNPACK_GROWTH * int(archive_bytes)))


def check_model_file(path: str | Path) -> None:
    """Raise ``UnsafeModelError`` unless ``path`` is a ``.keras`` file safe to hand to Keras.

    Args:
        path: the model file.

    Raises:
        UnsafeModelError: the file is missing, is not a ``.keras`` zip, is a legacy HDF5
            file, is a zip bomb, or its config carries code, imports or custom objects.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise UnsafeModelError(text("model_check.missing", path=path))
    with open(path, "rb") as fh:
        head = fh.read(len(HDF5_SIGNATURE))
    if head == HDF5_SIGNATURE or path.suffix.lower() in LEGACY_SUFFIXES:
        raise UnsafeModelError(text("model_check.legacy_h5", name=name))
    if not zipfile.is_zipfile(path):
        raise UnsafeModelError(text("model_check.not_keras", name=name))
    try:
        with zipfile.ZipFile(path) as archive:
            check_members(archive, name, path.stat().st_size)
            config = _read_zip_config(archive, name)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UnsafeModelError(text("model_check.damaged", name=name,
                                    problem=_first_line(exc))) from exc
    check_config(config, name)


def check_members(archive: zipfile.ZipFile, name: str, archive_bytes: int) -> int:
    """Refuse a member list no model has; return the bytes it declares, all together.

    Only the sizes the archive declares are read here; the unpacking counts the bytes it
    really writes against the same limit (``engine.models.model_unpack``).
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeModelError(text("model_check.too_many", name=name, n=len(members)))
    limit = unpack_limit(archive_bytes)
    seen: set[str] = set()
    total = 0
    for info in members:
        _check_member_name(info.filename, name, seen)
        size = info.file_size
        total += size
        ratio = size / max(1, info.compress_size)
        if size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise UnsafeModelError(text("model_check.bomb", name=name, member=info.filename,
                                        size=size_words(size), ratio=f"{ratio:.0f}"))
        if total > limit:
            raise UnsafeModelError(text("model_check.too_big", name=name,
                                        size=size_words(_declared(members)),
                                        limit=size_words(limit)))
    return total


def _declared(members: list[zipfile.ZipInfo]) -> int:
    return sum(info.file_size for info in members)


def _read_zip_config(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        info = archive.getinfo(CONFIG_FILE)
    except KeyError:
        raise UnsafeModelError(text("model_check.no_config", name=name)) from None
    if info.file_size > MAX_CONFIG_BYTES:
        raise UnsafeModelError(text("model_check.bomb", name=name, member=info.filename,
                                    size=size_words(info.file_size), ratio="?"))
    with archive.open(info) as fh:
        return _parse_config(fh.read(MAX_CONFIG_BYTES + 1), name)


def read_config(folder: str | Path, name: str) -> Any:
    """The parsed ``config.json`` of an unpacked model folder (refused when too big or not
    JSON); ``name`` is the model file's name, for the message."""
    path = Path(folder) / CONFIG_FILE
    if not path.is_file() or path.is_symlink():
        raise UnsafeModelError(text("model_check.no_config", name=name))
    with open(path, "rb") as fh:
        return _parse_config(fh.read(MAX_CONFIG_BYTES + 1), name)


def _parse_config(raw: bytes, name: str) -> Any:
    if len(raw) > MAX_CONFIG_BYTES:
        raise UnsafeModelError(text("model_check.bomb", name=name, member=CONFIG_FILE,
                                    size=size_words(len(raw)), ratio="?"))
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UnsafeModelError(text("model_check.damaged", name=name,
                                    problem=_first_line(exc))) from exc


def _check_member_name(member: str, name: str, seen: set[str]) -> None:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    if (member.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])
            or "\0" in member or not parts):
        raise UnsafeModelError(text("model_check.bad_member", name=name, member=member))
    key = "/".join(parts).casefold()  # one file on a disk that ignores case
    if key in seen:
        raise UnsafeModelError(text("model_check.duplicate", name=name, member=member))
    seen.add(key)


def size_words(n: float) -> str:
    """A byte count in words (``64.0 MB``)."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _first_line(exc: BaseException) -> str:
    words = str(exc).strip().splitlines()
    return words[0] if words else type(exc).__name__
