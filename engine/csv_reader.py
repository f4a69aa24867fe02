"""Read a delimited text table (CSV, TSV, ...) strictly and tell the user what was guessed.

The reader finds the text encoding, the separator and the decimal mark, then counts the
values of every record itself (pandas would silently pad short lines), and only then lets
pandas parse the table. Anything wrong becomes a one-line ``DataError`` naming the line.

Example:
    >>> read = read_csv_file("measurements.csv")
    >>> read.delimiter, read.decimal, read.frame.shape
    (';', ',', (120, 5))
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pandas as pd

from engine.errors import DataError, JobCancelled
from engine.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.texts import text

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 100
FIELD_SIZE_LIMIT = 2**31 - 1  # a C long on every platform; fields of many MB must load

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", None),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_FRIENDLY = {"cp1252": "Windows-1252 (Western European)", "latin_1": "Latin-1"}
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$")
_DECIMAL_POINT = re.compile(r"^\s*[-+]?\d*\.\d+(?:[eE][-+]?\d+)?\s*$")
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*\n?")
_NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, eq=False)
class CsvRead:
    """A text table read from disk, with what was detected and plain remarks for the user."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    decimal: str
    notes: tuple[str, ...]
    sha256: str = ""  # of the file's bytes, as read


def read_csv_file(path: str | Path, progress: ProgressFn = ignore,
                  cancel: CancelFlag = NEVER) -> CsvRead:
    """Read a delimited text file into a DataFrame, refusing anything ambiguous.

    Big plain files are read by ``engine.csv_fast`` (pyarrow, one pass, progress and cancel);
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
    from engine.csv_fast import read_fast

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
    if len(_CONTROL.findall(content[:SAMPLE_BYTES])) > 0.02 * min(len(content), SAMPLE_BYTES):
        raise DataError(text("data.not_text", name=name))

    csv.field_size_limit(FIELD_SIZE_LIMIT)
    delimiter = sniff_delimiter(content)
    if delimiter != ",":
        label = text(f"data.delimiter_{_DELIMITER_NAMES[delimiter]}")
        notes.append(text("data.note_delimiter", delimiter=label))

    header, blank = _validate_records(content, delimiter, name)
    names, name_notes = clean_header_names(header)
    notes.extend(name_notes)
    decimal = _detect_decimal(content, delimiter)
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


def sniff_delimiter(content: str) -> str:
    """The separator among ``CANDIDATE_DELIMITERS``: csv.Sniffer if it is consistent, else the
    one giving the most consistent number of values (> 1) per record; ',' for one column."""
    sample = content[:SAMPLE_BYTES]
    truncated = len(content) > len(sample)
    scores = {d: _consistency(sample, d, truncated) for d in CANDIDATE_DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample[:16384], delimiters="".join(CANDIDATE_DELIMITERS))
        choice = sniffed.delimiter
        if choice in scores and scores[choice][0] == 1.0 and scores[choice][2] > 1:
            return choice
    except csv.Error:
        pass
    usable = {d: s for d, s in scores.items() if s[2] > 1}
    if not usable:
        return ","
    return max(usable, key=lambda d: usable[d])


def _consistency(sample: str, delimiter: str, truncated: bool) -> tuple[float, bool, int]:
    """(share of records with the most common count, header has that count, that count)."""
    counts = [len(r) for r in _sample_records(sample, delimiter, truncated)]
    if not counts:
        return 0.0, False, 0
    mode, hits = Counter(counts).most_common(1)[0]
    return hits / len(counts), counts[0] == mode, mode


def _sample_records(sample: str, delimiter: str, truncated: bool) -> list[list[str]]:
    records: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
            if not _is_blank(row):
                records.append(row)
            if len(records) > SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    if truncated and len(records) > 1:
        records.pop()  # the sample may end in the middle of a record
    return records[:SAMPLE_RECORDS]


def _is_blank(row: list[str]) -> bool:
    """Blank the way pandas skips it: no field, or one field made only of spaces."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip())


def _detect_decimal(content: str, delimiter: str) -> str:
    """',' when the separator is not a comma and numbers like 3,14 outnumber numbers like 3.14."""
    if delimiter == ",":
        return "."
    records = _sample_records(content[:SAMPLE_BYTES], delimiter, len(content) > SAMPLE_BYTES)
    commas = points = 0
    for row in records[1:]:
        for field in row:
            commas += bool(_DECIMAL_COMMA.match(field))
            points += bool(_DECIMAL_POINT.match(field))
    return "," if commas and commas >= points else "."


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
            if not _is_blank(row):
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
        if _is_blank(row):
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


def clean_header_names(raw_names: list[object]) -> tuple[list[str], list[str]]:
    """Strip the names, call unnamed columns ``column_<n>`` and make repeated names unique.

    Returns:
        The new names (same length) and one note per renamed column.
    """
    stripped = [_name_text(n) for n in raw_names]
    taken = {n for n in stripped if n}
    seen: set[str] = set()
    names: list[str] = []
    notes: list[str] = []
    for position, original in enumerate(stripped, start=1):
        if not original:
            new = _free_name(f"column_{position}", taken)
            notes.append(text("data.note_unnamed_column", position=position, name=new))
        elif original in seen:
            new = _free_name(f"{original}_{position}", taken)
            notes.append(text("data.note_duplicate_column", original=original,
                              position=position, name=new))
        else:
            new = original
        seen.add(original)
        taken.add(new)
        names.append(new)
    return names, notes


def _name_text(value: object) -> str:
    """A header cell as text: '' when missing; 2.0 from a spreadsheet becomes '2'."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("\ufeff").strip()


def _free_name(candidate: str, taken: set[str]) -> str:
    name, suffix = candidate, 2
    while name in taken:
        name, suffix = f"{candidate}_{suffix}", suffix + 1
    return name
