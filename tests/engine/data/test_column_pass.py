"""The one pass over the columns (engine/data/column_pass.py) gives exactly what the
straightforward computation gives, on one thread and on several."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.data import column_pass
from engine.data.column_pass import column_stats, each_column, row_hashes
from engine.data.findings import check_frame
from engine.data.summary import column_kind, summarize


def odd_frame(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({
        "x": rng.normal(size=rows).round(1),
        "n": rng.integers(0, 5, rows),
        "id": np.arange(rows),
        "same": np.full(rows, 7.0),
        "empty": np.full(rows, np.nan),
        "zeros": rng.choice([0.0, -0.0, np.nan], rows),
        "city": pd.array(rng.choice(["a", "b", None], rows), dtype="string"),
        "obj": rng.choice(np.array(["u", "v", None], dtype=object), rows),
        "flag": rng.choice([True, False], rows),
        "code": [f"c{i}" for i in range(rows)],
        "label": rng.choice(["yes", "no"], rows),
        "int_same": np.full(rows, 3),
        "int_gap": np.where(np.arange(rows) == 4, np.nan, 3.0),
        "nullable": pd.array(np.where(np.arange(rows) % 7 == 0, None, 2), dtype="Int64"),
        "neg_zero": np.where(np.arange(rows) % 2 == 0, 0.0, -0.0),
        "small": rng.integers(0, 2, rows).astype(np.uint8),
    })
    frame.loc[5, "x"] = np.inf
    frame.loc[rows - 1] = frame.loc[0]  # one copy
    return frame


@pytest.fixture(params=["one thread", "threads"])
def threads(request, monkeypatch):
    if request.param == "threads":
        monkeypatch.setattr(column_pass, "PARALLEL_MIN_ROWS", 0)
        monkeypatch.setattr(column_pass.os, "cpu_count", lambda: 4)
        monkeypatch.setattr(column_pass.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    return request.param


def test_column_stats_are_the_straightforward_counts(threads):
    frame = odd_frame()
    stats = column_stats(frame)
    assert list(stats) == list(frame.columns)
    for name in frame.columns:
        series = frame[name]
        assert stats[name].missing == int(series.isna().sum())
        assert stats[name].unique == int(series.nunique(dropna=True))
        assert stats[name].kind == column_kind(series)
    assert [stats[c].kind for c in ("same", "empty", "int_same", "int_gap", "neg_zero")] \
        == ["constant", "empty", "constant", "number", "constant"]


def test_summary_and_checks_with_the_pass_equal_those_without(threads):
    frame = odd_frame()
    stats = column_stats(frame)
    assert summarize(frame, "label", stats) == summarize(frame, "label")
    assert check_frame(frame, "label", stats) == check_frame(frame, "label")
    codes = {f.code for f in check_frame(frame, "label", stats)}
    assert {"duplicate_rows", "empty_column", "constant_column", "missing_values",
            "infinite_values"} <= codes
    without_copy = frame.iloc[:-1]  # the copy repeats the ids
    assert "id_column" in {f.code for f in check_frame(without_copy, "label",
                                                       column_stats(without_copy))}


def test_row_hashes_are_the_frames_hashes(threads):
    frame = odd_frame()
    expected = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    got = row_hashes([frame[c] for c in frame.columns], len(frame))
    assert got.dtype == np.uint64
    np.testing.assert_array_equal(got, expected)
    prepared = row_hashes(list(frame.columns), len(frame), prepare=lambda c: frame[c])
    np.testing.assert_array_equal(prepared, expected)
    nothing = pd.util.hash_pandas_object(pd.DataFrame(index=range(4)), index=False)
    np.testing.assert_array_equal(row_hashes([], 4), nothing.to_numpy())


def test_unhashable_cells_are_hashed_as_text_or_refused(threads):
    frame = pd.DataFrame({"a": [[1], [2], [1]], "b": [1, 2, 1]})
    text = pd.util.hash_pandas_object(frame.astype({"a": str}), index=False).to_numpy()
    np.testing.assert_array_equal(row_hashes([frame["a"], frame["b"]], 3), text)
    with pytest.raises(TypeError):
        row_hashes([frame["a"], frame["b"]], 3, as_text=False)
    assert "duplicate_rows" in {f.code for f in check_frame(frame)}


def test_each_column_keeps_the_order_and_raises_the_first_error(threads):
    assert each_column(lambda c: c * 2, range(9), 10) == [c * 2 for c in range(9)]

    def fails(c):
        if c == 3:
            raise ValueError("three")
        return c

    with pytest.raises(ValueError, match="three"):
        each_column(fails, range(6), 10)


@pytest.mark.parametrize("load, free", [(0.0, 4), (1.0, 4), (2.2, 2), (3.5, 1), (9.0, 1)])
def test_threads_only_on_the_cores_other_programs_leave_free(load, free, monkeypatch):
    monkeypatch.setattr(column_pass.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(column_pass.os, "getloadavg", lambda: (load, load, load))
    assert column_pass._free_cores() == free


@pytest.mark.parametrize("few", [0.0, 0.25, 1.0])
@pytest.mark.parametrize("seed", range(4))
def test_copies_counted_from_the_widest_column_first_are_all_copies(few, seed, monkeypatch):
    """Narrowing the rows by the column of most distinct values finds the same copies as
    hashing every row whole (and as pandas' duplicated, zeros of either sign aside)."""
    from engine.data import findings

    monkeypatch.setattr(findings, "FEW_CANDIDATES", few)
    rng = np.random.default_rng(seed)
    rows = 400
    frame = pd.DataFrame({
        "x": rng.normal(size=rows).round(seed),
        "k": rng.integers(0, 3, rows),
        "g": np.where(rng.random(rows) < 0.1, np.nan, rng.integers(0, 2, rows)),
        "t": pd.Series(rng.choice(["a", "b", None], rows), dtype="str"),
        "f": rng.choice([True, False], rows),
    })
    copies = rng.choice(rows, 30)
    frame.iloc[rng.choice(rows, 30)] = frame.iloc[copies].to_numpy()
    frame = frame.astype({"k": int, "f": bool, "t": "str"})
    stats = column_stats(frame)
    narrowed = findings._duplicate_count(frame, stats)
    assert narrowed == findings._duplicate_count(frame) == int(frame.duplicated().sum()) > 0
    zeros = pd.DataFrame({"z": [0.0, -0.0, 0.0, -0.0, 1.0], "w": [1, 1, 1, 1, 2]})
    assert findings._duplicate_count(zeros, column_stats(zeros)) \
        == findings._duplicate_count(zeros)
    mixed = pd.DataFrame({"o": [1, "1", 1], "n": [2.0, 2.0, 2.0]})  # object: the old way
    assert findings._duplicate_count(mixed, column_stats(mixed)) \
        == findings._duplicate_count(mixed) == 1
