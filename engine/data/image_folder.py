"""Read a folder of images sorted into one sub-folder per class, as a table of examples.

The chosen folder holds one sub-folder per class (``cats/``, ``dogs/``); every image inside
a class folder, at any depth, is one example of that class. The result is a frame with
the columns ``file`` (the path relative to the folder, with ``/``) and ``class``, so image
folders are split, counted and checked like any table. Each file is opened and fully
decoded once: files that are not PNG, JPEG, BMP or GIF images by their content (whatever
their name ends in), or that are damaged or cut short, are listed in ``skipped`` with a
plain reason. Hidden files and folders (names starting with a dot) and the system files
``Thumbs.db``/``desktop.ini``/``__MACOSX`` are ignored silently.

Use:
    read = read_image_folder("flowers")
    read.classes, len(read.frame), read.skipped[:1]
"""

from __future__ import annotations

import hashlib
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import numpy as np
import pandas as pd
from PIL import Image

from engine.core.errors import DataError
from engine.core.texts import text

IMAGE_FORMATS = ("PNG", "JPEG", "BMP", "GIF")
GRAYSCALE_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"})
SMALL_CLASS = 10  # a class with fewer images than this gets a remark
_SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini", "__macosx"})
_PARALLEL_FROM = 32  # below this many files, threads cost more than they save

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ImageFacts:
    """What the header of one image says: its upright size, its mode and if it is grey."""

    width: int
    height: int
    mode: str
    grayscale: bool


@dataclass(frozen=True, eq=False)
class ImageFolderRead:
    """An image folder read as examples: ``frame`` (file, class), what was left out and why."""

    frame: pd.DataFrame
    skipped: tuple[tuple[str, str], ...]
    classes: tuple[str, ...]
    notes: tuple[str, ...]
    sizes: dict[str, Any]
    root: Path


def read_image_folder(root: str | Path) -> ImageFolderRead:
    """Read the image folder ``root`` (one sub-folder per class).

    Args:
        root: the folder that holds the class folders.

    Returns:
        An ``ImageFolderRead``: the frame is sorted by ``file`` and has a 0..n-1 index.

    Raises:
        DataError: the folder is missing, has no class folders, or fewer than two class
            folders hold usable images.

    Use:
        read_image_folder("pets").frame.iloc[0].to_dict()
    """
    root = Path(root)
    class_dirs, rows, skipped, facts = check_class_files(root, check_image)
    counts = {name: 0 for name in class_dirs}
    for _, name in rows:
        counts[name] += 1
    classes = tuple(name for name in class_dirs if counts[name])
    if not classes and skipped:
        first, reason = sorted(skipped)[0]
        raise DataError(text("bad_input.no_usable_images", path=root, count=len(skipped),
                             file=first, reason=reason))
    if not classes:
        raise DataError(text("bad_input.class_folders_empty", path=root,
                             names=", ".join(class_dirs[:8])))
    if len(classes) < 2:
        raise DataError(text("images.too_few_classes", path=root, count=len(classes),
                             names=", ".join(classes) or "-"))
    notes = [text("images.note_empty_class", name=n) for n in class_dirs if not counts[n]]
    notes += [text("images.note_small_class", name=n, count=counts[n]) for n in classes
              if counts[n] < SMALL_CLASS]
    loose = sum(1 for e in os.scandir(root) if e.is_file() and visible_name(e.name)
                and _looks_like_image(Path(e.path)))
    if loose:
        notes.append(text("images.note_root_images", count=loose))
    if skipped:
        notes.append(text("images.note_skipped", count=len(skipped)))
    sizes = _size_summary(facts)
    notes += _size_notes(sizes)
    order = sorted(range(len(rows)), key=lambda i: rows[i][0])
    frame = pd.DataFrame([rows[i] for i in order], columns=["file", "class"])
    return ImageFolderRead(frame, tuple(sorted(skipped)), classes, tuple(notes), sizes, root)


def is_image_folder(path: str | Path) -> bool:
    """True when ``path`` is a folder (image data is chosen as a folder, tables as files).

    Args:
        path: a path the user chose.

    Returns:
        Whether it is an existing directory.

    Use:
        is_image_folder("flowers"), is_image_folder("table.csv")
    """
    return Path(path).is_dir()


def folder_fingerprint(root: str | Path) -> str:
    """SHA-256 (hex) over the sorted relative paths, sizes and modification times of the
    visible files below ``root``: cheap (no file is read) and changes when any file is
    added, removed, replaced or touched.

    Args:
        root: the image folder.

    Returns:
        64 hex characters.

    Example:
        >>> len(folder_fingerprint("flowers"))
        64
    """
    root = Path(root)
    entries = []
    for rel in files_below(root, ""):
        stat = (root / rel).stat()
        entries.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    digest = hashlib.sha256()
    for entry in sorted(entries):
        digest.update(entry.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def check_image(path: str | Path) -> tuple[ImageFacts | None, str | None]:
    """Open and fully decode one file to tell if it is a usable image.

    Args:
        path: the file.

    Returns:
        ``(facts, None)`` for a usable PNG/JPEG/BMP/GIF image, else ``(None, reason)`` with
        a plain reason.

    Use:
        check_image("notes.txt")
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                if img.format not in IMAGE_FORMATS:
                    return None, text("images.skip_format", format=img.format or "?")
                facts = _facts(img)
                if img.format == "JPEG":  # decode at 1/8 scale: faster, yet reads every byte
                    img.draft(img.mode, (1, 1))
                img.load()
    except Image.DecompressionBombError:
        return None, text("images.skip_too_large")
    except Image.UnidentifiedImageError:
        return None, text("images.skip_not_image")
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, OSError) and exc.errno is not None:
            return None, text("images.skip_unreadable", reason=exc.strerror or exc)
        return None, text("images.skip_damaged")
    return facts, None


def image_facts(path: str | Path) -> ImageFacts:
    """The upright size and mode of one image, from its header only (fast).

    Args:
        path: an image file.

    Returns:
        ``ImageFacts``; width and height are swapped for photos that their camera marked
        as turned.

    Use:
        image_facts("cat/001.jpg").width
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as img:
            return _facts(img)


def map_files(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[fn(item) for item in items]``, on a few threads when there are many items.

    Image decoding releases Python's lock, so threads give a real speed-up.

    Args:
        fn: the work for one item.
        items: the items.

    Returns:
        The results, in the order of ``items``.

    Example:
        >>> map_files(len, ["a", "bc"])
        [1, 2]
    """
    items = list(items)
    if len(items) < _PARALLEL_FROM:
        return [fn(item) for item in items]
    workers = max(1, min(8, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items, chunksize=16))


def check_class_files(root: Path, check, keep=None) -> tuple[list[str], list, list, list]:
    """Check every file in the class folders of ``root`` (in parallel, ``map_files``).

    Args:
        root: the folder that holds one sub-folder per class.
        check: ``check(path) -> (facts, reason)``; facts None when the file is unusable.
        keep: ``keep(relative path) -> bool``, the files to check (default: all).

    Returns:
        The class folders' names, the usable files as ``(relative path, class)``, the
        skipped ones as ``(relative path, reason)``, and the usable files' facts.

    Raises:
        DataError: ``root`` is missing, not a folder, or holds no class folders.
    """
    if not root.exists():
        raise DataError(text("images.folder_missing", path=root))
    if not root.is_dir():
        raise DataError(text("images.not_a_folder", path=root))
    class_dirs = sorted(e.name for e in os.scandir(root) if e.is_dir() and visible_name(e.name))
    if not class_dirs:
        raise DataError(text("images.no_class_folders", path=root))
    candidates = [(name, rel) for name in class_dirs for rel in files_below(root, name)
                  if keep is None or keep(rel)]
    checked = map_files(lambda item: check(root / item[1]), candidates)
    rows, skipped, facts = [], [], []
    for (name, rel), (fact, reason) in zip(candidates, checked):
        if fact is None:
            skipped.append((rel, reason))
        else:
            rows.append((rel, name))
            facts.append(fact)
    return class_dirs, rows, skipped, facts


def visible_name(name: str) -> bool:
    """Whether a file or folder is the user's (not hidden, not one the system leaves)."""
    return not name.startswith(".") and name.lower() not in _SYSTEM_NAMES


def files_below(root: Path, sub: str) -> list[str]:
    """Relative posix paths of the visible files below ``root/sub`` (all depths)."""
    found = []
    for folder, dirs, files in os.walk(root / sub if sub else root):
        dirs[:] = sorted(d for d in dirs if visible_name(d))
        base = Path(folder).relative_to(root)
        found += [(base / f).as_posix() for f in sorted(files) if visible_name(f)]
    return found


def _facts(img: Image.Image) -> ImageFacts:
    width, height = img.size
    try:
        if img.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientation: turned a quarter
            width, height = height, width
    except (OSError, SyntaxError, ValueError):
        pass
    return ImageFacts(int(width), int(height), img.mode, _is_grey(img))


def _is_grey(img: Image.Image) -> bool:
    if img.mode in GRAYSCALE_MODES:
        return True
    if img.mode in ("P", "PA"):
        palette = img.getpalette() or []
        triples = np.asarray(palette[: len(palette) // 3 * 3]).reshape(-1, 3)
        return bool(len(triples)) and bool(np.all(triples == triples[:, :1]))
    return False


def _looks_like_image(path: Path) -> bool:
    try:
        with Image.open(path) as img:
            return img.format in IMAGE_FORMATS
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def _size_summary(facts: list[ImageFacts]) -> dict[str, Any]:
    widths = np.array([f.width for f in facts])
    heights = np.array([f.height for f in facts])
    modes: dict[str, int] = {}
    for f in facts:
        modes[f.mode] = modes.get(f.mode, 0) + 1
    return {
        "count": len(facts),
        "median_width": int(np.median(widths)), "median_height": int(np.median(heights)),
        "min_width": int(widths.min()), "min_height": int(heights.min()),
        "max_width": int(widths.max()), "max_height": int(heights.max()),
        "modes": dict(sorted(modes.items())),
        "grayscale": sum(1 for f in facts if f.grayscale),
    }


def _size_notes(sizes: dict[str, Any]) -> list[str]:
    notes = []
    if (sizes["min_width"], sizes["min_height"]) != (sizes["max_width"], sizes["max_height"]):
        notes.append(text("images.note_sizes_differ",
                          smallest=f"{sizes['min_width']}x{sizes['min_height']}",
                          largest=f"{sizes['max_width']}x{sizes['max_height']}",
                          median=f"{sizes['median_width']}x{sizes['median_height']}"))
    grey, count = sizes["grayscale"], sizes["count"]
    if 0 < grey < count:
        notes.append(text("images.note_modes_mixed", grey=grey, colour=count - grey))
    return notes
