"""Tests for engine/data/csv_reader.py: encodings, separators, decimal marks and strict counting."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from engine.data.csv_dialect import clean_header_names, sniff_delimiter
from engine.data.csv_reader import decode_text, read_csv_file
from engine.core.errors import DataError

MALFORMED = Path(__file__).resolve().parents[2] / "data" / "malformed"


def error_of(path) -> str:
    with pytest.raises(DataError) as info:
        read_csv_file(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize(
    "name, expected",
    [
        ("empty.csv", "is empty"),
        ("whitespace_only.csv", "is empty"),
        ("header_only.csv", "no rows of data"),
        ("binary_junk.csv", "does not look like a text table"),
        ("ragged_short.csv", "Line 7 of ragged_short.csv has 4 values but the header (line 1) has 5 columns"),
        ("ragged_long.csv", "Line 4 of ragged_long.csv has 4 values but the header (line 1) has 3 columns"),
        ("quoted_newlines_ragged.csv", "Line 5 of quoted_newlines_ragged.csv has 2 values"),
        ("unclosed_quote.csv", "Line 3 of unclosed_quote.csv opens a quotation mark"),
    ],
)
def test_bad_files_give_one_plain_line(name, expected):
    message = error_of(MALFORMED / name)
    assert expected in message
    assert message.endswith(".")


def test_binary_junk_suggests_saving_as_csv():
    assert "save it as CSV" in error_of(MALFORMED / "binary_junk.csv")


def test_nul_bytes_in_text_mean_binary(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x00\x01\x02\x034\n" * 5)
    assert "does not look like a text table" in error_of(path)


def test_one_ragged_line_says_fix_that_line():
    message = error_of(MALFORMED / "ragged_short.csv")
    assert "Fix that line or remove it" in message
    assert "lines in all" not in message


def test_several_ragged_lines_are_counted():
    assert "2 lines in all have the wrong number of values" in error_of(MALFORMED / "ragged_long.csv")


def test_ragged_line_numbers_with_windows_line_ends(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n\r\n3\r\n4,5\r\n")
    assert "Line 4 of crlf.csv has 1 values but the header (line 1) has 2 columns" in error_of(path)


def test_stray_quote_names_its_line(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text('a,b\n1,2\n3,"x"y\n', encoding="utf-8")
    assert "Line 3 of stray.csv has a quotation mark" in error_of(path)


def test_semicolon_and_decimal_comma_are_read_as_floats():
    read = read_csv_file(MALFORMED / "semicolon_decimal_comma.csv")
    assert (read.delimiter, read.decimal) == (";", ",")
    frame = read.frame
    assert list(frame.columns) == ["length", "width", "weight", "kind"]
    assert frame["length"].dtype == "float64"
    assert frame["length"].tolist() == pytest.approx([3.14, -0.5, 2.0, 0.001])
    assert frame["width"].tolist() == pytest.approx([2.5, 1.25, 1000.75, 7.0])
    assert frame["kind"].tolist() == ["a", "b", "a", "b"]
    assert any("semicolons" in n for n in read.notes)
    assert any("decimal mark" in n for n in read.notes)


def test_tab_with_decimal_comma(tmp_path):
    path = tmp_path / "tab.txt"
    path.write_text("a\tb\n1,5\t2\n-3,25\t4\n", encoding="utf-8")
    read = read_csv_file(path)
    assert (read.delimiter, read.decimal) == ("\t", ",")
    assert read.frame["a"].tolist() == [1.5, -3.25]


def test_semicolon_with_decimal_points_keeps_point(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("a;b\n1.5;2\n2.5;3\n", encoding="utf-8")
    read = read_csv_file(path)
    assert (read.delimiter, read.decimal) == (";", ".")
    assert read.frame["a"].tolist() == [1.5, 2.5]


def test_plain_utf8_comma_file_has_no_notes(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("x,y\n1.5,a\n2.5,b\n", encoding="utf-8")
    read = read_csv_file(path)
    assert (read.encoding, read.delimiter, read.decimal, read.notes) == ("utf-8", ",", ".", ())
    assert read.frame["x"].tolist() == [1.5, 2.5]


def test_latin1_accents_are_decoded():
    read = read_csv_file(MALFORMED / "latin1_accents.csv")
    assert read.encoding in ("cp1252", "latin_1")
    assert read.frame["nom"].tolist() == ["René", "José", "François", "Nuñez"]
    assert read.frame["ville"].tolist() == ["Zürich", "Málaga", "Besançon", "São Paulo"]
    assert read.frame["prix"].tolist() == [3.5, 4.2, 1.0, 2.0]
    assert any("UTF-8" in n for n in read.notes)


def test_latin1_accents_far_into_the_file(tmp_path):
    path = tmp_path / "late.csv"
    rows = "".join(f"row{i},Paris\n" for i in range(20000))
    path.write_bytes(("name,city\n" + rows + "last,Zürich\n").encode("latin-1"))
    read = read_csv_file(path)
    assert len(read.frame) == 20001
    assert read.frame["city"].iloc[-1] == "Zürich"


def test_utf8_bom_is_not_part_of_first_column():
    read = read_csv_file(MALFORMED / "utf8_bom.csv")
    assert read.encoding == "utf-8-sig"
    assert list(read.frame.columns) == ["name", "score"]
    assert read.frame["name"].tolist() == ["Åsa", "Björn", "Çelik"]


def test_utf16_with_bom():
    read = read_csv_file(MALFORMED / "utf16.csv")
    assert read.encoding == "utf-16"
    assert read.delimiter == "\t"
    assert read.frame["name"].tolist() == ["Åsa", "Björn", "日本"]
    assert read.frame["score"].tolist() == [1, 2, 3]


def test_utf16_without_bom(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("a,b\n1,é\n2,ü\n".encode("utf-16-le"))
    read = read_csv_file(path)
    assert read.encoding == "utf-16-le"
    assert read.frame["b"].tolist() == ["é", "ü"]


def test_quoted_newlines_keep_the_row_count():
    frame = read_csv_file(MALFORMED / "quoted_newlines.csv").frame
    assert len(frame) == 4
    assert frame["id"].tolist() == [1, 2, 3, 4]
    assert frame["comment"].iloc[0] == "first line\nsecond line"
    assert frame["comment"].iloc[2] == 'has "quotes", a comma\nand\nthree lines'
    assert frame["score"].tolist() == [0.5, 1.5, 2.5, 3.5]


def test_tab_separated():
    read = read_csv_file(MALFORMED / "tab_separated.tsv")
    assert read.delimiter == "\t"
    assert read.frame["x"].tolist() == [1.5, 2.5, 3.5]
    assert read.frame["label"].tolist() == ["cat", "dog", "cat"]


def test_pipe_delimited():
    read = read_csv_file(MALFORMED / "pipe_delimited.csv")
    assert read.delimiter == "|"
    assert list(read.frame.columns) == ["x", "y", "label"]
    assert read.frame["y"].tolist() == [2, 3, 4, 5]


def test_duplicate_and_empty_header_names_are_made_unique():
    read = read_csv_file(MALFORMED / "duplicate_headers.csv")
    assert list(read.frame.columns) == ["a", "b", "a_3", "column_4", "b_5"]
    assert read.frame["a_3"].tolist() == [3, 8]
    assert read.frame["column_4"].tolist() == [4, 9]
    assert len(read.notes) == 3


def test_header_whitespace_is_stripped(tmp_path):
    path = tmp_path / "spaces.csv"
    path.write_text(" first , second \n1,2\n", encoding="utf-8")
    assert list(read_csv_file(path).frame.columns) == ["first", "second"]


def test_blank_lines_are_skipped_with_a_note():
    read = read_csv_file(MALFORMED / "blank_lines.csv")
    assert read.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    assert any("3 empty lines" in n for n in read.notes)


def test_single_column_file(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("value\n1\n2\n3\n", encoding="utf-8")
    read = read_csv_file(path)
    assert list(read.frame.columns) == ["value"]
    assert read.frame["value"].tolist() == [1, 2, 3]


def test_semicolons_inside_quotes_do_not_fool_the_sniffer(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('text,label\n"a;b;c",x\n"d;e",y\n"f;g;h;i",x\n', encoding="utf-8")
    read = read_csv_file(path)
    assert read.delimiter == ","
    assert read.frame["text"].tolist() == ["a;b;c", "d;e", "f;g;h;i"]


def test_ten_megabyte_field_loads(tmp_path):
    path = tmp_path / "big_field.csv"
    path.write_text('id,blob\n1,"' + "x" * 10_000_000 + '"\n2,short\n', encoding="utf-8")
    previous = csv.field_size_limit(131072)  # Python's default; the reader must raise it
    try:
        frame = read_csv_file(path).frame
    finally:
        csv.field_size_limit(previous)
    assert len(frame) == 2
    assert len(frame["blob"].iloc[0]) == 10_000_000
    assert frame["blob"].iloc[1] == "short"


def test_pandas_would_pad_but_we_refuse(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4,5\n", encoding="utf-8")
    assert len(pd.read_csv(path)) == 2  # what pandas does silently
    assert "Line 3" in error_of(path)


@pytest.mark.parametrize(
    "sample, expected",
    [
        ("a;b;c\n1,5;2;3\n4,5;6;7\n", ";"),
        ("a,b\n1,2\n3,4\n", ","),
        ("a\tb c\n1\t2 3\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ("value\n1\n2\n", ","),
    ],
)
def test_sniff_delimiter(sample, expected):
    assert sniff_delimiter(sample) == expected


def test_clean_header_names():
    names, notes = clean_header_names([" x ", None, float("nan"), 2.0, "x"])
    assert names == ["x", "column_2", "column_3", "2", "x_5"]
    assert len(notes) == 3


def test_decode_text_prefers_strict_utf8():
    content, codec, notes = decode_text("é,ü\n".encode("utf-8"))
    assert (content, codec, notes) == ("é,ü\n", "utf-8", [])


def test_utf8_file_with_a_few_broken_bytes_stays_utf8(tmp_path):
    path = tmp_path / "broken.csv"
    rows = "".join(f"Zoë{i},Zürich café\n" for i in range(30))
    path.write_bytes(("name,city\n" + rows).encode("utf-8") + b"bad,\xe9t\xe9\n")
    read = read_csv_file(path)
    assert read.encoding == "utf-8"
    assert read.frame["city"].iloc[0] == "Zürich café"
    assert read.frame["city"].iloc[-1] == "\ufffdt\ufffd"
    assert any("2 characters were not valid UTF-8" in n for n in read.notes)


def test_blank_lines_before_the_header(tmp_path):
    path = tmp_path / "lead.csv"
    path.write_text("\n\na,b\n1,2\n3,4\n", encoding="utf-8")
    assert read_csv_file(path).frame.to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    path.write_text("\n\na,b\n1,2\n3\n", encoding="utf-8")
    assert "Line 5 of lead.csv has 1 values but the header (line 3) has 2 columns" in error_of(path)
