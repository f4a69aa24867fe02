"""Open a table file of any supported kind (CSV/TSV/TXT, Excel, Parquet) as a DataFrame.

Dispatch is by file extension, after checking that the file exists, is a file, and that its
first bytes do not say it is something else (a PNG named ``.csv``, a text file named
``.xlsx``). Every problem is a one-line ``DataError`` that says what to do.

Use:
    table = read_table("patients.xlsx")
    table.source_kind, table.frame.shape
"""

from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from engine.data.csv_dialect import clean_header_names
from engine.data.csv_reader import read_csv_file
from engine.core.errors import DataError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.core.texts import text

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet",)

# First bytes of formats that are never a text table (and the key of their plain name).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "kind_png"),
    (b"\xff\xd8\xff", "kind_jpeg"),
    (b"GIF87a", "kind_gif"),
    (b"GIF89a", "kind_gif"),
    (b"%PDF", "kind_pdf"),
    (b"PK\x03\x04", "kind_zip"),
    (b"PK\x05\x06", "kind_zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "kind_ole"),
    (b"\x1f\x8b", "kind_gzip"),
    (b"PAR1", "kind_parquet"),
    (b"SQLite format 3\x00", "kind_sqlite"),
    (b"7z\xbc\xaf\x27\x1c", "kind_7z"),
    (b"Rar!\x1a\x07", "kind_rar"),
)


@dataclass(frozen=True, eq=False)
class TableRead:
    """A table read from a file: the frame, plain remarks, and which reader was used."""

    frame: pd.DataFrame
    notes: tuple[str, ...]
    source_kind: str  # "csv" | "excel" | "parquet"
    path: Path


def read_table(path: str | Path, progress: ProgressFn = ignore,
               cancel: CancelFlag = NEVER) -> TableRead:
    """Read a CSV/TSV/TXT, Excel (.xlsx/.xlsm, first sheet) or Parquet file.

    Args:
        path: the file to read.
        progress, cancel: ``Progress`` while a big text table is read; stop request in.

    Returns:
        A ``TableRead``; the frame has a fresh 0..n-1 index and clean, unique column names.

    Raises:
        DataError: the file is missing, a folder, of an unknown kind, not what its extension
            says, or cannot be read as a table.
        JobCancelled: ``cancel`` was set while a text table was read.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(text("data.file_missing", path=path))
    if path.is_dir():
        raise DataError(text("data.is_folder", path=path))
    suffix = path.suffix.lower()
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DataError(text("data.unreadable", name=path.name, reason=exc.strerror or exc)) from exc
    signature = _signature_kind(head)

    if suffix in CSV_SUFFIXES:
        if signature is not None:
            raise DataError(text("data.wrong_content", name=path.name, expected="text table",
                                 actual=text(f"data.{signature}")))
        before = stat_key(path)
        read = read_csv_file(path, progress, cancel)
        if read.sha256 and before is not None and before == stat_key(path):
            _remember(before, read.sha256)  # the bytes hashed while reading: no second pass
        return TableRead(read.frame, read.notes, "csv", path)
    if suffix in EXCEL_SUFFIXES:
        if signature == "kind_ole":
            raise DataError(text("data.old_excel", name=path.name))
        if signature != "kind_zip":
            if signature is None:
                raise DataError(text("data.not_excel", name=path.name))
            raise DataError(text("data.wrong_content", name=path.name, expected="Excel",
                                 actual=text(f"data.{signature}")))
        frame, notes = _read_excel(path)
        return TableRead(frame, notes, "excel", path)
    if suffix in PARQUET_SUFFIXES:
        if signature != "kind_parquet":
            actual = text(f"data.{signature}") if signature else "not a Parquet file"
            raise DataError(text("data.wrong_content", name=path.name, expected="Parquet",
                                 actual=actual))
        frame, notes = _read_parquet(path)
        return TableRead(frame, notes, "parquet", path)
    if suffix == ".xls":
        raise DataError(text("data.old_excel", name=path.name))
    raise DataError(text("data.unknown_extension", suffix=suffix or "(no extension)",
                         name=path.name))


def file_fingerprint(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 of the file's bytes as hex, read in chunks so big files use little memory.

    A text table that ``read_table`` just read is not read again: its bytes were hashed on
    the way, and the hash is reused while the file's inode, size, modification and change
    times stay the same (any write changes the change time).
    """
    key = stat_key(path)
    with _HASHES_LOCK:
        known = _HASHES.get(key) if key is not None else None
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def known_fingerprint(path: str | Path) -> str | None:
    """The SHA-256 of the file's bytes when they were hashed while the file was as it is
    now (by ``read_table`` or a columnar copy); None when that is not known."""
    key = stat_key(path)
    with _HASHES_LOCK:
        return _HASHES.get(key) if key is not None else None


def remember_fingerprint(key: tuple, sha256: str) -> None:
    """Record ``sha256`` as the hash of the file whose ``stat_key`` is ``key``."""
    _remember(key, sha256)


_HASHES: dict[tuple, str] = {}
_HASHES_KEPT = 8
_HASHES_LOCK = threading.Lock()  # the GUI process reads previews in threads


def stat_key(path: str | Path) -> tuple | None:
    """The file's real path, device, inode, size, modification and change times (None
    when it cannot be read): any write to the file changes it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
            st.st_ctime_ns)


def _remember(key: tuple, sha256: str) -> None:
    with _HASHES_LOCK:
        _HASHES[key] = sha256
        while len(_HASHES) > _HASHES_KEPT:
            _HASHES.pop(next(iter(_HASHES)))


def _signature_kind(head: bytes) -> str | None:
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            return kind
    return None


def _read_excel(path: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """First sheet; first non-empty row is the header; empty rows and nameless empty columns go."""
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = book.sheet_names
            raw = pd.read_excel(book, sheet_name=0, header=None)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(text("data.bad_excel", name=path.name, reason=reason)) from exc
    notes: list[str] = []
    if len(sheets) > 1:
        notes.append(text("data.note_first_sheet", count=len(sheets), sheet=sheets[0]))
    raw = raw.dropna(axis=1, how="all")  # columns with neither a name nor a value
    filled = raw.notna().any(axis=1)
    if raw.empty or not filled.any():
        raise DataError(text("data.empty_file", name=path.name))
    first = int(filled.to_numpy().argmax())
    header = raw.iloc[first].tolist()
    body = raw.iloc[first + 1:]
    empty_rows = int((~body.notna().any(axis=1)).sum())
    body = body[body.notna().any(axis=1)]
    if body.empty:
        raise DataError(text("data.header_only", name=path.name))
    if empty_rows:
        notes.append(text("data.note_empty_rows", count=empty_rows))
    names, name_notes = clean_header_names(header)
    notes.extend(name_notes)
    frame = body.reset_index(drop=True)
    frame.columns = names
    return frame.infer_objects(), tuple(notes)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, tuple[str, ...]]:
    import pyarrow  # noqa: F401  (pandas' engine; imported here to fail with a clear message)
    import pyarrow.lib

    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except (pyarrow.lib.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(text("data.bad_parquet", name=path.name, reason=reason)) from exc
    if frame.shape[1] == 0:
        raise DataError(text("data.empty_file", name=path.name))
    if len(frame) == 0:
        raise DataError(text("data.header_only", name=path.name))
    if not isinstance(frame.index, pd.RangeIndex):  # a stored index holds data: keep it
        frame = frame.reset_index()
    names, notes = clean_header_names(list(frame.columns))
    frame = frame.reset_index(drop=True)
    frame.columns = names
    return frame, tuple(notes)
