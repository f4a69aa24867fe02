"""Read a delimited text table (CSV, TSV, ...) strictly and tell the user what was guessed.

The reader finds the text encoding, the separator and the decimal mark, then counts the
values of every record itself (pandas would silently pad short lines), and only then lets
pandas parse the table. Anything wrong becomes a one-line ``DataError`` naming the line.

Use:
    read = read_csv_file("measurements.csv")
    read.delimiter, read.decimal, read.frame.shape
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from pathlib import Path

import charset_normalizer
import pandas as pd

from engine.data.csv_dialect import (CONTROL_CHARS, DELIMITER_NAMES, SAMPLE_BYTES, CsvRead,
                                 clean_header_names, detect_decimal, is_blank,
                                 sniff_delimiter)
from engine.data.csv_fast import read_fast
from engine.core.errors import DataError, JobCancelled
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.core.texts import text

FIELD_SIZE_LIMIT = 2**31 - 1  # a C long on every platform; fields of many MB must load

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", None),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_FRIENDLY = {"cp1252": "Windows-1252 (Western European)", "latin_1": "Latin-1"}
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*\n?")
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")




def read_csv_file(path: str | Path, progress: ProgressFn = ignore,
                  cancel: CancelFlag = NEVER) -> CsvRead:
    """Read a delimited text file into a DataFrame, refusing anything ambiguous.

    Big plain files are read by ``engine.data.csv_fast`` (pyarrow, one pass, progress and cancel);
    everything else, and every file it declines, by the strict reader below.

    Args:
        path: the file to read.
        progress, cancel: ``Progress`` while a big file is read; stop request in.

    Returns:
        A ``CsvRead`` with the frame, the encoding, separator and decimal mark used, and notes.

    Raises:
        DataError: the file is empty, binary, has only a header, an unclosed quotation mark,
            or a record whose number of values differs from the header's.
        JobCancelled: ``cancel`` was set.
    """
    path = Path(path)
    fast = read_fast(path, progress, cancel)
    if fast is not None:
        return fast
    if cancel.is_set():
        raise JobCancelled("reading cancelled")
    name = path.name
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(text("bad_input.blank_file" if raw else "data.empty_file", name=name))
    content, encoding, notes = decode_text(raw, name)
    if not content.strip():
        raise DataError(text("bad_input.blank_file" if content else "data.empty_file",
                             name=name))
    if len(CONTROL_CHARS.findall(content[:SAMPLE_BYTES])) > 0.02 * min(len(content), SAMPLE_BYTES):
        raise DataError(text("data.not_text", name=name))

    csv.field_size_limit(FIELD_SIZE_LIMIT)
    delimiter = sniff_delimiter(content)
    if delimiter != ",":
        # text keys: data.delimiter_{comma,pipe,semicolon,tab}
        label = text(f"data.delimiter_{DELIMITER_NAMES[delimiter]}")
        notes.append(text("data.note_delimiter", delimiter=label))

    header, blank = _validate_records(content, delimiter, name)
    names, name_notes = clean_header_names(header)
    notes.extend(name_notes)
    decimal = detect_decimal(content, delimiter)
    if decimal == ",":
        notes.append(text("data.note_decimal_comma"))
    if blank:
        notes.append(text("data.note_blank_lines", count=blank))

    try:
        frame = pd.read_csv(
            io.StringIO(content), sep=delimiter, decimal=decimal, quotechar='"',
            header=0, names=names, index_col=False, skip_blank_lines=True,
            engine="c", low_memory=False,
        )
    except (ValueError, pd.errors.ParserError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(text("data.pandas_failed", name=name, reason=reason)) from exc
    return CsvRead(frame=frame, encoding=encoding, delimiter=delimiter, decimal=decimal,
                   notes=tuple(notes), sha256=hashlib.sha256(raw).hexdigest())


def decode_text(raw: bytes, name: str = "the file") -> tuple[str, str, list[str]]:
    """Decode ``raw`` bytes: BOM, then strict UTF-8, then a guess, then Latin-1.

    Returns:
        The text, the Python codec name used, and notes for the user (empty for UTF-8).

    Raises:
        DataError: the bytes look binary (NUL bytes without a UTF-16/32 byte-order mark).
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                content = raw.decode(codec)
            except UnicodeDecodeError:
                raise DataError(text("data.not_text", name=name)) from None
            notes = [text("data.note_utf16", encoding=label)] if label else []
            return content.lstrip("\ufeff"), codec, notes
    head = raw[:SAMPLE_BYTES]
    if b"\x00" in head:
        codec = _bomless_utf16(head)
        if codec is None:
            raise DataError(text("data.not_text", name=name))
        try:
            return raw.decode(codec), codec, [text("data.note_utf16", encoding="UTF-16")]
        except UnicodeDecodeError:
            raise DataError(text("data.not_text", name=name)) from None
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    sample = _non_ascii_sample(raw)
    if _mostly_utf8(sample):  # a few broken bytes in a UTF-8 file: keep the rest readable
        content = raw.decode("utf-8", errors="replace")
        broken = content.count("\ufffd") - raw.count("\ufffd".encode())
        return content, "utf-8", [text("data.note_utf8_replaced", count=broken)]
    codec = _guess_legacy_encoding(sample)
    try:
        content = raw.decode(codec)
    except (UnicodeDecodeError, LookupError):
        codec, content = "latin_1", raw.decode("latin_1")
    label = _FRIENDLY.get(codec, codec.replace("_", "-").upper())
    return content, codec, [text("data.note_encoding", encoding=label)]


def _bomless_utf16(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one parity only (ASCII in UTF-16)."""
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _non_ascii_sample(raw: bytes) -> bytes:
    """Up to ``SAMPLE_BYTES`` of the lines that hold non-ASCII bytes (wherever they are)."""
    sample = bytearray()
    for match in _NON_ASCII_LINE.finditer(raw):
        sample += match.group(0)
        if len(sample) >= SAMPLE_BYTES:
            break
    return bytes(sample)


def _mostly_utf8(sample: bytes) -> bool:
    """At least 4 valid non-ASCII UTF-8 characters for each broken byte sequence."""
    decoded = sample.decode("utf-8", errors="replace")
    broken = decoded.count("\ufffd")
    return len(_NON_ASCII_CHAR.findall(decoded)) - broken >= 4 * broken


def _guess_legacy_encoding(sample: bytes) -> str:
    """charset-normalizer's guess for the non-ASCII lines; Windows-1252 wins a tie."""
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return "latin_1"
    best = matches[0]
    for match in matches:  # short samples often tie; the commonest legacy code page wins
        if match.chaos <= best.chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return best.encoding












def _validate_records(content: str, delimiter: str, name: str) -> tuple[list[str], int]:
    """Count the values of every record; return the header and the number of blank lines.

    A fast pass only counts record lengths; the line-by-line pass runs when anything is off
    and raises DataError naming the line: an unclosed or stray quotation mark, a record whose
    number of values differs from the header's (the first one, and how many), no data rows.
    """
    reader = _reader(content, delimiter)
    try:
        header, skipped = None, 0
        for row in reader:
            if not is_blank(row):
                header = row
                break
            skipped += 1
        lengths = Counter(map(len, reader))
    except csv.Error:
        header = None
    if header is not None and len(header) > 1 and set(lengths) <= {0, len(header)}:
        if not lengths[len(header)]:
            raise DataError(text("data.header_only", name=name))
        return header, skipped + lengths[0]

    reader = _reader(content, delimiter)
    header, header_line, blank, bad, first_bad, previous_line = None, 0, 0, 0, (0, 0), 0
    data = 0
    while True:
        start = previous_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            key = ("data.unclosed_quote" if "end of data" in str(exc) else
                   "data.stray_quote" if "expected after" in str(exc) else "data.pandas_failed")
            raise DataError(text(key, line=start, name=name, reason=exc)) from None
        previous_line = reader.line_num
        if is_blank(row):
            blank += 1
        elif header is None:
            header, header_line = row, start
        else:
            data += 1
            if len(row) != len(header):
                bad += 1
                first_bad = first_bad if bad > 1 else (start, len(row))
    if header is None:
        raise DataError(text("data.empty_file", name=name))
    if bad:
        raise DataError(text("data.ragged_one" if bad == 1 else "data.ragged_many",
                             line=first_bad[0], found=first_bad[1], expected=len(header),
                             header_line=header_line, count=bad, name=name))
    if not data:
        raise DataError(text("data.header_only", name=name))
    return header, blank


def _reader(content: str, delimiter: str):
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)






