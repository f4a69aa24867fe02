"""Tests for engine/data/file_check.py: what `practica check FILE [--target COL]` relies on."""

import json
from pathlib import Path

import numpy as np
import pytest

from engine.core.errors import DataError
from engine.data.file_check import check_file

MALFORMED = Path(__file__).resolve().parents[2] / "data" / "malformed"


@pytest.fixture
def good_csv(tmp_path) -> Path:
    rng = np.random.default_rng(3)
    lines = ["height;weight;species"]
    for i in range(60):
        lines.append(f"{rng.normal(10, 2):.3f}".replace(".", ",") + f";{rng.integers(1, 9)};{'ab'[i % 2]}")
    path = tmp_path / "good.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_usable_file(good_csv):
    result = check_file(good_csv, target="species")
    assert result.usable and result.problem is None
    assert result.table.source_kind == "csv"
    assert result.summary.rows == 60 and result.summary.columns == 3
    assert result.summary.column("height").kind == "number"
    assert result.summary.target.class_counts == (("a", 30), ("b", 30))
    assert not [f for f in result.findings if f.severity == "blocker"]


def test_without_target(good_csv):
    result = check_file(good_csv)
    assert result.usable and result.summary.target is None


def test_one_class_is_not_usable():
    result = check_file(MALFORMED / "one_class.csv", target="label")
    assert not result.usable
    assert result.problem.startswith("Every row with a value in 'label' has the same value, 'spam'")
    assert "Add examples of the other classes" in result.problem
    assert "\n" not in result.problem


def test_unknown_target_is_not_usable(good_csv):
    result = check_file(good_csv, target="Species")
    assert not result.usable
    assert "There is no column named 'Species'" in result.problem
    assert result.summary.target is None


def test_warnings_alone_keep_the_file_usable():
    result = check_file(MALFORMED / "missing_labels.csv", target="label")
    assert result.usable
    assert {f.code for f in result.findings} >= {"target_missing", "missing_values"}


def test_reading_errors_propagate():
    with pytest.raises(DataError, match="Line 7 of ragged_short.csv"):
        check_file(MALFORMED / "ragged_short.csv")
    with pytest.raises(DataError, match="PNG image"):
        check_file(MALFORMED / "png_named.csv")


def test_to_dict_is_json(good_csv):
    data = json.loads(json.dumps(check_file(good_csv, "species").to_dict(), allow_nan=False))
    assert data["usable"] is True and data["source_kind"] == "csv"
    assert data["summary"]["rows"] == 60
    assert any("decimal mark" in note for note in data["notes"])
