"""Tests for engine/data/tabular.py: dispatch by extension, content checks, Excel, Parquet, hashes."""

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import DataError
from engine.data.tabular import file_fingerprint, read_table

MALFORMED = Path(__file__).resolve().parents[2] / "data" / "malformed"


def error_of(path) -> str:
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_csv_dispatch_keeps_notes():
    table = read_table(MALFORMED / "semicolon_decimal_comma.csv")
    assert table.source_kind == "csv"
    assert table.frame["length"].iloc[0] == pytest.approx(3.14)
    assert any("semicolons" in n for n in table.notes)
    assert table.path == MALFORMED / "semicolon_decimal_comma.csv"


@pytest.mark.parametrize("suffix", [".tsv", ".txt", ".CSV"])
def test_text_suffixes_use_the_csv_reader(tmp_path, suffix):
    path = tmp_path / f"table{suffix}"
    shutil.copy(MALFORMED / "tab_separated.tsv", path)
    table = read_table(path)
    assert table.source_kind == "csv"
    assert table.frame["label"].tolist() == ["cat", "dog", "cat"]


def test_missing_file(tmp_path):
    message = error_of(tmp_path / "nowhere.csv")
    assert "There is no file at" in message and "nowhere.csv" in message


def test_folder(tmp_path):
    assert "is a folder, not a file" in error_of(tmp_path)


def test_unknown_extension(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    message = error_of(path)
    assert "'.json'" in message and "CSV" in message


def test_no_extension(tmp_path):
    path = tmp_path / "data"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "(no extension)" in error_of(path)


def test_old_xls(tmp_path):
    path = tmp_path / "book.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert "old Excel format (.xls)" in error_of(path)


def test_png_named_csv():
    message = error_of(MALFORMED / "png_named.csv")
    assert "png_named.csv is named like a text table file, but it is really a PNG image" in message


def test_pdf_named_csv():
    assert "a PDF document" in error_of(MALFORMED / "pdf_named.csv")


def test_binary_junk_csv():
    assert "does not look like a text table" in error_of(MALFORMED / "binary_junk.csv")


def test_xlsx_named_csv(tmp_path):
    pd.DataFrame({"a": [1, 2]}).to_excel(tmp_path / "book.xlsx", index=False)
    (tmp_path / "book.xlsx").rename(tmp_path / "book.csv")
    assert "a ZIP archive" in error_of(tmp_path / "book.csv")


def test_text_named_xlsx(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "rename it to .csv" in error_of(path)


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    assert "could not read the workbook broken.xlsx" in error_of(path)


def test_csv_named_parquet(tmp_path):
    path = tmp_path / "table.parquet"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "named like a Parquet file" in error_of(path)


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x00garbage" * 20)
    assert "could not read the Parquet file broken.parquet" in error_of(path)


def test_excel_first_sheet_with_offset_header(tmp_path):
    path = tmp_path / "book.xlsx"
    data = pd.DataFrame({"height": [1.5, 2.5, np.nan, 4.0], "count": [1, 2, 3, 4],
                         "kind": ["a", "b", "a", "b"]})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name="Measures", index=False, startrow=2)
        pd.DataFrame({"other": [9]}).to_excel(writer, sheet_name="Notes", index=False)
    table = read_table(path)
    assert table.source_kind == "excel"
    assert list(table.frame.columns) == ["height", "count", "kind"]
    assert table.frame["height"].dtype == "float64"
    assert np.isnan(table.frame["height"].iloc[2])
    assert table.frame["count"].tolist() == [1, 2, 3, 4]
    assert pd.api.types.is_integer_dtype(table.frame["count"])
    assert table.frame["kind"].tolist() == ["a", "b", "a", "b"]
    assert any("2 sheets" in n and "'Measures'" in n for n in table.notes)


def test_excel_duplicate_and_missing_names(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["x", None, "x", 2020])
    sheet.append([1, 2, 3, 4])
    sheet.append([None, None, None, None])
    sheet.append([5, 6, 7, 8])
    book.save(tmp_path / "names.xlsx")
    table = read_table(tmp_path / "names.xlsx")
    assert list(table.frame.columns) == ["x", "column_2", "x_3", "2020"]
    assert table.frame["x_3"].tolist() == [3, 7]
    assert any("1 empty rows" in n for n in table.notes)


def test_excel_header_only(tmp_path):
    pd.DataFrame({"a": [], "b": []}).to_excel(tmp_path / "head.xlsx", index=False)
    assert "no rows of data" in error_of(tmp_path / "head.xlsx")


def test_parquet_round_trip(tmp_path):
    data = pd.DataFrame({"x": [0.5, 1.5, 2.5], "label": ["a", "b", "a"]},
                        index=pd.Index([10, 20, 30], name="sample"))
    data.to_parquet(tmp_path / "t.parquet")
    table = read_table(tmp_path / "t.parquet")
    assert table.source_kind == "parquet"
    assert list(table.frame.columns) == ["sample", "x", "label"]  # the stored index is kept
    assert table.frame["sample"].tolist() == [10, 20, 30]
    assert table.frame["x"].tolist() == [0.5, 1.5, 2.5]
    assert list(table.frame.index) == [0, 1, 2]


def test_parquet_without_rows(tmp_path):
    pd.DataFrame({"x": pd.Series([], dtype=float)}).to_parquet(tmp_path / "e.parquet")
    assert "no rows of data" in error_of(tmp_path / "e.parquet")


def test_fingerprint_streams_and_matches_sha256(tmp_path):
    path = tmp_path / "f.csv"
    payload = bytes(range(256)) * 50
    path.write_bytes(payload)
    expected = hashlib.sha256(payload).hexdigest()
    assert file_fingerprint(path) == expected
    assert file_fingerprint(path, chunk_size=7) == expected
    path.write_bytes(payload[:-1] + b"\x00")
    assert file_fingerprint(path) != expected
