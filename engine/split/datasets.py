"""Rows of a split as frames and arrays, read from the project's data files.

This is the only way the rest of the engine gets at data rows; the test split goes through
the vault.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd

from engine.core.errors import ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.project.malformed import malformed, read_json
from engine.project.project import SPLITS_FILE, Project
from engine.data.source_reading import read_source, source_stamp
from engine.core.texts import text
from engine.project.split_integrity import check_split_entries
from engine.project.vault import require_open
from engine.project.parts.goal import Goal

DEV_SPLITS = ("train", "train_dev", "dev")
COPY_FOLDER = "data/cache"


def source_frame(project: Project, role: str = "main", progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> pd.DataFrame:
    """The whole data file of ``role`` (``main`` or ``target``) as read from disk.

    The frame is shared between callers (read once per file version): never modify it.
    ``progress`` and ``cancel`` serve a read from disk (a big file), not a cached frame.
    """
    source = project.source(role)
    if source is None:
        raise ProjectError(text("project.no_data"))
    try:
        stamp = source_stamp(source.path)
    except OSError:
        return read_source(source.path, source.kind, source.options)  # the plain "no file" error
    return _read_cached(source.path, source.kind, json.dumps(source.options, sort_keys=True),
                        stamp, _Reading(progress, cancel), str(copy_path(project, role)))


def copy_path(project: Project, role: str) -> Path:
    """Where the columnar copy of the data file of ``role`` is kept in the project
    (``engine.data.columnar_copy``): the whole file, as the user has it."""
    return project.root / COPY_FOLDER / f"{role}.arrow"


class _Reading:
    """Progress and cancel of one read, handed to the cache without being part of its key."""

    def __init__(self, progress: ProgressFn, cancel: CancelFlag) -> None:
        self.progress, self.cancel = progress, cancel

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reading)

    def __hash__(self) -> int:
        return 0


@functools.lru_cache(maxsize=4)
def _read_cached(path: str, kind: str, options: str, stamp: tuple[int, int],
                 reading: _Reading, copy: str) -> pd.DataFrame:
    return read_source(path, kind, json.loads(options), reading.progress, reading.cancel,
                       Path(copy))


def split_rows(project: Project) -> dict:
    """The content of ``splits.json``: each split's ``source`` and ``rows``. While the vault
    is closed the test split shows its source and size only (``rows`` is left out)."""
    entries = _split_entries(project)
    test = entries.get("test")
    if not project.vault_open and isinstance(test, dict):
        entries["test"] = {"source": test.get("source"), "size": len(test.get("rows") or ())}
    return entries


def _split_entries(project: Project) -> dict:
    """``splits.json`` read: each split a record with its ``source`` and a list of ``rows``
    (anything else is a ``MalformedFileError``, one plain line), refused when its rows are
    not those recorded when the split was made (``engine.project.split_integrity``)."""
    path = project.root / SPLITS_FILE
    if not path.is_file():
        raise ProjectError(text("project.no_split"))
    entries = read_json(path)
    if not isinstance(entries, dict):
        raise malformed(path, text("project.wrong_form"))
    for name, entry in entries.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("source"), str)
                and isinstance(entry.get("rows"), list)):
            raise malformed(path, text("project.wrong_form"), str(name))
        _row_numbers(project, str(name), entry["rows"])  # what is wrong, before "changed"
    check_split_entries(project.split, entries)
    return entries


def _row_numbers(project: Project, name: str, rows: list) -> np.ndarray:
    """The rows of split ``name`` as row numbers, refused unless every one is a whole number
    from 0 up (a text, a fraction, ``true`` or a number too big for a row)."""
    numbers = np.asarray(rows)
    if numbers.size and (numbers.ndim != 1 or numbers.dtype.kind not in "iu"
                         or numbers.min() < 0):
        raise malformed(project.root / SPLITS_FILE, text("project.bad_rows", split=name))
    return numbers.astype(np.int64)


def split_frame(project: Project, name: str) -> pd.DataFrame:
    """The rows of split ``name``; the test split raises until the vault is opened."""
    if name == "test":
        require_open(project, "the test rows")
    elif name not in DEV_SPLITS:
        raise ValueError(f"unknown split {name!r}")
    entry = _split_entries(project).get(name)
    if entry is None:
        raise malformed(project.root / SPLITS_FILE, text("project.missing_key", name=name))
    frame = source_frame(project, entry["source"])
    rows = _row_numbers(project, name, entry["rows"])
    if len(rows) and rows.max() >= len(frame):
        raise ProjectError(text("project.data_changed", path=project.source(entry["source"]).path))
    return frame.iloc[rows]


def target_values(project: Project, frame: pd.DataFrame) -> pd.Series:
    """The target column of ``frame``, as text labels for classification."""
    goal = project.goal or Goal()
    if goal.target not in frame.columns:  # a hand-edited goal, or another data file
        raise ProjectError(text("project.no_target_column", target=goal.target))
    y = frame[goal.target]
    if goal.task in ("binary", "multiclass"):
        return labels_of(y)
    return y.astype(float)


def labels_of(values: pd.Series) -> pd.Series:
    """``values.map(label_text)``, with each distinct value turned into text once (a
    million rows of two classes: two calls instead of a million)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = [label_text(v) for v in distinct]
    # Imported here to keep pyarrow out of start-up.
    import pyarrow as pa

    # The rows take their text in Arrow (a dictionary decoded at once): the same column as
    # a million Python strings turned into Arrow text one by one, in a sixth of the time.
    labels = pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int64)),
                                            pa.array(texts, pa.large_string()))
    return pd.Series(pd.array(labels.cast(pa.large_string()), dtype="str"),
                     index=values.index, name=values.name)


def label_text(value) -> str:
    """One class label as text; ``1.0`` read from a float column becomes ``"1"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
