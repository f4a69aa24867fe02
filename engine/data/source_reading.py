"""Read one data source of a project into a frame with one row per example.

A table is read as it is; an image folder becomes a table of (file, class) rows; a long
sequence table (one row per time step) becomes one row per series. Splits are row numbers
into this frame, so every data kind is split, checked and counted the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.data.columnar_copy import read_kept
from engine.data.sequence_table import long_to_wide
from engine.data.label_vote import with_vote

IMAGE_KIND = "images"
SOUND_KIND = "sound_folder"
FOLDER_KINDS = (IMAGE_KIND, SOUND_KIND)
LONG_SEQUENCE_KIND = "sequence_long"


def read_source(path: str | Path, kind: str, options: dict[str, Any] | None = None,
                progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                copy: Path | None = None) -> pd.DataFrame:
    """The examples of the source at ``path`` as a frame.

    Args:
        path: the file (or, for images, the folder).
        kind: the ``DataSource.kind`` (``images``, ``sequence_long`` or a table kind).
        options: for ``sequence_long``: ``id``, ``time``, ``values`` (list) and ``target``;
            for a table labelled by several people: ``label_columns`` (list),
            ``vote_column`` and ``vote`` (``majority`` or ``mean``), see
            ``engine.data.label_vote``.
        progress, cancel: ``Progress`` while a big text table is read; stop request in.
        copy: where the table's columnar copy is kept (``engine.data.columnar_copy``): read
            from it when it was made from this very file, else made again; None reads the
            file itself.

    Raises:
        DataError: the source cannot be read; the message says what to do.
    """
    if kind == IMAGE_KIND:
        # Imported here to keep Pillow out of start-up.
        from engine.data.image_folder import read_image_folder

        return read_image_folder(path).frame
    if kind == SOUND_KIND:
        # Imported here to keep SciPy out of start-up.
        from engine.data.sound_folder import read_sound_folder

        return read_sound_folder(path).frame
    frame = read_kept(path, copy, progress, cancel)
    o = options or {}
    if kind == LONG_SEQUENCE_KIND:
        return long_to_wide(frame, o["id"], o["time"], list(o["values"]), o["target"])
    if o.get("label_columns"):  # several labellers: their vote is the target column
        return with_vote(frame, list(o["label_columns"]), o["vote_column"], o["vote"])
    return frame


def source_stamp(path: str | Path) -> tuple[int, int]:
    """(modification time, size) of a file, or of a folder and the files just inside it, to
    tell when a cached read is stale."""
    p = Path(path)
    stat = p.stat()
    if not p.is_dir():
        return stat.st_mtime_ns, stat.st_size
    newest, count = stat.st_mtime_ns, 0
    for child in p.iterdir():
        s = child.stat()
        newest, count = max(newest, s.st_mtime_ns), count + 1
    return newest, count
