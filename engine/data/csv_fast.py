"""The fast way to read a big, plain CSV file: pyarrow's multi-threaded reader, one pass
over the bytes that also hashes them, with progress and cancel.

``engine.data.csv_reader.read_csv_file`` tries this first for files of ``FAST_MIN_BYTES`` and
more. It takes only files it reads exactly as the strict reader would: UTF-8 (a byte-order
mark is allowed), no quotation marks, no NUL bytes, no blank lines, at least two columns and
one data row, the same number of values on every line, and values whose types pandas'
C reader would give too. On anything else — or any doubt — it returns None, and the strict
reader reads the file and names what is wrong, line by line.

Why: the strict reader counts the values of every record in Python (about 6 s for a
1M-row x 20-column file here) and pandas then parses the text again; pyarrow parses it once
on every core and releases the GIL while it does, so the window stays smooth when the
preview is read in a thread of the GUI process.

Use:
    read = read_fast(Path("big.csv"), ignore, NEVER)
    read is None or read.frame.shape[0] > 0
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data import csv_dialect as dialect
from engine.core.errors import JobCancelled
from engine.core.jobs import CancelFlag, Progress, ProgressFn
from engine.core.texts import text

FAST_MIN_BYTES = 4 << 20
"""Smaller files take the strict reader: it needs well under a second for them."""

HEAD_BYTES = 320 << 10
"""Bytes read first to find the separator, the decimal mark, the header and the types."""

BLOCK_BYTES = 4 << 20
"""pyarrow's block: the unit it parses on one core, and the unit of progress and cancel."""

PROGRESS_INTERVAL_S = 0.1
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_TRUE = ["True", "TRUE", "true"]      # pandas' C reader's words for booleans
_FALSE = ["False", "FALSE", "false"]
_STOPPERS = (b'"', b"\x00")  # quoting, binary
_HEX = (b"0x", b"0X")  # pyarrow reads 0x1F as 31; pandas keeps it as text
_LARGEST_INT = float(2**63)  # pandas reads bigger integers as uint64 or text, pyarrow as float


class _CountingReader:
    """A read-only file for pyarrow that hashes and counts the bytes it hands out, reports
    progress, and ends the stream early (returns b"") on cancel or on a byte sequence the
    fast path does not take; ``reason`` then says why."""

    def __init__(self, fh, total: int, on_bytes, cancel: CancelFlag, skip: int = 0) -> None:
        self.fh = fh
        self.skip = skip  # the header line: quotation marks are allowed there
        self.total = total
        self.on_bytes = on_bytes
        self.cancel = cancel
        self.sha = hashlib.sha256()
        self.done = 0
        self.reason: str | None = None
        self.hex = False
        self.closed = False
        self._edge = b""
        self._last = 0.0

    def read(self, size: int = -1) -> bytes:
        # Never raise into pyarrow (an exception in its reading thread can abort the process).
        if self.reason is not None:
            return b""
        if self.cancel.is_set():
            self.reason = "cancelled"
            return b""
        try:
            chunk = self.fh.read(size)
        except OSError as exc:
            self.reason = f"read: {exc}"
            return b""
        body = chunk[self.skip - self.done:] if self.done < self.skip else chunk
        if any(s in body for s in _STOPPERS):
            self.reason = "not plain"
            return b""
        if not self.hex and (b"x" in chunk or b"X" in chunk or b"0" in self._edge):
            edge = self._edge + chunk[:1]  # a "0x" across two chunks
            self.hex = any(h in chunk or h in edge for h in _HEX)
        self._edge = chunk[-1:]
        self.sha.update(chunk)
        self.done += len(chunk)
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or self.done >= self.total:
            self._last = now
            self.on_bytes(self.done, self.total)
        return chunk

    def close(self) -> None:
        self.closed = True


def read_fast(path: Path, progress: ProgressFn, cancel: CancelFlag):
    """The file as a ``CsvRead``, or None when the strict reader must read it.

    Raises:
        JobCancelled: ``cancel`` was set while reading.
    """
    try:
        size = path.stat().st_size
        if size < FAST_MIN_BYTES:
            return None
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    layout = _layout(head)
    if layout is None:
        return None
    delimiter, decimal, names, notes, header_end = layout
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    options = _options(pa, pcsv, delimiter, decimal, names)
    forced = _text_columns(pa, pcsv, head, options)
    if forced is None:
        return None
    options[2].column_types = {name: pa.string() for name in forced}

    words = text("big_data.reading", name=path.name)

    def on_bytes(done: int, total: int) -> None:
        progress(Progress(round(done / 1e6, 1), round(total / 1e6, 1), words))

    progress(Progress(0, round(size / 1e6, 1), words))
    with open(path, "rb") as fh:
        reader = _CountingReader(fh, size, on_bytes, cancel, skip=header_end)
        try:
            table = pcsv.read_csv(pa.PythonFile(reader, mode="r"), *options,
                                  memory_pool=_returning_pool(pa))
        except pa.ArrowMemoryError as exc:  # the strict reader would need even more
            raise MemoryError(str(exc)) from exc
        except (pa.ArrowException, ValueError, OSError):
            table = None
    if reader.reason == "cancelled" or cancel.is_set():
        raise JobCancelled("reading cancelled")
    if table is None or reader.reason is not None or reader.done != size:
        return None
    frame = _to_pandas(pa, table, reader.hex)
    if frame is None:
        return None
    return dialect.CsvRead(frame=frame, encoding="utf-8-sig" if head.startswith(_UTF8_BOM)
                          else "utf-8", delimiter=delimiter, decimal=decimal,
                          notes=tuple(notes), sha256=reader.sha.hexdigest())


def _returning_pool(pa):
    """pyarrow's jemalloc pool, set to give freed memory back at once: the table's columns
    are freed one by one as they become pandas columns, which keeps the peak near 2x the
    data instead of 3x (mimalloc, the default, keeps them); None where pyarrow was built
    without jemalloc (the default pool then)."""
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, pa.ArrowException):
        return None
    return pool


def _layout(head: bytes):
    """(separator, decimal mark, column names, notes, end of the header line in bytes) from
    the first bytes, as the strict reader finds them; None when the fast path does not take
    the file. Only the header may hold quotation marks (many programs quote the names)."""
    header_end = head.find(b"\n") + 1
    if (not header_end or head.startswith(_OTHER_BOMS) or b"\x00" in head
            or any(s in head[header_end:] for s in _STOPPERS)):
        return None
    body = head[len(_UTF8_BOM):] if head.startswith(_UTF8_BOM) else head
    cut = body.rfind(b"\n")
    try:
        sample = body[:cut + 1].decode("utf-8")
    except UnicodeDecodeError:
        return None
    # The strict reader sniffs the first SAMPLE_BYTES characters of a longer text: so here.
    if len(sample) <= dialect.SAMPLE_BYTES or sample[0] in "\r\n":
        return None
    window = sample[:dialect.SAMPLE_BYTES]
    if dialect.CONTROL_CHARS.search(window):
        return None
    delimiter = dialect.sniff_delimiter(sample)
    records = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(records)
    except csv.Error:
        return None
    if records.line_num != 1 or len(header) < 2 or dialect.is_blank(header):
        return None  # a name with a line break in it, or not a table
    notes = []
    if delimiter != ",":
        # text keys: data.delimiter_{comma,pipe,semicolon,tab}
        label = text(f"data.delimiter_{dialect.DELIMITER_NAMES[delimiter]}")
        notes.append(text("data.note_delimiter", delimiter=label))
    names, name_notes = dialect.clean_header_names(header)
    notes.extend(name_notes)
    decimal = dialect.detect_decimal(sample, delimiter)
    if decimal == ",":
        notes.append(text("data.note_decimal_comma"))
    return delimiter, decimal, names, notes, header_end


def _options(pa, pcsv, delimiter: str, decimal: str, names: list[str]) -> list:
    from pandas._libs.parsers import STR_NA_VALUES  # the C reader's words for "missing"

    return [
        pcsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK_BYTES,
                         use_threads=True),
        pcsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
        pcsv.ConvertOptions(null_values=sorted(STR_NA_VALUES), strings_can_be_null=True,
                            true_values=_TRUE, false_values=_FALSE, timestamp_parsers=[],
                            decimal_point=decimal, check_utf8=True),
    ]


def _text_columns(pa, pcsv, head: bytes, options) -> list[str] | None:
    """Columns pyarrow would read as dates or times (pandas keeps them as text), judged on
    the first bytes; None when those do not parse."""
    cut = head.rfind(b"\n")
    try:
        table = pcsv.read_csv(io.BytesIO(head[:cut + 1]), *options)
    except (pa.ArrowException, ValueError):
        return None
    return [f.name for f in table.schema if not _plain_type(pa, f.type)]


def _plain_type(pa, kind) -> bool:
    t = pa.types
    return (t.is_int64(kind) or t.is_float64(kind) or t.is_boolean(kind) or t.is_null(kind)
            or t.is_string(kind) or t.is_large_string(kind))


def _blank_lines(pc, table) -> bool:
    """Whether some row has no value at all: pyarrow's reading of a blank line (which the
    strict reader skips and counts; it cannot tell one from a line of bare separators)."""
    if not all(column.null_count for column in table.columns):
        return False  # a blank line leaves a gap in every column
    empty = pc.is_null(table.column(0))
    for column in table.columns[1:]:
        empty = pc.and_(empty, pc.is_null(column))
    return bool(pc.any(empty).as_py())


def _too_big(pc, column) -> bool:
    """Whether some finite value of the float ``column`` is at least 2**63 in size. One
    pass (``min_max``, which skips gaps and NaN) when both ends are finite: the largest size
    is then at an end. Otherwise (an infinity at an end) the sizes of the finite values."""
    ends = pc.min_max(column)
    low, high = ends["min"].as_py(), ends["max"].as_py()
    if low is not None and math.isfinite(low) and math.isfinite(high):
        return max(-low, high) >= _LARGEST_INT
    size = pc.abs(column)
    top = pc.max(pc.if_else(pc.is_finite(size), size, 0.0)).as_py()
    return top is not None and top >= _LARGEST_INT


def _to_pandas(pa, table, saw_hex: bool) -> pd.DataFrame | None:
    """The frame pandas' C reader would have made; None where they could differ."""
    import pyarrow.compute as pc

    if table.num_rows == 0 or _blank_lines(pc, table):
        return None
    nulls, maybe_bools = [], []
    for field in table.schema:
        kind = field.type
        if not _plain_type(pa, kind) or (saw_hex and pa.types.is_int64(kind)):
            return None
        if pa.types.is_float64(kind):
            if _too_big(pc, table.column(field.name)):
                return None  # maybe a whole number pandas keeps exactly: let it read it
        elif pa.types.is_null(kind):
            nulls.append(field.name)
        elif pa.types.is_boolean(kind) and table.column(field.name).null_count:
            maybe_bools.append(field.name)
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    for name in nulls:  # an empty column: pandas makes it numbers that are all missing
        frame[name] = np.full(len(frame), np.nan)
    for name in maybe_bools:  # booleans with gaps: pandas keeps objects, gaps as NaN
        frame[name] = frame[name].astype(object).where(frame[name].notna(), np.nan)
    return frame
