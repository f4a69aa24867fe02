"""Tests for engine/data/findings.py: each check fires on its case, with the right severity."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.findings import Finding, check_frame, usable_columns
from engine.data.tabular import read_table

MALFORMED = Path(__file__).resolve().parents[2] / "data" / "malformed"


def load(name: str) -> pd.DataFrame:
    return read_table(MALFORMED / name).frame


def by_code(findings, code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def only(findings, code: str) -> Finding:
    found = by_code(findings, code)
    assert len(found) == 1, [f.code for f in findings]
    return found[0]


def healthy(n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=n), "b": rng.integers(0, 5, size=n).astype(float),
                         "label": ["x", "y"] * (n // 2)})


def test_healthy_frame_has_no_findings():
    frame = healthy()
    assert check_frame(frame, "label") == ()
    assert usable_columns(frame, "label", ()) == ["a", "b"]


def test_all_empty_column():
    frame = load("all_empty_column.csv")
    findings = check_frame(frame, "label")
    found = only(findings, "empty_column")
    assert (found.severity, found.column) == ("warning", "empty")
    assert "ignore" in found.fix
    assert usable_columns(frame, "label", findings) == ["x"]


def test_constant_column():
    frame = load("constant_column.csv")
    findings = check_frame(frame, "label")
    found = only(findings, "constant_column")
    assert (found.severity, found.column) == ("info", "country")
    assert "'France'" in found.message
    assert usable_columns(frame, "label", findings) == ["x"]


def test_id_like_columns():
    frame = load("id_column.csv")
    findings = check_frame(frame, "label")
    assert sorted(f.column for f in by_code(findings, "id_column")) == ["code", "row_id"]
    assert usable_columns(frame, "label", findings) == ["x"]


def test_small_whole_number_features_are_not_taken_for_ids():
    findings = check_frame(load("five_rows.csv"), "label")
    assert by_code(findings, "id_column") == []


def test_counting_column_from_twenty_rows_is_an_id():
    frame = pd.DataFrame({"n": range(100, 130), "v": np.linspace(0, 1, 30), "label": ["a", "b"] * 15})
    assert [f.column for f in by_code(check_frame(frame, "label"), "id_column")] == ["n"]
    shuffled = frame.assign(n=np.random.default_rng(1).permutation(30) * 3)
    assert by_code(check_frame(shuffled, "label"), "id_column") == []


def test_free_text_unique_per_row_is_not_an_id():
    frame = pd.DataFrame({"review": [f"good product number {i}" for i in range(40)],
                          "label": ["a", "b"] * 20})
    assert by_code(check_frame(frame, "label"), "id_column") == []


def test_infinite_values():
    found = only(check_frame(load("infinite_values.csv"), "label"), "infinite_values")
    assert (found.severity, found.column) == ("warning", "x")
    assert "2 infinite values" in found.message
    assert "missing" in found.fix


def test_missing_values_and_missing_labels():
    findings = check_frame(load("missing_labels.csv"), "label")
    target = only(findings, "target_missing")
    assert target.severity == "warning"
    assert "3 of 60 rows" in target.message
    assert "leave these rows out" in target.fix
    missing = only(findings, "missing_values")
    assert (missing.column, missing.severity) == ("y", "info")
    assert "6 missing values (10% of the rows)" in missing.message
    assert "training rows" in missing.fix


def test_mostly_missing_column_is_a_warning():
    frame = healthy().assign(c=lambda f: np.where(np.arange(len(f)) % 4 == 0, 1.0, np.nan))
    assert only(check_frame(frame, "label"), "missing_values").severity == "warning"


def test_mixed_type_labels():
    findings = check_frame(load("mixed_labels.csv"), "label")
    mixed = only(findings, "mixed_labels")
    assert mixed.severity == "warning"
    variants = only(findings, "label_variants")
    assert "'Yes '" in variants.message and "'yes'" in variants.message
    assert not [f for f in findings if f.severity == "blocker"]


def test_one_class_is_a_blocker_and_comes_first():
    findings = check_frame(load("one_class.csv"), "label")
    assert findings[0].code == "one_class"
    assert findings[0].severity == "blocker"
    assert "'spam'" in findings[0].message


def test_five_rows():
    findings = check_frame(load("five_rows.csv"), "label")
    assert only(findings, "too_few_rows").severity == "warning"
    rare = only(findings, "rare_class")
    assert "'a': 3, 'b': 2" in rare.message
    assert not [f for f in findings if f.severity == "blocker"]


def test_duplicated_rows():
    found = only(check_frame(load("duplicated_rows.csv"), "label"), "duplicate_rows")
    assert found.column is None
    assert found.message.startswith("40 rows are exact copies")


def test_imbalance_one_to_five_hundred():
    n_rare = 2
    frame = pd.DataFrame({"x": np.linspace(0, 1, 500 * n_rare + n_rare),
                          "label": ["normal"] * (500 * n_rare) + ["fraud"] * n_rare})
    findings = check_frame(frame, "label")
    found = only(findings, "imbalance")
    assert found.severity == "warning"
    assert "500 times" in found.message and "'fraud', 2 rows" in found.message
    assert "F1" in found.fix and "average precision" in found.fix
    assert only(findings, "rare_class").severity == "warning"


@pytest.mark.parametrize("major, flagged", [(40, False), (44, True)])
def test_imbalance_threshold_is_ten(major, flagged):
    frame = pd.DataFrame({"x": np.linspace(0, 1, major + 4), "label": ["a"] * major + ["b"] * 4})
    assert bool(by_code(check_frame(frame, "label"), "imbalance")) is flagged


def test_target_not_in_file():
    findings = check_frame(healthy(), "Label")
    found = findings[0]
    assert (found.code, found.severity) == ("target_not_found", "blocker")
    assert "did you mean 'label'?" in found.message
    assert "'a', 'b', 'label'" in found.fix


def test_target_without_any_value():
    frame = healthy().assign(label=np.nan)
    assert only(check_frame(frame, "label"), "target_empty").severity == "blocker"


def test_numeric_target():
    frame = healthy().assign(price=np.linspace(10, 90, 80))
    findings = check_frame(frame, "price")
    assert not by_code(findings, "rare_class") and not by_code(findings, "imbalance")
    constant = frame.assign(price=7.5, label="x")
    assert only(check_frame(constant.drop(columns="label"), "price"), "target_constant").severity == "blocker"


def test_no_usable_feature_is_a_blocker():
    frame = pd.DataFrame({"id": range(60), "same": 1, "label": ["a", "b"] * 30})
    findings = check_frame(frame, "label")
    assert only(findings, "no_features").severity == "blocker"
    assert usable_columns(frame, "label", findings) == []


def test_severity_order_and_to_dict():
    findings = check_frame(load("missing_labels.csv").head(30), "label")
    ranks = [("blocker", "warning", "info").index(f.severity) for f in findings]
    assert ranks == sorted(ranks)
    data = findings[0].to_dict()
    assert set(data) == {"code", "severity", "column", "message", "fix"}
    assert "\n" not in findings[0].line


def test_every_message_is_filled_in():
    cases = ["all_empty_column.csv", "constant_column.csv", "id_column.csv", "infinite_values.csv",
             "missing_labels.csv", "mixed_labels.csv", "one_class.csv", "five_rows.csv",
             "duplicated_rows.csv"]
    for name in cases:
        for finding in check_frame(load(name), "label"):
            assert "{" not in finding.line and "\n" not in finding.line
            assert finding.severity in ("info", "warning", "blocker")


def test_copies_are_counted_as_pandas_counts_them_and_collisions_never_count(monkeypatch):
    """The hashed count of copied rows equals ``DataFrame.duplicated`` (gaps, -0.0, text,
    booleans), and rows that only share a hash are compared value by value."""
    from engine.data import findings

    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.integers(0, 4, 600).astype(float),
                          "s": rng.choice(["a", "b", None], 600),
                          "b": rng.integers(0, 2, 600).astype(bool)})
    frame.loc[::9, "x"] = np.nan
    frame.loc[::13, "x"] = -0.0
    expected = int(frame.duplicated().sum())
    assert 0 < expected < len(frame)
    assert findings._duplicate_count(frame) == expected
    distinct = frame.drop_duplicates().reset_index(drop=True)
    monkeypatch.setattr(findings.pd.util, "hash_pandas_object",
                        lambda part, index=False: pd.Series(np.zeros(len(part), np.uint64)))
    assert findings._duplicate_count(distinct) == 0  # every hash collides, no row is a copy
    assert findings._duplicate_count(frame) == expected
