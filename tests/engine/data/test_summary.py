"""Tests for engine/data/summary.py: column kinds, counts, target distribution, JSON output."""

import json

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import DataError
from engine.data.summary import column_kind, summarize, target_is_categorical


def mixed_frame() -> pd.DataFrame:
    n = 100
    return pd.DataFrame({
        "size": np.linspace(0.0, 9.9, n),
        "colour": ["red", "green", "blue", None] * (n // 4),
        "comment": [f"note number {i} about this row" for i in range(n)],
        "nothing": [np.nan] * n,
        "country": ["France"] * n,
        "flag": [True, False] * (n // 2),
        "species": ["cat"] * 60 + ["dog"] * 30 + [None] * 10,
    })


def test_kinds_and_counts():
    summary = summarize(mixed_frame())
    assert (summary.rows, summary.columns) == (100, 7)
    kinds = {info.name: info.kind for info in summary.column_info}
    assert kinds == {"size": "number", "colour": "category", "comment": "text",
                     "nothing": "empty", "country": "constant", "flag": "category",
                     "species": "category"}
    colour = summary.column("colour")
    assert (colour.missing, colour.unique) == (25, 3)
    assert summary.column("nothing").missing == 100
    assert summary.column("comment").unique == 100
    assert summary.target is None


def test_one_value_with_gaps_is_not_constant():
    assert column_kind(pd.Series(["yes", None, "yes"])) == "category"
    assert column_kind(pd.Series(["yes", "yes", "yes"])) == "constant"


def test_column_lookup_unknown_name():
    with pytest.raises(KeyError):
        summarize(mixed_frame()).column("nope")


def test_categorical_target_counts_most_common_first():
    target = summarize(mixed_frame(), "species").target
    assert target.task == "classes"
    assert target.class_counts == (("cat", 60), ("dog", 30))
    assert target.missing == 10


def test_whole_number_labels_are_classes_and_read_as_text():
    frame = pd.DataFrame({"y": [1.0, 0.0, 1.0, np.nan, 1.0]})
    target = summarize(frame, "y").target
    assert target.task == "classes"
    assert target.class_counts == (("1", 3), ("0", 1))
    assert target_is_categorical(pd.Series([0, 1, 2, 3]))
    assert not target_is_categorical(pd.Series(np.arange(50)))
    assert not target_is_categorical(pd.Series([0.5, 1.0, 2.0]))


def test_numeric_target_statistics_match_pandas():
    values = pd.Series([1.5, 2.0, 7.25, np.nan, 3.0, np.inf, 10.5, 4.0])
    frame = pd.DataFrame({"price": values, "x": range(len(values))})
    target = summarize(frame, "price").target
    finite = values[np.isfinite(values)]
    assert target.task == "numeric"
    assert target.missing == 1
    assert target.minimum == finite.min()
    assert target.maximum == finite.max()
    assert target.mean == pytest.approx(finite.mean())
    assert target.std == pytest.approx(finite.std())  # pandas: ddof=1
    assert target.class_counts == ()


def test_to_dict_is_strict_json():
    frame = pd.DataFrame({"price": [np.nan, 5.5, np.nan], "kind": ["a", "b", "a"]})
    data = summarize(frame, "price").to_dict()
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    assert back["rows"] == 3 and back["columns"] == 2
    assert back["target"]["std"] is None  # one value: no spread, and never NaN in JSON
    assert back["column_info"][1] == {"name": "kind", "kind": "category", "dtype": str(frame["kind"].dtype),
                                      "missing": 0, "unique": 2}
    classes = summarize(mixed_frame(), "species").to_dict()
    assert json.loads(json.dumps(classes, allow_nan=False))["target"]["class_counts"] == {"cat": 60, "dog": 30}


def test_unknown_target_suggests_the_close_name():
    with pytest.raises(DataError) as info:
        summarize(mixed_frame(), "Species")
    message = str(info.value)
    assert "There is no column named 'Species'" in message
    assert "did you mean 'species'?" in message
    assert "\n" not in message
