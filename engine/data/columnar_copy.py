"""A columnar copy (Arrow) of a project's table, kept beside the project so the file is
parsed once: the split, the checks and every training read take the copy (about a tenth of
the time of parsing the text again). The copy is an Arrow IPC file (pyarrow writes it
in a tenth of the time of Parquet and reads it without decoding) followed by the CRC-32 of
its bytes.

The copy is the whole table as ``engine.data.tabular.read_table`` reads it, never a part of
it (so it holds nothing the user's own file does not). It is trusted only while the source
file is the very file it was made from: its footer records the source's path, device,
inode, size, modification and change times (any write to a file changes its change time,
which no program can set back) and the SHA-256 of the bytes that were parsed. A copy that
does not match, whose bytes fail their CRC-32 (checked on every read) or that fails to
read is ignored and made again from the source, silently. Writes are atomic (a temporary
file beside it, then a rename), so a reader sees the old copy or the new one, never half.

Only frames whose column types come back exactly from Arrow are kept (numbers, booleans
without gaps, text); anything else is read from the source every time, as before.

Use:
    frame = read_kept("big.csv", Path("project/data/cache/main.arrow"))
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pandas as pd

from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.data.tabular import (PARQUET_SUFFIXES, file_fingerprint, known_fingerprint,
                                 read_table, remember_fingerprint, stat_key)

COPY_MIN_BYTES = 1 << 20
"""Smaller files are parsed again each time: that takes well under a tenth of a second."""

COPY_VERSION = 1
_META_KEY = b"practica.copy"
_TRAILER = b"PRACTICA-CRC32"


def read_kept(path: str | Path, copy: Path | None, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER) -> pd.DataFrame:
    """The table at ``path`` (as ``read_table`` reads it), from the copy ``copy`` when that
    was made from this very file; otherwise read from ``path`` and the copy made again.

    Raises:
        DataError: the source cannot be read (as ``read_table``).
        JobCancelled: ``cancel`` was set while the source was read.
    """
    if copy is None:
        return read_table(path, progress, cancel).frame
    before = stat_key(path)
    if before is not None:
        frame = _read_copy(copy, before)
        if frame is not None:
            return frame
    frame = read_table(path, progress, cancel).frame
    if before is not None and stat_key(path) == before and _worth_a_copy(path, before):
        # A text table's bytes were hashed while read; other kinds are hashed now, and
        # kept only if the file is still the one read.
        sha256 = known_fingerprint(path) or file_fingerprint(path)
        if stat_key(path) == before:
            keep_copy(path, frame, copy, sha256)
    return frame


def keep_copy(path: str | Path, frame: pd.DataFrame, copy: Path,
              sha256: str | None = None) -> bool:
    """Write ``frame`` (just read from ``path`` by ``read_table``) as the copy ``copy``.

    Only when the bytes read are known to be the file's bytes now (``read_table`` hashed
    them on the way and the file has not changed since, or the caller checked it and
    gives their ``sha256``), the file is big enough to gain from a copy and not columnar
    already (Parquet), and every column comes back from Arrow as it is. A copy that cannot be
    written (a read-only folder, a full disk) is no error: the source is read instead.

    Returns:
        Whether the copy was written.
    """
    key = stat_key(path)
    sha256 = sha256 or known_fingerprint(path)
    if key is None or sha256 is None or not _worth_a_copy(path, key) or not _keepable(frame):
        return False
    # Imported here to keep pyarrow out of start-up.
    import pyarrow as pa

    from engine.core import atomic
    from engine.core.errors import ProjectError

    meta = {"version": COPY_VERSION, "source": list(key), "sha256": sha256,
            "rows": len(frame), "columns": [str(c) for c in frame.columns],
            "dtypes": [str(t) for t in frame.dtypes]}
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        # Text as pandas keeps it (large strings): read back without a converted copy.
        table = table.cast(pa.schema([
            f.with_type(pa.large_string()) if pa.types.is_string(f.type) else f
            for f in table.schema], metadata=table.schema.metadata)).combine_chunks()
        # One record batch: each column is then one run of the file, taken as it is.
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               _META_KEY: json.dumps(meta).encode()})
        with atomic.atomic_path(copy, suffix=".arrow") as tmp, open(tmp, "wb") as fh:
            summed = _Summed(fh)
            with pa.ipc.new_file(pa.PythonFile(summed, mode="w"), table.schema) as writer:
                writer.write_table(table)
            fh.write(_TRAILER + summed.crc.to_bytes(4, "little"))
    except (ProjectError, OSError, pa.ArrowException, ValueError, TypeError):
        return False
    return True


class _Summed:
    """A file to write that keeps the CRC-32 of what went through it."""

    def __init__(self, fh) -> None:
        self.fh, self.crc, self.closed = fh, 0, False

    def write(self, data) -> int:
        view = memoryview(data)
        self.crc = zlib.crc32(view, self.crc)
        return self.fh.write(view)

    def tell(self) -> int:
        return self.fh.tell()

    def flush(self) -> None:
        self.fh.flush()

    def close(self) -> None:
        self.closed = True  # the trailer comes after the Arrow file

    def writable(self) -> bool:
        return True


def _read_copy(copy: Path, key: tuple) -> pd.DataFrame | None:
    """The copy's frame when it was made from the file whose stat key is ``key`` and its
    bytes are whole (their CRC-32 matches); None otherwise (then it is made again)."""
    if not copy.is_file():
        return None
    # Imported here to keep pyarrow out of start-up.
    import pyarrow as pa

    try:
        # Mapped, not read: the columns are views of the file's pages (no second copy).
        mapped = pa.memory_map(str(copy))
        body = mapped.size() - len(_TRAILER) - 4
        if body <= 0:
            return None
        whole = mapped.read_buffer()
        if whole.slice(body, len(_TRAILER)).to_pybytes() != _TRAILER \
                or zlib.crc32(memoryview(whole.slice(0, body))) \
                != int.from_bytes(whole.slice(body + len(_TRAILER)).to_pybytes(), "little"):
            return None
        reader = pa.ipc.open_file(whole.slice(0, body))
        meta = json.loads((reader.schema.metadata or {}).get(_META_KEY, b"null"))
        if (not isinstance(meta, dict) or meta.get("version") != COPY_VERSION
                or meta.get("source") != json.loads(json.dumps(list(key)))):
            return None
        table = reader.read_all()
        del whole, reader
        if table.num_rows != meta["rows"]:
            return None
        frame = table.to_pandas(split_blocks=True, self_destruct=True)
        del table
    except Exception:  # noqa: BLE001 - any fault in the copy: read the source instead
        return None
    if ([str(c) for c in frame.columns] != meta["columns"]
            or [str(t) for t in frame.dtypes] != meta["dtypes"]
            or not isinstance(frame.index, pd.RangeIndex)):
        return None
    remember_fingerprint(key, meta["sha256"])  # these bytes were hashed when it was made
    return frame


def _worth_a_copy(path: str | Path, key: tuple) -> bool:
    return key[3] >= COPY_MIN_BYTES and Path(path).suffix.lower() not in PARQUET_SUFFIXES


def _keepable(frame: pd.DataFrame) -> bool:
    """Whether every column comes back from Arrow with the same type and values."""
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 \
            or frame.index.step != 1 or not frame.columns.is_unique:
        return False
    for name, dtype in frame.dtypes.items():
        if not isinstance(name, str):
            return False
        if isinstance(dtype, pd.StringDtype):
            continue
        if dtype.kind in "fiub" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            continue
        return False
    return True
