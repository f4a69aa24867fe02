"""Reading an image folder: classes, what is skipped and why, remarks, errors, fingerprint."""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.kinds.registry import DATA_KINDS
from engine.core.errors import DataError
from engine.data.image_folder import (check_image, folder_fingerprint, image_facts,
                                 is_image_folder, read_image_folder)
from engine.core.texts import text


def save_image(path: Path, colour, mode: str = "RGB", size=(20, 14), fmt: str | None = None,
               **options) -> Path:
    """A plain image of one colour (``colour`` is a grey level for mode L)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, colour).save(path, format=fmt, **options)
    return path


def make_image_folder(root: Path) -> Path:
    """cats (red, one grey), dogs (blue, one grey JPEG), an empty class, plus the odd files."""
    save_image(root / "cats" / "a.png", (250, 10, 10))
    save_image(root / "cats" / "b.jpg", (240, 20, 20), quality=95)
    save_image(root / "cats" / "c.png", 120, mode="L")
    save_image(root / "cats" / "deep" / "d.png", (230, 0, 0))
    save_image(root / "dogs" / "a.png", (10, 10, 250))
    save_image(root / "dogs" / "b.png", (20, 20, 240))
    save_image(root / "dogs" / "c.jpg", 60, mode="L", quality=95)
    whole = io.BytesIO()
    Image.new("RGB", (20, 14), (1, 2, 3)).save(whole, format="PNG")
    (root / "cats" / "broken.png").write_bytes(whole.getvalue()[:60])  # cut short
    (root / "cats" / "notes.txt").write_text("not a picture", encoding="utf-8")
    save_image(root / "cats" / ".hidden.png", (0, 0, 0))
    save_image(root / ".cache" / "x.png", (0, 0, 0))
    (root / "empty").mkdir()
    save_image(root / "loose.png", (9, 9, 9))
    (root / "labels.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return root


def test_reads_classes_files_and_skips_with_reasons(tmp_path):
    read = read_image_folder(make_image_folder(tmp_path / "pets"))
    assert read.classes == ("cats", "dogs")
    assert read.frame.columns.tolist() == ["file", "class"]
    assert read.frame["file"].tolist() == ["cats/a.png", "cats/b.jpg", "cats/c.png",
                                           "cats/deep/d.png", "dogs/a.png", "dogs/b.png",
                                           "dogs/c.jpg"]
    assert read.frame["class"].tolist() == ["cats"] * 4 + ["dogs"] * 3
    assert list(read.frame.index) == list(range(7))
    assert read.skipped == (("cats/broken.png", text("images.skip_damaged")),
                            ("cats/notes.txt", text("images.skip_not_image")))
    everything = " ".join(read.frame["file"]) + " ".join(p for p, _ in read.skipped)
    assert "hidden" not in everything and ".cache" not in everything
    assert text("images.note_empty_class", name="empty") in read.notes
    assert text("images.note_root_images", count=1) in read.notes
    assert text("images.note_modes_mixed", grey=2, colour=5) in read.notes
    assert text("images.note_small_class", name="dogs", count=3) in read.notes
    assert read.sizes["median_width"] == 20 and read.sizes["median_height"] == 14
    assert read.sizes["modes"] == {"L": 2, "RGB": 5}
    assert not any("different sizes" in n for n in read.notes)


def test_content_decides_not_the_name(tmp_path):
    root = tmp_path / "data"
    save_image(root / "a" / "really_png.jpg", (1, 2, 3), fmt="PNG")
    save_image(root / "a" / "x.bmp", (1, 2, 3))
    save_image(root / "b" / "y.gif", (1, 2, 3))
    save_image(root / "b" / "scan.tif", (1, 2, 3), size=(30, 10))
    (root / "b" / "fake.png").write_text("hello", encoding="utf-8")
    read = read_image_folder(root)
    assert read.frame["file"].tolist() == ["a/really_png.jpg", "a/x.bmp", "b/y.gif"]
    assert read.skipped == (("b/fake.png", text("images.skip_not_image")),
                            ("b/scan.tif", text("images.skip_format", format="TIFF")))


def test_truncated_jpeg_is_damaged(tmp_path):
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, format="JPEG", quality=90)
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    assert check_image(path) == (None, text("images.skip_damaged"))


def test_sizes_remark_and_orientation(tmp_path):
    root = tmp_path / "data"
    save_image(root / "a" / "1.png", (1, 2, 3), size=(40, 30))
    save_image(root / "b" / "2.png", (1, 2, 3), size=(20, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned a quarter
    save_image(root / "b" / "3.jpg", (1, 2, 3), size=(20, 14), exif=exif.tobytes())
    facts = image_facts(root / "b" / "3.jpg")
    assert (facts.width, facts.height) == (14, 20)
    read = read_image_folder(root)
    assert read.sizes["min_width"] == 14 and read.sizes["max_width"] == 40
    assert any(n == text("images.note_sizes_differ", smallest="14x10", largest="40x30",
                         median="20x20") for n in read.notes)


def test_grey_palette_counts_as_grey(tmp_path):
    grey = Image.new("L", (8, 8), 77).convert("P")
    colour = Image.new("RGB", (8, 8), (200, 10, 10)).convert("P")
    grey.save(tmp_path / "g.png")
    colour.save(tmp_path / "c.png")
    assert image_facts(tmp_path / "g.png").grayscale
    assert not image_facts(tmp_path / "c.png").grayscale


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(DataError, match="There is no folder"):
        read_image_folder(tmp_path / "nowhere")
    file = tmp_path / "f.csv"
    file.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(DataError, match="is a file, not a folder"):
        read_image_folder(file)
    flat = tmp_path / "flat"
    save_image(flat / "one.png", (1, 2, 3))
    save_image(flat / ".hidden" / "two.png", (1, 2, 3))
    with pytest.raises(DataError, match="has no sub-folders"):
        read_image_folder(flat)
    single = tmp_path / "single"
    save_image(single / "cats" / "one.png", (1, 2, 3))
    (single / "dogs").mkdir()
    (single / "dogs" / "readme.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"Only 1 class folder\(s\).*\(cats\)"):
        read_image_folder(single)


def test_fingerprint_follows_visible_files_only(tmp_path):
    root = make_image_folder(tmp_path / "pets")
    first = folder_fingerprint(root)
    assert first == folder_fingerprint(root) and len(first) == 64
    save_image(root / "cats" / ".another_hidden.png", (0, 0, 0))
    assert folder_fingerprint(root) == first
    target = root / "dogs" / "a.png"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    touched = folder_fingerprint(root)
    assert touched != first
    save_image(root / "dogs" / "new.png", (0, 0, 0))
    assert folder_fingerprint(root) != touched


def test_is_image_folder_and_kinds(tmp_path):
    assert is_image_folder(tmp_path)
    (tmp_path / "t.csv").write_text("a\n", encoding="utf-8")
    assert not is_image_folder(tmp_path / "t.csv")
    assert not is_image_folder(tmp_path / "missing")
    assert DATA_KINDS == ("table", "images", "text", "sequence", "sound")
