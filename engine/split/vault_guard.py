"""The vault guards the data, not a file name: fingerprints of the test rows, so that a
prediction made before the vault opens leaves those rows out, whatever file they come in.

A row's fingerprint is a keyed hash (BLAKE2b, 64 bits) of the inputs the model reads: the
row as the project's input coding turns it into numbers (a table's scaled numbers and
category columns, a text's word numbers, a series' steps, a picture's pixels at the model's
size), numbers to a thousandth of a standard deviation (so a copy written with fewer
decimals still matches), text values without the spaces around them. So a copy of the data file with a line added, spaces, rows or columns in another
order, other columns beside them, another file name, or a picture saved again under
another name, gives the same fingerprints: to the model they are the same examples. Two rows
with the same fingerprint get the same prediction, so a test row whose inputs are also
those of a training, train-dev or dev row is no secret (its prediction is that row's): only
the test rows that no other split shares are left out.

``project_guard`` makes the guard of a project (its test rows are read here, hashed and
never handed out); an export carries its guard as ``to_dict`` (the key and the hashes, not
the rows; ``engine.use.model_export``).

Example:
    >>> guard = VaultGuard.from_dict({"key": "00", "prints": ["000000000000002a"]})
    >>> guard.to_dict()["prints"], guard.size
    (['000000000000002a'], 1)
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from typing import Any, Callable

import numpy as np
import pandas as pd

from engine.core.errors import DataError, JobCancelled
from engine.core.jobs import NEVER, CancelFlag
from engine.core.texts import text
from engine.kinds.registry import data_kind as kind_named
from engine.project.project import Project
from engine.split.datasets import DEV_SPLITS, source_frame
# The guard reads the test rows to fingerprint them, never to hand them out.
from engine.split.datasets import _split_entries

BATCH_ROWS = 16_384  # rows coded at once (pictures: fewer, they are big)
PICTURE_BATCH_ROWS = 256
KEY_BYTES = 16
DECIMALS = 3  # coded numbers are standardized: equal to 0.001 of a standard deviation
UNREADABLE = np.uint64(0)  # a row that cannot be coded (a picture gone): matches nothing


def new_key() -> bytes:
    """A fresh random key for an export's fingerprints (so they match nothing elsewhere)."""
    return secrets.token_bytes(KEY_BYTES)


def row_fingerprints(coding, frame: pd.DataFrame, key: bytes = b"",
                     cancel: CancelFlag = NEVER) -> np.ndarray:
    """One fingerprint (uint64) per row of ``frame``: a hash, keyed by ``key``, of the
    inputs ``coding`` makes of it (``UNREADABLE`` for a row it cannot code).

    Args:
        coding: the fitted input coding (``engine.kinds.input_coding``); for pictures, its
            ``root`` is the folder that ``frame["file"]`` is relative to.
        frame: the rows.
        key: up to 64 bytes; the same rows under another key give other fingerprints.
        cancel: checked between batches.
    """
    out = np.full(len(frame), UNREADABLE, dtype=np.uint64)
    pictures = kind_named(getattr(coding, "kind", None) or "table").image_inputs
    step = PICTURE_BATCH_ROWS if pictures else BATCH_ROWS
    for start in range(0, len(frame), step):
        if cancel.is_set():
            raise JobCancelled("fingerprints cancelled")
        part = _stripped(frame.iloc[start:start + step])
        for first, X in _coded(coding, part):
            out[start + first:start + first + len(X)] = _digests(X, key)
    return out


def _stripped(part: pd.DataFrame) -> pd.DataFrame:
    """``part`` with the spaces around text values removed, and text left empty taken as
    missing (a copy of the data with spaces added is still the same data)."""
    texts = [c for c in part.columns if _is_text(part[c])]
    if not texts:
        return part
    part = part.copy()
    for c in texts:
        values = part[c].astype("string").str.strip()
        values = values.mask(values == "")
        part[c] = values.astype(object).where(values.notna(), None)
    return part


def _is_text(column: pd.Series) -> bool:
    """Whether ``column`` holds text only (missing values aside)."""
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return True
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string"


def _coded(coding, part: pd.DataFrame):
    """(position of the first row, inputs) for the rows of ``part``: the whole batch at
    once, or row by row when a row cannot be coded (that row is left ``UNREADABLE``)."""
    try:
        yield 0, coding.transform(part)
        return
    except DataError:
        pass
    for i in range(len(part)):
        try:
            yield i, coding.transform(part.iloc[i:i + 1])
        except DataError:
            continue


def _digests(X: np.ndarray, key: bytes) -> np.ndarray:
    X = np.asarray(X)
    X = X.reshape(len(X), -1)
    if X.dtype.kind == "f":  # to a thousandth of a standard deviation; -0.0 is 0.0
        X = np.round(X.astype(np.float64), DECIMALS) + 0.0
        X = np.where(np.isnan(X), np.nan, X)  # every NaN the same NaN
    raw = memoryview(np.ascontiguousarray(X).tobytes())
    width = X.shape[1] * X.dtype.itemsize
    blank = hashlib.blake2b(digest_size=8, key=key)
    digests = []
    for at in range(0, len(X) * width, width) if width else [0] * len(X):
        one = blank.copy()
        one.update(raw[at:at + width])
        digests.append(one.digest())
    found = np.frombuffer(b"".join(digests), dtype="<u8").astype(np.uint64)
    found[found == UNREADABLE] = 1  # zero is kept for rows that cannot be coded
    return found


class VaultGuard:
    """The fingerprints of a project's test rows, to leave them out of predictions.

    Args:
        prints: the fingerprints (or a function that works them out when first needed).
        key: the key they were made with.
        shared: a function giving the fingerprints of the other splits' rows, asked once,
            when a new row first matches a test row (those shared with another split are no
            secret); None when ``prints`` already leave them out.
        reason: a plain sentence on why the guard holds (an export's), or "".
    """

    def __init__(self, prints: np.ndarray | Callable[[], np.ndarray], key: bytes = b"",
                 shared: Callable[[], np.ndarray] | np.ndarray | None = None,
                 reason: str = "") -> None:
        self._prints = prints
        self.key = bytes(key)
        self._shared = shared
        self.reason = reason

    @property
    def prints(self) -> np.ndarray:
        """The fingerprints, sorted (uint64)."""
        if callable(self._prints):
            self._prints = self._prints()
        return self._prints

    @property
    def size(self) -> int:
        return int(len(self.prints))

    def leave_out(self, coding, frame: pd.DataFrame, cancel: CancelFlag = NEVER
                  ) -> tuple[pd.DataFrame, int]:
        """``frame`` without its rows whose inputs are those of a test row, and how many
        were left out."""
        if len(frame) == 0 or self.size == 0:
            return frame, 0
        found = row_fingerprints(coding, frame, self.key, cancel)
        hit = np.isin(found, self.prints) & (found != UNREADABLE)
        if hit.any() and self._shared is not None:
            if callable(self._shared):
                self._shared = self._shared()
            hit &= ~np.isin(found, self._shared)
        return (frame[~hit], int(hit.sum())) if hit.any() else (frame, 0)

    def to_dict(self) -> dict[str, Any]:
        """The key and the fingerprints as hexadecimal text (no rows)."""
        return {"key": self.key.hex(), "prints": [f"{int(p):016x}" for p in self.prints]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any], reason: str = "") -> "VaultGuard":
        """The guard written by ``to_dict``.

        Raises:
            ValueError, TypeError, KeyError: ``raw`` is not such a guard.
        """
        prints = np.array(sorted(int(str(p), 16) for p in raw["prints"]), dtype=np.uint64)
        return cls(prints, bytes.fromhex(str(raw["key"])), reason=reason)


def project_guard(project: Project, prep, key: bytes = b"") -> VaultGuard | None:
    """The guard of ``project`` while its vault is closed (None once it is open): the
    fingerprints of its test rows under ``key``, worked out when first needed.

    Args:
        project: a split project.
        prep: its input coding (``engine.kinds.preprocess_store.load_preprocessor``).
        key: the key of the fingerprints (an export's own; empty for the project).
    """
    if project.vault_open:
        return None
    return VaultGuard(lambda: _readable(project, prep, ("test",), key), key,
                      shared=lambda: _readable(project, prep, DEV_SPLITS, key))


def _readable(project: Project, prep, names: tuple[str, ...], key: bytes) -> np.ndarray:
    """``_split_prints``, or a ``DataError`` saying why nothing can be predicted while the
    project's data file cannot be read (its test rows cannot be told from new rows)."""
    try:
        return _split_prints(project, prep, names, key)
    except DataError as exc:
        raise DataError(text("vault_guard.no_data", problem=str(exc).rstrip("."))) from exc


def complete_guard(project: Project, prep, key: bytes | None = None) -> VaultGuard:
    """The guard of ``project`` with every fingerprint worked out now under ``key`` (a new
    random one by default), those the other splits share left out: what an export
    carries."""
    key = new_key() if key is None else key
    test = _readable(project, prep, ("test",), key)
    others = _readable(project, prep, DEV_SPLITS, key)
    return VaultGuard(test[~np.isin(test, others)], key)


def _split_prints(project: Project, prep, names: tuple[str, ...], key: bytes) -> np.ndarray:
    """The sorted distinct fingerprints of the rows of the splits ``names``."""
    entries = _split_entries(project)
    found = []
    for name in names:
        entry = entries[name]
        frame = source_frame(project, entry["source"])
        rows = np.asarray(entry["rows"], dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < len(frame))]
        found.append(row_fingerprints(_coding_for(project, prep, entry["source"]),
                                      frame.iloc[rows], key))
    prints = _distinct(np.concatenate(found)) if found else np.zeros(0, np.uint64)
    return prints[prints != UNREADABLE]


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values``, sorted (``np.unique`` is many times slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) \
        else values


def _coding_for(project: Project, prep, role: str):
    """``prep`` reading the files of source ``role`` (pictures: from its folder)."""
    source = project.source(role)
    if source is not None and kind_named(getattr(prep, "kind", "table")).folder:
        return dataclasses.replace(prep, root=str(source.path))
    return prep
