"""Write the small malformed input files used by tests/engine (run once; the files are committed).

    .venv/bin/python tests/data/malformed/make_files.py

Cases that need big or binary generated data (a 10 MB field, 1:500 imbalance, image
folders) are made by ``tests/malformed_corpus.py`` in a temporary folder; Excel and Parquet
files by the tests that need them. ``tests/malformed_corpus.py`` also lists what the user
sees for every file here.
"""

import random
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    raw = data if isinstance(data, bytes) else data.encode(encoding)
    (HERE / name).write_bytes(raw)


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def main() -> None:
    write("empty.csv", b"")
    write("whitespace_only.csv", "  \n\n   \n")
    write("header_only.csv", "sepal_length,sepal_width,species\n")
    rng = random.Random(7)
    write("binary_junk.csv", bytes(rng.randrange(256) for _ in range(4096)))
    write("png_named.csv", png_bytes())
    write("pdf_named.csv", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    write("semicolon_decimal_comma.csv",
          "length;width;weight;kind\n3,14;2,5;10;a\n-0,5;1,25;11;b\n2;1000,75;12;a\n0,001;7;13;b\n")
    write("latin1_accents.csv",
          "nom,ville,prix\nRené,Zürich,3.5\nJosé,Málaga,4.2\nFrançois,Besançon,1.0\nNuñez,São Paulo,2.0\n",
          encoding="latin-1")
    write("utf8_bom.csv", "name,score\nÅsa,1\nBjörn,2\nÇelik,3\n", encoding="utf-8-sig")
    write("utf16.csv", "name\tscore\nÅsa\t1\nBjörn\t2\n日本\t3\n", encoding="utf-16")
    # Line 7 is short (4 values for 5 columns); everything else is fine.
    rows = ["a,b,c,d,e"] + [f"{i},{i + 1},{i + 2},{i + 3},x" for i in range(1, 10)]
    rows[6] = "6,7,8,9"
    write("ragged_short.csv", "\n".join(rows) + "\n")
    # Lines 4 and 9 have 4 values for 3 columns (an unquoted comma inside a value).
    rows = ["name,age,city"] + [f"person{i},{20 + i},Lyon" for i in range(1, 10)]
    rows[3] = "Smith, John,33,Paris"
    rows[8] = "Doe, Jane,41,Nice"
    write("ragged_long.csv", "\n".join(rows) + "\n")
    write("quoted_newlines.csv",
          'id,comment,score\n1,"first line\nsecond line",0.5\n2,plain,1.5\n'
          '3,"has ""quotes"", a comma\nand\nthree lines",2.5\n4,last,3.5\n')
    # Line 5 has 2 values (the record before it spans lines 2-4); the quoted newline must not shift the count.
    write("quoted_newlines_ragged.csv", 'id,comment,score\n1,"a\nb\nc",0.5\n2,short\n3,ok,1.0\n')
    write("unclosed_quote.csv", 'id,comment\n1,fine\n2,"never closed\n3,lost\n4,lost\n')
    write("tab_separated.tsv", "x\ty\tlabel\n1.5\t2\tcat\n2.5\t3\tdog\n3.5\t4\tcat\n")
    write("pipe_delimited.csv", "x|y|label\n1.5|2|cat\n2.5|3|dog\n3.5|4|cat\n4.5|5|dog\n")
    write("duplicate_headers.csv", "a,b,a, ,b\n1,2,3,4,5\n6,7,8,9,10\n")
    write("blank_lines.csv", "a,b\n\n1,2\n\n3,4\n\n")
    n = 60
    write("all_empty_column.csv",
          "x,empty,label\n" + "".join(f"{i * 0.5},,{'ab'[i % 2]}\n" for i in range(n)))
    write("constant_column.csv",
          "x,country,label\n" + "".join(f"{i * 0.5},France,{'ab'[i % 2]}\n" for i in range(n)))
    write("id_column.csv",
          "row_id,code,x,label\n"
          + "".join(f"{i + 1},C{1000 + i * 7},{(i * 37) % 11 * 0.5},{'ab'[i % 2]}\n" for i in range(n)))
    write("infinite_values.csv",
          "x,y,label\n" + "".join(
              f"{'inf' if i == 3 else '-inf' if i == 10 else i * 0.5},{i % 7},{'ab'[i % 2]}\n"
              for i in range(n)))
    write("missing_labels.csv",
          "x,y,label\n" + "".join(
              f"{i * 0.5},{'' if i % 10 == 0 else i % 7},{'' if i in (4, 9, 17) else 'ab'[i % 2]}\n"
              for i in range(n)))
    write("mixed_labels.csv",
          "x,label\n" + "".join(f"{i * 0.5},{['yes', 'no', '1', '0', 'Yes '][i % 5]}\n" for i in range(n)))
    write("one_class.csv", "x,label\n" + "".join(f"{i * 0.5},spam\n" for i in range(n)))
    write("five_rows.csv", "x,y,label\n1,2,a\n2,3,b\n3,1,a\n4,4,b\n5,0,a\n")
    write("duplicated_rows.csv",
          "x,y,label\n" + "".join(f"{i % 20},{i % 20 * 2},{'ab'[i % 20 % 2]}\n" for i in range(n)))
    # Separators Practica does not split at: every row is one value.
    write("space_separated.csv",
          "x y label\n" + "".join(f"{i * 0.5} {i % 7} {'ab'[i % 2]}\n" for i in range(n)))
    write("colon_separated.csv",
          "x:y:label\n" + "".join(f"{i * 0.5}:{i % 7}:{'ab'[i % 2]}\n" for i in range(n)))
    write("infinite_column.csv",
          "x,big,label\n" + "".join(f"{i * 0.5},{'-inf' if i % 3 else 'inf'},{'ab'[i % 2]}\n"
                                   for i in range(n)))
    write("infinite_target.csv",
          "x,price\n" + "".join(f"{i % 9},{'inf' if i in (7, 30) else i * 1.5}\n"
                                for i in range(n)))
    write("labels_all_missing.csv",
          "x,y,label\n" + "".join(f"{i * 0.5},{i % 7},\n" for i in range(n)))
    write("numbers_with_text.csv",
          "x,y,label\n" + "".join(f"{'?' if i % 11 == 0 else i * 0.5},{i % 7},{'ab'[i % 2]}\n"
                                   for i in range(n)))
    write("text_named.xlsx", "x,label\n1,a\n2,b\n")
    write("broken_zip.xlsx", b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(512)))


if __name__ == "__main__":
    main()
