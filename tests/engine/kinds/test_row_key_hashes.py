"""The table row keys (engine/kinds/row_keys.py) are the hashes of the coded columns: the
near keys of a text column, hashed once per distinct text, equal the hashes of the column
made plain row by row, and the keys of a table equal the frame-wide hash of its coded
columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.kinds import row_keys
from engine.kinds.row_keys import _exact, _near, _near_hashes, column_keys


def hashes(series: pd.Series) -> np.ndarray:
    return pd.util.hash_pandas_object(series, index=False).to_numpy(dtype=np.uint64)


@pytest.mark.parametrize("column", [
    pd.Series(["Hello, World", "hello  world!", None, "x", "X.", "x"], dtype="str"),
    pd.Series(["Hello, World", "hello  world!", None, "x"], dtype=object),
    pd.Series(["a", "b", "a"], dtype="string"),
    pd.Series([None, None, None], dtype=object),
    pd.Series(["", "!!", " ", None], dtype=object),
    pd.Series([1, "1", 2.5, None, "two"], dtype=object),
    pd.Series([[1, 2], [1, 2], [3], None], dtype=object),
    pd.Series([True, False, True]),
    pd.Series([1.23456, 1.23499, np.nan, 0.0, -0.0, np.inf]),
])
def test_near_hashes_are_the_hashes_of_the_plain_column(column):
    got = _near_hashes(column)
    if not isinstance(got, np.ndarray):  # numbers: the rounded column, hashed later
        got = hashes(got)
    np.testing.assert_array_equal(got, hashes(_near(column)))


def test_table_keys_are_the_frame_hashes_of_the_coded_columns():
    rng = np.random.default_rng(1)
    rows = 500
    frame = pd.DataFrame({
        "x": rng.normal(size=rows).round(3),
        "n": rng.integers(0, 9, rows),
        "city": pd.Series(rng.choice(["Lyon", "lyon!", "Graz", None], rows), dtype="str"),
        "flag": rng.choice([True, False], rows),
        "label": rng.choice(["a", "b"], rows),
    })
    columns = ["x", "n", "city", "flag"]
    keys = column_keys(frame, columns, "table")
    exact = pd.DataFrame({c: _exact(frame[c]) for c in columns})
    near = pd.DataFrame({c: _near(frame[c]) for c in columns})
    np.testing.assert_array_equal(keys.copy, hashes_of(exact))
    np.testing.assert_array_equal(keys.near, hashes_of(near))


def hashes_of(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)


def straightforward_few(frame: pd.DataFrame, columns: list[str], near: bool) -> bool:
    space = sum(np.log(max(int((_near(frame[c]) if near else _exact(frame[c]))
                               .nunique(dropna=False)), 1)) for c in columns)
    return bool(space <= np.log(len(frame) / (2 * row_keys.CHANCE_REPEATS)))


@pytest.mark.parametrize("first_rows", [5, 40, 10_000])
@pytest.mark.parametrize("near", [False, True])
def test_few_distinct_inputs_looking_at_the_first_rows_first_decides_the_same(
        first_rows, near, monkeypatch):
    monkeypatch.setattr(row_keys, "FIRST_ROWS", first_rows)
    rng = np.random.default_rng(2)
    rows = 400
    frame = pd.DataFrame({
        "yes": rng.choice([True, False], rows),
        "few": rng.integers(0, 3, rows),
        "late": np.where(np.arange(rows) < 300, 1.0, rng.normal(size=rows)),
        "many": rng.normal(size=rows),
        "many2": rng.normal(size=rows),
        "many3": rng.normal(size=rows),
        "text": pd.Series(rng.choice(["a", "A!", "b", None], rows), dtype="str"),
    })
    decided = set()
    for columns in (["yes"], ["yes", "few"], ["yes", "few", "text"], ["late"],
                    ["few", "late"], ["many"], ["yes", "many", "few"], ["many", "many2"],
                    ["many", "many2", "many3"], ["late", "many"]):
        decided.add(straightforward_few(frame, columns, near))
        assert row_keys.few_distinct_inputs(frame, columns, near) \
            == straightforward_few(frame, columns, near), columns
    assert decided == {True, False}


@pytest.mark.parametrize("digits", [1, 3, 6])
def test_round_significant_is_the_straightforward_formula(digits):
    rng = np.random.default_rng(digits)
    x = np.concatenate([rng.normal(size=2000) * 10.0 ** rng.integers(-300, 300, 2000),
                        [0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308,
                         999.5, -0.00099951, 1.0, 10.0, 0.1]])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        magnitude = np.floor(np.log10(np.abs(x)))
        factor = 10.0 ** (digits - 1 - magnitude)
        expected = np.where(np.isfinite(x) & (x != 0), np.round(x * factor) / factor, x)
    got = row_keys.round_significant(x, digits)
    assert got.tobytes() == expected.tobytes()
    assert row_keys.round_significant([1234.0, 0.0], digits).shape == (2,)
