"""Check a data source of any kind before a project is made from it: the kind (given, or
guessed from the source) reads and checks it (``engine.data.source_check``).

Use:
    check = check_source("photos/", data_kind="images")
    check.target, [s[0] for s in check.skipped]
"""

from __future__ import annotations

from pathlib import Path

from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.kinds.registry import data_kind as kind_named


def guess_data_kind(path: str | Path, text_column: str | None = None,
                    sequence: dict | None = None) -> str:
    """The data kind the user most likely means: a folder holds recordings (mostly WAV,
    FLAC or OGG files) or images; a text column or a sequence layout says so; anything else is a
    table."""
    if Path(path).is_dir():
        # Imported here to keep pandas out of start-up.
        from engine.data.sound_folder import is_sound_folder

        return "sound" if is_sound_folder(path) else "images"
    if text_column:
        return "text"
    if sequence:
        return "sequence"
    return "table"


def check_source(path: str | Path, target: str | None = None, data_kind: str | None = None,
                 text_column: str | None = None, sequence: dict | None = None,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER):
    """Read and check the source at ``path`` as ``data_kind`` (guessed when None); the
    result is a ``engine.data.source_check.SourceCheck``.

    Args:
        path: a table file, or a folder with one sub-folder of images (or recordings)
            per class.
        target: the column to predict (image folders: the sub-folder names, no column).
        data_kind: ``table``, ``images``, ``text``, ``sequence`` or ``sound``.
        text_column: for text, the column that holds the text.
        sequence: for sequences, ``{"format": "wide"}`` (one series per row, the numeric
            columns in file order) or ``{"format": "long", "id": ..., "time": ...,
            "values": [...]}`` (one row per time step).
        progress, cancel: ``Progress`` while a table is read and checked; stop request in
            (``JobCancelled``).

    Raises:
        DataError: the source cannot be read, with what to do.
        UnknownDataKind: no kind is called ``data_kind``.
    """
    kind = kind_named(data_kind or guess_data_kind(path, text_column, sequence))
    return kind.check_source(path, target, text_column, sequence, progress, cancel)
