"""The corpus of malformed inputs and what a user sees for each, shared by the CLI and GUI tests.

Small files are committed in ``tests/data/malformed`` (written by its ``make_files.py``);
the big or binary ones (a 10 MB field, a 1:500 imbalance, image folders with damaged files,
non-images, mixed modes and sizes, an empty class folder) are written by ``build_generated``
into a temporary folder, as real files on disk, so the repository stays small.

``CASES`` is the table: for each entry, the column a user picks, the exit code of
``practica check ENTRY --target COLUMN``, what they see (the findings listed, or the one
line that says what is wrong and what to do), and where the GUI says it. A table read well
but too small to split (``splits=False``) still makes a project, whose Data page shows the
findings; ``practica check`` lists them and then refuses it in one line (exit 2).
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

MALFORMED = Path(__file__).resolve().parent / "data" / "malformed"
BIG_FIELD_BYTES = 10 * 1024 * 1024

# Where the GUI says it: "file" under the chosen file (fileProblem), as soon as it is read;
# "target" under the column to predict (targetStatus), once it is chosen; "findings" on the
# Data page of the project made from it (the file can be used).
FILE, TARGET, FINDINGS = "file", "target", "findings"


@dataclass(frozen=True)
class Case:
    """One corpus entry. ``findings`` are (severity, start of the message) of every finding
    listed, in order; ``notes`` are pieces of the reading notes; ``message`` is a piece of
    the one line shown when the entry cannot be used."""

    name: str
    target: str | None
    exit_code: int
    where: str
    findings: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    message: str = ""
    generated: bool = False
    splits: bool = True

    @property
    def is_folder(self) -> bool:
        return self.name.endswith("/")

    def path(self, generated: Path) -> Path:
        return (generated if self.generated else MALFORMED) / self.name.rstrip("/")


def too_few(rows: int) -> tuple[str, str]:
    return ("warning", f"The table has only {rows} rows.")


def rare(column: str, count: int) -> tuple[str, str]:
    return ("warning", f"{count} classes of '{column}' have fewer than 4 examples")
COPIES = "rows are exact copies of an earlier row"

CASES = (
    Case("empty.csv", "label", 2, FILE, message="empty.csv is empty: it holds no text at all."),
    Case("whitespace_only.csv", "label", 2, FILE,
         message="whitespace_only.csv is empty: it holds only spaces and empty lines"),
    Case("header_only.csv", "species", 2, FILE,
         message="header_only.csv has a header line with column names but no rows of data"),
    Case("binary_junk.csv", "label", 2, FILE,
         message="binary_junk.csv does not look like a text table: it holds binary data."),
    Case("png_named.csv", "label", 2, FILE,
         message="png_named.csv is named like a text table file, but it is really a PNG image."),
    Case("pdf_named.csv", "label", 2, FILE,
         message="pdf_named.csv is named like a text table file, but it is really a PDF"),
    Case("text_named.xlsx", "label", 2, FILE,
         message="text_named.xlsx is named like an Excel file (.xlsx), but it does not look"),
    Case("broken_zip.xlsx", "label", 2, FILE,
         message="Practica could not read the workbook broken_zip.xlsx"),
    Case("space_separated.csv", "label", 2, FILE,
         message="The table has only one column, 'x y label': the values of each row were "
                 "not split into columns. Practica splits values at commas, semicolons, tabs "
                 "or vertical bars, but these look separated by spaces."),
    Case("colon_separated.csv", "label", 2, FILE,
         message="but these look separated by ':'."),
    Case("semicolon_decimal_comma.csv", "kind", 0, FINDINGS,
         (rare("kind", 2), too_few(4)),
         notes=("separated by semicolons", "comma as the decimal mark")),
    Case("tab_separated.tsv", "label", 0, FINDINGS,
         (rare("label", 2), too_few(3)),
         notes=("separated by tabs",)),
    Case("pipe_delimited.csv", "label", 0, FINDINGS,
         (rare("label", 2), too_few(4)),
         notes=("separated by vertical bars",)),
    Case("latin1_accents.csv", "ville", 0, FINDINGS,
         (rare("ville", 4), too_few(4)),
         notes=("Read as Windows-1252 (Western European) text",)),
    Case("utf8_bom.csv", "score", 0, FINDINGS,
         (rare("score", 3), too_few(3))),
    Case("utf16.csv", "score", 0, FINDINGS,
         (rare("score", 3), too_few(3)),
         notes=("Read as UTF-16 text", "separated by tabs")),
    Case("ragged_short.csv", "e", 2, FILE,
         message="Line 7 of ragged_short.csv has 4 values but the header (line 1) has 5 "
                 "columns."),
    Case("ragged_long.csv", "city", 2, FILE,
         message="Line 4 of ragged_long.csv has 4 values but the header (line 1) has 3 "
                 "columns, and 2 lines in all have the wrong number of values."),
    Case("quoted_newlines.csv", "score", 0, FINDINGS,
         (too_few(4), ("info", "Column 'id' has a different value in every row"))),
    Case("quoted_newlines_ragged.csv", "score", 2, FILE,
         message="Line 5 of quoted_newlines_ragged.csv has 2 values"),
    Case("unclosed_quote.csv", "comment", 2, FILE,
         message="Line 3 of unclosed_quote.csv opens a quotation mark (\") that is never "
                 "closed"),
    Case("duplicate_headers.csv", "b_5", 0, FINDINGS,
         (rare("b_5", 2), too_few(2)),
         notes=("column 3 is called 'a_3'", "it is called 'column_4'")),
    Case("blank_lines.csv", "b", 0, FINDINGS, (rare("b", 2), too_few(2)),
         notes=("Skipped 3 empty lines",)),
    Case("all_empty_column.csv", "label", 0, FINDINGS,
         (("warning", "Column 'empty' is empty: it has no values at all."),)),
    Case("constant_column.csv", "label", 0, FINDINGS,
         (("info", "Column 'country' has the same value, 'France', in every row."),)),
    Case("id_column.csv", "label", 0, FINDINGS,
         (("info", "Column 'row_id' has a different value in every row"),
          ("info", "Column 'code' has a different value in every row"))),
    Case("infinite_values.csv", "label", 0, FINDINGS,
         (("warning", "Column 'x' has 2 infinite values (like 'inf')."),)),
    Case("infinite_column.csv", "label", 0, FINDINGS,
         (("warning", "Column 'big' holds only infinite values (like 'inf')"),)),
    Case("infinite_target.csv", "price", 2, TARGET,
         message="The column to predict, 'price', has 2 infinite values (like 'inf')"),
    Case("numbers_with_text.csv", "label", 0, FINDINGS,
         (("warning", "Column 'x' holds numbers, but 6 of its values are not numbers "
                      "(like '?')."),)),
    Case("missing_labels.csv", "label", 0, FINDINGS,
         (("warning", "3 of 60 rows have no value in the column to predict, 'label'."),
          ("info", "Column 'y' has 6 missing values (10% of the rows)."))),
    Case("labels_all_missing.csv", "label", 2, TARGET,
         message="The column to predict, 'label', has no values at all."),
    Case("mixed_labels.csv", "label", 0, FINDINGS,
         (("warning", "The column to predict, 'label', mixes numbers and words"),
          ("warning", "Some values of 'label' differ only in capital letters or spaces"))),
    Case("one_class.csv", "label", 2, TARGET,
         message="Every row with a value in 'label' has the same value, 'spam', so there is "
                 "nothing to learn to tell apart."),
    Case("five_rows.csv", "label", 0, FINDINGS,
         (("warning", "2 classes of 'label' have fewer than 4 examples ('a': 3, 'b': 2)."),
          ("warning", "The table has only 5 rows."))),
    Case("duplicated_rows.csv", "label", 0, FINDINGS, (("warning", f"40 {COPIES}"),)),
    # --- generated by build_generated
    Case("imbalance_1_to_500.csv", "label", 0, FINDINGS,
         (("warning", "The classes of 'label' are very unbalanced: the most common one "
                      "('common', 2000 rows) has 500 times as many rows as the rarest "
                      "('rare', 4 rows)."),), generated=True),
    Case("big_field.csv", "label", 0, FINDINGS, (), generated=True),
    Case("one_big_field.csv", "label", 2, FILE,
         message="one_big_field.csv has a header line with column names but no rows of data",
         generated=True),
    Case("images_mixed/", None, 0, FINDINGS,
         (("warning", "The folder holds only 18 usable images."),
          ("warning", "5 files are not images Practica can read and were left out: "
                      "cats/bomb.png, cats/truncated.png, dogs/fake.jpg, dogs/notes.txt, "
                      "dogs/truncated.jpg.")),
         notes=("The folder 'birds' holds no usable images", "different sizes",
                "in grey and"), generated=True),
    Case("images_one_class/", None, 2, FILE,
         message="Only 1 class folder(s) in", generated=True),
    Case("images_all_broken/", None, 2, FILE,
         message="None of the 6 files in the class folders of", generated=True),
    Case("images_empty_classes/", None, 2, FILE, message="(cats, dogs) hold no files.",
         generated=True),
    Case("images_loose/", None, 2, FILE, message="has no sub-folders.", generated=True),
    Case("empty_folder/", None, 2, FILE, message="has no sub-folders.", generated=True),
)


def build_generated(folder: Path) -> Path:
    """Write the generated entries of ``CASES`` into ``folder``; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["x,y,label"] + [f"{i * 0.173:.3f},{i % 13},{'rare' if i % 501 == 250 else 'common'}"
                            for i in range(2004)]
    (folder / "imbalance_1_to_500.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    _write_big_fields(folder)
    _write_image_folders(folder)
    return folder


TOO_SMALL_TO_SPLIT = frozenset({"semicolon_decimal_comma.csv", "tab_separated.tsv", "pipe_delimited.csv", "latin1_accents.csv", "utf8_bom.csv", "utf16.csv", "quoted_newlines.csv", "duplicate_headers.csv", "blank_lines.csv", "five_rows.csv"})
"""Tables of 2 to 5 rows: fewer than the four sets of a split need (2 rows each)."""
CASES = tuple(replace(c, splits=False) if c.name in TOO_SMALL_TO_SPLIT else c
              for c in CASES)


def _write_big_fields(folder: Path) -> None:
    """A table with one 10 MB cell (quoted, with commas and line breaks inside), and a file
    that is one 10 MB field and nothing else."""
    piece = "lorem ipsum, dolor\n"
    field = piece * (BIG_FIELD_BYTES // len(piece) + 1)
    with open(folder / "big_field.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("note,x,label\n")
        for i in range(60):
            note = f'"{field}"' if i == 17 else f"row {i}"
            fh.write(f"{note},{i % 7 * 0.5},{'ab'[i % 2]}\n")
    (folder / "one_big_field.csv").write_text(f'"{field}"', encoding="utf-8")


def _png(width: int, height: int, body: bytes = b"") -> bytes:
    """A PNG whose header says ``width`` x ``height`` (its pixels may be missing)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(body))
            + chunk(b"IEND", b""))


def _write_image_folders(folder: Path) -> None:
    rng = np.random.default_rng(5)
    sizes = ((8, 8), (12, 10), (16, 9), (7, 14), (10, 10))
    modes = ("L", "RGB", "RGBA", "P", "I;16")
    mixed = folder / "images_mixed"
    for name in ("cats", "dogs"):
        (mixed / name).mkdir(parents=True, exist_ok=True)
        for i in range(8):
            width, height = sizes[i % len(sizes)]
            pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
            image = Image.fromarray(pixels)
            mode = modes[i % len(modes)]
            image = image.convert("I;16") if mode == "I;16" else image.convert(mode)
            image.save(mixed / name / f"{i}.png")
        Image.fromarray(rng.integers(0, 255, (10, 12, 3), dtype=np.uint8)).save(
            mixed / name / "photo.jpg", quality=80)
    whole = (mixed / "cats" / "1.png").read_bytes()
    (mixed / "cats" / "truncated.png").write_bytes(whole[: len(whole) // 2])
    (mixed / "cats" / "bomb.png").write_bytes(_png(60_000, 60_000))  # 3.6 gigapixels
    photo = (mixed / "dogs" / "photo.jpg").read_bytes()
    (mixed / "dogs" / "truncated.jpg").write_bytes(photo[: len(photo) // 2])
    (mixed / "dogs" / "notes.txt").write_text("not an image", encoding="utf-8")
    (mixed / "dogs" / "fake.jpg").write_text("not an image either", encoding="utf-8")
    (mixed / "birds").mkdir(exist_ok=True)  # an empty class folder

    one = folder / "images_one_class"
    for name in ("cats", "dogs"):
        (one / name).mkdir(parents=True, exist_ok=True)
    for i in range(3):
        Image.new("RGB", (8, 8), (40 * i, 0, 0)).save(one / "cats" / f"{i}.png")

    broken = folder / "images_all_broken"
    junk = random.Random(3)
    for name in ("cats", "dogs"):
        (broken / name).mkdir(parents=True, exist_ok=True)
        (broken / name / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(
            junk.randrange(256) for _ in range(64)))
        (broken / name / "b.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
        (broken / name / "readme.txt").write_text("notes", encoding="utf-8")

    for name in ("cats", "dogs"):
        (folder / "images_empty_classes" / name).mkdir(parents=True, exist_ok=True)

    loose = folder / "images_loose"
    loose.mkdir(exist_ok=True)
    for i in range(4):
        Image.new("L", (8, 8), 60 * i).save(loose / f"{i}.png")

    (folder / "empty_folder").mkdir(exist_ok=True)
