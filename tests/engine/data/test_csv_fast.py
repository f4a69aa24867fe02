"""The fast CSV path (engine/data/csv_fast.py) reads exactly what the strict reader reads.

Every file here is read twice through ``read_csv_file``: with the fast path allowed (its size
threshold at 0, blocks of 64 KB so a file spans several) and with the strict reader only.
The frames, the detected encoding, separator and decimal mark, the notes and the hash must
be the same; a file the strict reader refuses must be refused with the same line. Plain
files must really take the fast path (else this test would compare the strict reader with
itself); files with something odd late in them — past the first bytes the fast path looks
at — must fall back.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest

from engine.data import csv_fast
from engine.data.csv_reader import read_csv_file
from engine.core.errors import DataError, JobCancelled
from engine.core.jobs import NEVER, CancelToken, Progress, ignore
from engine.data.tabular import file_fingerprint, read_table

ROWS = 4000


def base_frame(rows: int = ROWS) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "age": rng.normal(40, 12, rows).round(2),
        "visits": rng.integers(0, 50, rows),
        "city": rng.choice(["Lyon", "Graz", "Turin", "Évora"], rows),
        "member": rng.choice([True, False], rows),
        "score": rng.normal(size=rows) * 1e-3,
        "label": rng.choice(["yes", "no"], rows),
    })
    frame.loc[rng.choice(rows, 40, replace=False), "age"] = np.nan
    frame.loc[rng.choice(rows, 25, replace=False), "city"] = np.nan
    return frame


def plain_text(frame: pd.DataFrame, sep: str = ",", decimal: str = ".") -> str:
    return frame.to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\n")


@pytest.fixture
def fast_everywhere(monkeypatch):
    monkeypatch.setattr(csv_fast, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(csv_fast, "BLOCK_BYTES", 64 << 10)


def strict_read(path, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(csv_fast, "FAST_MIN_BYTES", 1 << 60)
        return _outcome(path)


def _outcome(path):
    try:
        read = read_csv_file(path)
    except DataError as exc:
        return str(exc)
    return read


def assert_same(fast, strict) -> None:
    if isinstance(strict, str) or isinstance(fast, str):
        assert fast == strict
        return
    pd.testing.assert_frame_equal(fast.frame, strict.frame, check_exact=False, rtol=1e-15)
    assert (fast.encoding, fast.delimiter, fast.decimal, fast.notes, fast.sha256) == \
        (strict.encoding, strict.delimiter, strict.decimal, strict.notes, strict.sha256)


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


TAKEN = {
    "plain": lambda: plain_text(base_frame()),
    "crlf": lambda: plain_text(base_frame()).replace("\n", "\r\n"),
    "bom": lambda: "\ufeff" + plain_text(base_frame()),
    "semicolon_decimal_comma": lambda: plain_text(base_frame(), ";", ","),
    "tabs": lambda: plain_text(base_frame(), "\t"),
    "quoted_header": lambda: '"age","visits","city","member","score","label"\n'
    + plain_text(base_frame()).split("\n", 1)[1],
    "odd_names": lambda: " age ,,age,member,score,label\n"
    + plain_text(base_frame()).split("\n", 1)[1],
    "no_final_newline": lambda: plain_text(base_frame()).rstrip("\n"),
    "all_empty_column": lambda: plain_text(base_frame().assign(empty="")),
    "bool_with_gaps": lambda: plain_text(base_frame().assign(
        flag=np.where(np.arange(ROWS) % 7 == 0, None, np.arange(ROWS) % 2 == 0))),
    "words_for_missing": lambda: plain_text(base_frame()).replace(",no\n", ",NA\n", 30),
    "dates_and_times": lambda: plain_text(base_frame().assign(
        day=pd.date_range("2024-01-01", periods=ROWS).strftime("%Y-%m-%d"),
        clock=[f"{h % 24:02d}:{h % 60:02d}" for h in range(ROWS)])),
    "date_only_late": lambda: plain_text(base_frame().assign(
        when=[""] * (ROWS - 1) + ["2024-01-02"])),
    "infinities": lambda: plain_text(base_frame().assign(
        ratio=np.where(np.arange(ROWS) % 50 == 0, np.inf, np.arange(ROWS) / 7))),
}


@pytest.mark.parametrize("case", sorted(TAKEN))
def test_plain_files_take_the_fast_path_and_read_the_same(tmp_path, monkeypatch,
                                                           fast_everywhere, case):
    path = write(tmp_path, f"{case}.csv", TAKEN[case]())
    assert csv_fast.read_fast(path, ignore, NEVER) is not None
    assert_same(_outcome(path), strict_read(path, monkeypatch))


def _late(text: str, bad: str) -> str:
    """``text`` with ``bad`` put on a line near the end (past the first bytes read)."""
    lines = text.split("\n")
    lines.insert(len(lines) - 5, bad)
    return "\n".join(lines)


FALLS_BACK = {
    "ragged_line_late": lambda t: _late(t, "1,2,3"),
    "two_ragged_lines_late": lambda t: _late(_late(t, "1,2"), "1,2,3,4,5,6,7,8"),
    "quote_late": lambda t: _late(t, '1.5,2,"Lyon, France",True,0.1,yes'),
    "unclosed_quote_late": lambda t: _late(t, '1.5,2,"Lyon,True,0.1,yes'),
    "blank_line_late": lambda t: _late(t, ""),
    "blank_lines_at_end": lambda t: t + "\n\n",
    "spaces_line_late": lambda t: _late(t, "   "),
    "hex_late": lambda t: _late(t, "0x1F,3,Lyon,True,0.1,yes"),
    "huge_integer_late": lambda t: _late(t, "1,12345678901234567890,Lyon,True,0.1,yes"),
}


@pytest.mark.parametrize("case", sorted(FALLS_BACK))
def test_odd_files_fall_back_and_read_or_fail_as_the_strict_reader_says(
        tmp_path, monkeypatch, fast_everywhere, case):
    path = write(tmp_path, f"{case}.csv", FALLS_BACK[case](plain_text(base_frame())))
    strict = strict_read(path, monkeypatch)
    fast = _outcome(path)
    assert_same(fast, strict)
    if not isinstance(strict, str):
        assert csv_fast.read_fast(path, ignore, NEVER) is None, "should have fallen back"


@pytest.mark.parametrize("bad", [b"caf\xe9", b"a\x00b"])
def test_bytes_that_are_not_utf8_text_late_in_a_file_fall_back(tmp_path, monkeypatch,
                                                              fast_everywhere, bad):
    text = plain_text(base_frame()).encode()
    cut = len(text) - 200
    path = write(tmp_path, "odd_bytes.csv", text[:cut] + bad + text[cut:])
    assert csv_fast.read_fast(path, ignore, NEVER) is None
    assert_same(_outcome(path), strict_read(path, monkeypatch))


def test_the_corpus_of_malformed_files_reads_as_before(monkeypatch, fast_everywhere):
    from tests.engine.data.test_csv_reader import MALFORMED

    for path in sorted(MALFORMED.glob("*.csv")) + sorted(MALFORMED.glob("*.tsv")):
        assert_same(_outcome(path), strict_read(path, monkeypatch)), path.name


def test_a_big_read_reports_its_bytes_and_stops_on_cancel(tmp_path, fast_everywhere):
    path = write(tmp_path, "big.csv", plain_text(base_frame(12_000)))
    events: list[Progress] = []
    read = read_csv_file(path, events.append)
    assert len(events) >= 3 and events[0].done == 0
    assert events[-1].done == events[-1].total == round(path.stat().st_size / 1e6, 1)
    assert all("big.csv" in e.text for e in events)
    assert read.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    token = CancelToken()

    def cancel_after_first_chunk(event) -> None:
        if event.done > 0:
            token.cancel()

    with pytest.raises(JobCancelled):
        read_csv_file(path, cancel_after_first_chunk, token)


def test_the_fingerprint_of_a_file_just_read_is_the_hash_taken_while_reading(tmp_path,
                                                                            fast_everywhere):
    path = write(tmp_path, "data.csv", plain_text(base_frame()))
    read_table(path)
    assert file_fingerprint(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(plain_text(base_frame(ROWS - 1)), encoding="utf-8")  # changed underneath
    assert file_fingerprint(path) == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("values", [
    [1.0, -2.5, None, float("nan")],
    [float(2**63), 1.0],
    [-float(2**63), 1.0],
    [float("inf"), 1.0, float(2**63)],
    [float("-inf"), float("inf"), 3.0],
    [float("inf"), -float(2**64), None],
    [float("nan"), None],
    [None, None],
    [float("inf"), float("-inf")],
    [9.2e18, -9.2e18, float("nan")],
])
def test_too_big_matches_the_straightforward_test(values):
    import pyarrow as pa
    import pyarrow.compute as pc

    from engine.data.csv_fast import _LARGEST_INT, _too_big

    column = pa.chunked_array([pa.array(values[:2], pa.float64()),
                               pa.array(values[2:], pa.float64())])
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    assert _too_big(pc, column) == (bool(finite) and max(finite) >= _LARGEST_INT)
