"""The split's rows as part of its record: a digest of each split's row numbers, written when
the split is made and checked before the rows of ``splits.json`` are used.

``splits.json`` is a plain file in the project folder; swapping its ``dev`` and ``test``
entries by hand would make the test rows answer as dev rows. The split record
(``project.json``) keeps a digest of each split's source and row numbers, so an edited file
is reported when the project opens (``Project.integrity_problems``) and refused by every
step that reads its rows (``engine.split.datasets``). A split made before the digests existed
has none: it is not checked (nothing can tell an edit from the original).

Example:
    >>> a = rows_digest("main", [1, 5, 9])
    >>> a == rows_digest("main", [9, 1, 5]), a == rows_digest("target", [1, 5, 9])
    (True, False)
    >>> altered_splits({"dev": a}, {"dev": {"source": "main", "rows": [1, 5, 8]}})
    ['dev']
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

import numpy as np

from pathlib import Path

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.project.parts.split import SplitRecord

SPLIT_NAMES = ("train", "train_dev", "dev", "test")


def rows_digest(source: str, rows: Iterable[int]) -> str:
    """A digest of one split: its source file (``main`` or ``target``) and its row numbers
    (in any order; a row given twice counts twice)."""
    numbers = np.sort(np.asarray(list(rows) if not isinstance(rows, (list, np.ndarray))
                                 else rows, dtype=np.int64))
    digest = hashlib.sha256(str(source).encode("utf-8") + b":")
    digest.update(numbers.astype("<i8").tobytes())
    return digest.hexdigest()[:32]


def split_digests(entries: Mapping[str, Any]) -> dict[str, str]:
    """The digest of every split in ``entries`` (the content of ``splits.json``)."""
    return {name: rows_digest(entry["source"], entry["rows"])
            for name, entry in entries.items() if name in SPLIT_NAMES}


def altered_splits(recorded: Mapping[str, str], entries: Any) -> list[str]:
    """The splits whose rows differ from the ``recorded`` digests (all of them when
    ``entries`` is not a readable split file); empty when nothing was recorded."""
    if not recorded:
        return []
    try:
        found = split_digests(entries)
    except (TypeError, KeyError, ValueError, AttributeError, OverflowError):  # not a split file any more
        return list(recorded)
    return [name for name in SPLIT_NAMES
            if name in recorded and found.get(name) != recorded[name]]


def check_split_entries(split: SplitRecord | None, entries: Any) -> None:
    """Raise ``ProjectError`` when ``entries`` (just read from ``splits.json``) are not the
    rows recorded in ``split`` (the project's split record) when the split was made."""
    altered = altered_splits(_recorded(split), entries)
    if altered:
        raise ProjectError(text("split_integrity.refused", splits=_names(altered)))


def split_problems(splits_file: str | Path, split: SplitRecord | None) -> list[str]:
    """Plain sentences about ``splits_file`` (the project's ``splits.json``) having been
    changed outside Practica since ``split`` was recorded (for
    ``Project.integrity_problems`` when the project opens); empty when it is as recorded,
    missing, or from a split made before the digests existed."""
    recorded = _recorded(split)
    path = Path(splits_file)
    if not recorded or not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        entries = None
    altered = altered_splits(recorded, entries)
    return [text("split_integrity.altered", splits=_names(altered))] if altered else []


def _recorded(split: SplitRecord | None) -> dict[str, str]:
    return dict(split.row_hashes) if isinstance(split, SplitRecord) else {}


def _names(splits: list[str]) -> str:
    """``dev``, ``dev and test``, ``train, dev and test``."""
    names = [name.replace("_", "-") for name in splits]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
