"""Rows of a split as frames and arrays, read from the project's data files.

This is the only way the rest of the engine gets at data rows; the test split goes through
the vault.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd

from engine.errors import ProjectError
from engine.project import SPLITS_FILE, Project
from engine.source_reading import read_source, source_stamp
from engine.texts import text
from engine.vault import require_open

DEV_SPLITS = ("train", "train_dev", "dev")


def source_frame(project: Project, role: str = "main") -> pd.DataFrame:
    """The whole data file of ``role`` (``main`` or ``target``) as read from disk.

    The frame is shared between callers (read once per file version): never modify it.
    """
    source = project.source(role)
    if source is None:
        raise ProjectError(text("project.no_data"))
    try:
        stamp = source_stamp(source.path)
    except OSError:
        return read_source(source.path, source.kind, source.options)  # the plain "no file" error
    return _read_cached(source.path, source.kind, json.dumps(source.options, sort_keys=True),
                        stamp)


@functools.lru_cache(maxsize=4)
def _read_cached(path: str, kind: str, options: str, stamp: tuple[int, int]) -> pd.DataFrame:
    return read_source(path, kind, json.loads(options))


def split_rows(project: Project) -> dict:
    """The content of ``splits.json``, test rows included: callers go through ``split_frame``."""
    path = project.root / SPLITS_FILE
    if not path.is_file():
        raise ProjectError(text("project.no_split"))
    return json.loads(path.read_text(encoding="utf-8"))


def split_frame(project: Project, name: str) -> pd.DataFrame:
    """The rows of split ``name``; the test split raises until the vault is opened."""
    if name == "test":
        require_open(project, "the test rows")
    elif name not in DEV_SPLITS:
        raise ValueError(f"unknown split {name!r}")
    entry = split_rows(project)[name]
    frame = source_frame(project, entry["source"])
    rows = np.asarray(entry["rows"], dtype=np.int64)
    if len(rows) and rows.max() >= len(frame):
        raise ProjectError(text("project.data_changed", path=project.source(entry["source"]).path))
    return frame.iloc[rows]


def target_values(project: Project, frame: pd.DataFrame) -> pd.Series:
    """The target column of ``frame``, as text labels for classification."""
    goal = project.goal or {}
    y = frame[goal["target"]]
    if goal.get("task") in ("binary", "multiclass"):
        return y.map(label_text)
    return y.astype(float)


def label_text(value) -> str:
    """One class label as text; ``1.0`` read from a float column becomes ``"1"``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
