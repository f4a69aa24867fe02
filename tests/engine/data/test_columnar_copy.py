"""The columnar copy of a project's table: read instead of the source only while it was
made from the very file; rebuilt when the source changes or the copy is damaged; the
split made from it is the split made from the source."""

import hashlib
import os

import numpy as np
import pandas as pd
import pytest

from engine.data import columnar_copy
from engine.data.columnar_copy import keep_copy, read_kept
from engine.data.tabular import read_table
from tests.conftest import make_mixed_frame


@pytest.fixture
def copies_of_any_size(monkeypatch):
    """Copies of small files too (the tests' tables are well under the 1 MB limit)."""
    monkeypatch.setattr(columnar_copy, "COPY_MIN_BYTES", 0)


def _csv(tmp_path, n=400, seed=0):
    path = tmp_path / "table.csv"
    frame = make_mixed_frame(n, seed=seed)
    frame["count"] = np.arange(n) % 7
    frame["flag"] = np.arange(n) % 3 == 0
    frame.to_csv(path, index=False)
    return path


def _no_source_reads(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the source was parsed again")

    monkeypatch.setattr(columnar_copy, "read_table", refuse)


def test_the_copy_gives_back_the_table_as_read(tmp_path, copies_of_any_size, monkeypatch):
    path = _csv(tmp_path)
    frame = read_table(path).frame
    copy = tmp_path / "proj" / "data" / "cache" / "main.arrow"
    assert keep_copy(path, frame, copy)
    _no_source_reads(monkeypatch)
    again = read_kept(path, copy)
    pd.testing.assert_frame_equal(again, frame)
    assert list(again.dtypes) == list(frame.dtypes)


def test_small_files_and_unknown_bytes_get_no_copy(tmp_path):
    path = _csv(tmp_path)
    copy = tmp_path / "main.arrow"
    assert not keep_copy(path, read_table(path).frame, copy)  # under COPY_MIN_BYTES
    columnar_copy.COPY_MIN_BYTES, kept = 0, columnar_copy.COPY_MIN_BYTES
    try:
        other = tmp_path / "other.csv"
        other.write_bytes(path.read_bytes())  # never read: its bytes' hash is not known
        assert not keep_copy(other, read_table(path).frame, copy)
    finally:
        columnar_copy.COPY_MIN_BYTES = kept
    assert not copy.exists()


def test_an_edited_source_rebuilds_the_copy(tmp_path, copies_of_any_size):
    path = _csv(tmp_path)
    copy = tmp_path / "main.arrow"
    first = read_kept(path, copy)
    assert copy.is_file()
    made = copy.stat().st_mtime_ns
    edited = first.copy()
    edited.loc[0, "age"] = 999.5
    edited.to_csv(path, index=False)  # the same size is not needed: any write changes ctime
    again = read_kept(path, copy)
    assert again.loc[0, "age"] == 999.5
    assert copy.stat().st_mtime_ns != made
    pd.testing.assert_frame_equal(read_kept(path, copy), read_table(path).frame)


def test_the_same_size_and_time_after_an_edit_is_still_an_edit(tmp_path, copies_of_any_size):
    path = _csv(tmp_path)
    copy = tmp_path / "main.arrow"
    read_kept(path, copy)
    before = os.stat(path)
    raw = bytearray(path.read_bytes())
    at = raw.index(b"\n") + 1  # the first digit of the first data row
    raw[at] = ord("9") if raw[at] != ord("9") else ord("8")
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # size and mtime as before
    pd.testing.assert_frame_equal(read_kept(path, copy), read_table(path).frame)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_copy_is_rebuilt_not_trusted(tmp_path, copies_of_any_size, damage):
    path = _csv(tmp_path)
    copy = tmp_path / "main.arrow"
    truth = read_kept(path, copy)
    raw = bytearray(copy.read_bytes())
    if damage == "flip":  # one bit in the middle of the values
        raw[len(raw) // 2] ^= 0x01
    elif damage == "truncate":
        raw = raw[: len(raw) // 2]
    else:
        raw = bytearray(b"not an arrow file at all")
    copy.write_bytes(bytes(raw))
    assert columnar_copy._read_copy(copy, columnar_copy.stat_key(path)) is None
    pd.testing.assert_frame_equal(read_kept(path, copy), truth)
    assert columnar_copy._read_copy(copy, columnar_copy.stat_key(path)) is not None


def test_a_copy_of_another_file_is_not_used(tmp_path, copies_of_any_size):
    path = _csv(tmp_path)
    (tmp_path / "b").mkdir()
    other = _csv(tmp_path / "b", seed=4)
    copy = tmp_path / "main.arrow"
    read_kept(other, copy)
    pd.testing.assert_frame_equal(read_kept(path, copy), read_table(path).frame)


def test_a_project_splits_the_same_rows_from_its_copy(tmp_path, monkeypatch):
    """The project with the copy (new_project writes it, the split reads it) makes the same
    split, preprocessing and findings as the project that parses its CSV each time."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    source = tmp_path / "c.csv"
    frame = make_mixed_frame(3000, seed=5)
    pd.concat([frame, frame.iloc[:25]], ignore_index=True).to_csv(source, index=False)
    made = {}
    for name, limit in (("parsed", 1 << 60), ("copied", 0)):
        monkeypatch.setattr(columnar_copy, "COPY_MIN_BYTES", limit)
        project = new_project(tmp_path / name, GoalChoice(data=str(source), target="bought"))
        has_copy = (tmp_path / name / "data" / "cache" / "main.arrow").is_file()
        assert has_copy == (name == "copied")
        if has_copy:
            _no_source_reads(monkeypatch)
            from engine.split import datasets

            datasets._read_cached.cache_clear()
        split_project(project, seed=3)
        monkeypatch.undo()
        made[name] = project
    for file in ("splits.json", "preprocess.json"):
        assert (tmp_path / "parsed" / file).read_text() == (tmp_path / "copied" / file).read_text()
    assert made["parsed"].findings == made["copied"].findings
    assert [f["code"] for f in made["copied"].findings][0] == "duplicate_rows"
    # Byte for byte what the split wrote before the copy and the quicker checks existed
    # (branch stage at c727733, the same table and seed).
    assert _sha(tmp_path / "copied" / "splits.json") == (
        "38e0d5b414de5f154cdfcf60726822ef10f417bed3cc94a6a53dab7d1285146f")
    assert _sha(tmp_path / "copied" / "preprocess.json") == (
        "4602310aad83c8b715a8a0a40de7b513644e897df46b93d024378a902f6621f6")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_excel_table_gets_its_copy_when_the_split_reads_it(tmp_path, copies_of_any_size,
                                                             monkeypatch):
    """Kinds whose bytes are not hashed while read are hashed once, then copied."""
    path = tmp_path / "table.xlsx"
    make_mixed_frame(60).to_excel(path, index=False)
    copy = tmp_path / "main.arrow"
    first = read_kept(path, copy)
    assert copy.is_file()
    _no_source_reads(monkeypatch)
    pd.testing.assert_frame_equal(read_kept(path, copy), first)


def test_a_parquet_table_is_not_copied(tmp_path, copies_of_any_size):
    path = tmp_path / "table.parquet"
    make_mixed_frame(60).to_parquet(path, index=False)
    copy = tmp_path / "main.arrow"
    read_kept(path, copy)
    assert not copy.exists()
