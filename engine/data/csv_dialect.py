r"""What a delimited text file looks like: its separator, decimal mark and header names.

Shared by the strict reader (``csv_reader``) and the fast pyarrow path (``csv_fast``), so
both guess a file's layout the same way and neither reaches into the other's private names.

Example:
    >>> sniff_delimiter("a;b;c\n1;2;3\n")
    ';'
    >>> detect_decimal("a;b\n1,5;2,25\n", ";")
    ','
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from engine.core.texts import text

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 100
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*$")
_DECIMAL_POINT = re.compile(r"^\s*[-+]?\d*\.\d+(?:[eE][-+]?\d+)?\s*$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, eq=False)
class CsvRead:
    """A text table read from disk, with what was detected and plain remarks for the user."""

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    decimal: str
    notes: tuple[str, ...]
    sha256: str = ""  # of the file's bytes, as read


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
            if not is_blank(row):
                records.append(row)
            if len(records) > SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    if truncated and len(records) > 1:
        records.pop()  # the sample may end in the middle of a record
    return records[:SAMPLE_RECORDS]


def is_blank(row: list[str]) -> bool:
    """Blank the way pandas skips it: no field, or one field made only of spaces."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip())


def detect_decimal(content: str, delimiter: str) -> str:
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
