"""New data to predict: read it the way the training data was read and check it fits.

A table (CSV, Excel, Parquet) must hold every input column the model reads; other columns
(the target too, when it is there) are kept and passed through to the predictions. Texts
are a table with the text column. Sequences are a wide table with the step columns, or,
when the model was trained on a long table (one row per time step), a long table with the
same id, time and value columns, turned into one row per series as in training. Images are
a folder of pictures (any depth) or a single picture; files that are not usable pictures
are skipped with a remark. Sounds are the same with WAV recordings.

While the vault of a project is closed, its test rows are left out of the new data, in
whatever file they come (matched by the inputs the model reads, not by the file:
``engine.split.vault_guard``), and a remark says how many; a file of test rows only is
refused. They stay unseen until the final test.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.core.jobs import NEVER, CancelFlag
from engine.kinds.registry import data_kind as kind_named
from engine.data.source_reading import LONG_SEQUENCE_KIND
from engine.data.tabular import read_table
from engine.core.texts import text
from engine.use.usable_model import UsableModel
from engine.data.sequence_table import long_to_wide

MOST_NAMED = 5  # missing columns named in one message


@dataclass(frozen=True, eq=False)
class NewData:
    """New examples, one per row, and the coding that reads them.

    ``frame`` holds every column of the file (passed through to the predictions);
    ``keep`` names the columns to pass through, in order; ``coding`` is the model's
    coding (for images, pointed at the new folder).
    """

    frame: pd.DataFrame
    keep: tuple[str, ...]
    coding: object
    notes: tuple[str, ...] = ()


def read_new_data(usable: UsableModel, path: str | Path,
                  cancel: CancelFlag = NEVER) -> NewData:
    """Read ``path`` for ``usable`` and check that it holds what the model reads; while the
    project's vault is closed, its test rows are left out (and a remark says how many).

    Raises:
        DataError: the file cannot be read, lacks an input column (named in the message),
            holds nothing but test rows while the vault is closed, or is the wrong kind of
            data for the model (a table for an image model, say).
    """
    path = Path(path).expanduser()
    if kind_named(usable.data_kind).folder:
        data = _read_images(usable, path)
    else:
        data = _read_table(usable, path)
    return _without_test_rows(usable, data, path.name, cancel)


def _read_table(usable: UsableModel, path: Path) -> NewData:
    if path.is_dir():
        raise DataError(text("use.folder_for_table", path=path))
    frame = read_table(path).frame
    notes: tuple[str, ...] = ()
    if usable.source.get("kind") == LONG_SEQUENCE_KIND:
        frame, notes = _long_to_wide(usable, frame)
        keep = tuple(c for c in frame.columns if "@" not in str(c))
    else:
        keep = tuple(frame.columns)
    check_columns(usable, frame, path.name)
    frame = _align_categories(usable.coding, frame)
    return NewData(frame, keep, usable.coding, notes + coding_notes(usable.coding, frame))


def check_columns(usable: UsableModel, frame: pd.DataFrame, name: str) -> None:
    """Raise a ``DataError`` naming the input columns that ``frame`` lacks."""
    missing = [c for c in usable.required_columns() if c not in frame.columns]
    if not missing:
        return
    shown = ", ".join(f"'{c}'" for c in missing[:MOST_NAMED])
    if len(missing) > MOST_NAMED:
        shown += text("use.and_more", count=len(missing) - MOST_NAMED)
    key = "use.missing_column" if len(missing) == 1 else "use.missing_columns"
    raise DataError(text(key, columns=shown, name=name))


def coding_notes(coding, frame: pd.DataFrame) -> tuple[str, ...]:
    """Remarks on values the table coding cannot read as in training: text in a number
    column (it is treated as missing) and categories never seen in training (they count
    as none of the known ones)."""
    if getattr(coding, "kind", "") != "table":
        return ()
    notes = []
    for col in coding.numeric:
        given = frame[col.name]
        unreadable = given.notna() & pd.to_numeric(given, errors="coerce").isna()
        if unreadable.any():
            notes.append(text("use.not_numbers", column=col.name, count=int(unreadable.sum()),
                              example=str(given[unreadable].iloc[0])))
    for col in coding.categorical:
        given = frame[col.name].dropna().map(str)
        unseen = given[~given.isin(col.categories)]
        if len(unseen):
            examples = ", ".join(pd.unique(unseen)[:3])
            notes.append(text("use.unseen_categories", column=col.name, count=len(unseen),
                              examples=examples))
    return tuple(notes)


def _align_categories(coding, frame: pd.DataFrame) -> pd.DataFrame:
    """Category columns that came in as decimals (whole numbers with gaps, read as 1.0)
    are written as whole numbers, as in training ("1", not "1.0")."""
    if getattr(coding, "kind", "") != "table":
        return frame
    floats = [c.name for c in coding.categorical
              if c.name in frame.columns and pd.api.types.is_float_dtype(frame[c.name])]
    if not floats:
        return frame
    frame = frame.copy()
    for name in floats:
        frame[name] = frame[name].map(_whole_text).astype(object)
    return frame


def _whole_text(value):
    if isinstance(value, float) and np.isfinite(value) and value.is_integer():
        return str(int(value))
    return value


def _long_to_wide(usable: UsableModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple]:
    """One row per series, with the step columns the model reads (missing steps empty)."""

    o = usable.source.get("options") or {}
    target = o.get("target") if o.get("target") in frame.columns else None
    wide = long_to_wide(frame, o["id"], o["time"], list(o["values"]), target)
    if o["id"] not in wide.columns:
        wide.insert(0, o["id"], pd.unique(frame[o["id"]]))
    needed = usable.required_columns()
    absent = [c for c in needed if c not in wide.columns]
    if absent:  # shorter series than in training: the later steps are missing, as padding
        wide = pd.concat([wide, pd.DataFrame(np.nan, index=wide.index, columns=absent)], axis=1)
    longer = [c for c in wide.columns if "@" in str(c) and c not in needed]
    notes = (text("use.longer_series", steps=usable.coding.steps),) if longer else ()
    return wide, notes


def _read_images(usable: UsableModel, path: Path) -> NewData:
    """A folder (every depth) or one file of pictures, or of recordings for a sound model;
    files the model cannot read are left out (a remark says how many)."""
    # Imported here to keep Pillow out of start-up.
    from engine.data.image_folder import check_image, map_files

    if not path.exists():
        raise DataError(text("data.file_missing", path=path))
    if path.is_dir():
        root, files = path, _files_below(path)
    else:
        root, files = path.parent, [path.name]
    pictures = kind_named(usable.data_kind).image_inputs
    check = check_image if pictures else _check_recording
    checked = map_files(lambda rel: check(root / rel), files)
    usable_files = [f for f, (facts, _why) in zip(files, checked) if facts is not None]
    skipped = len(files) - len(usable_files)
    # text keys: use.no_pictures, use.no_recordings, use.skipped_pictures, use.skipped_recordings
    what = "pictures" if pictures else "recordings"
    if not usable_files:
        raise DataError(text(f"use.no_{what}", path=path))
    notes = (text(f"use.skipped_{what}", count=skipped),) if skipped else ()
    coding = dataclasses.replace(usable.coding, root=str(root))
    frame = pd.DataFrame({"file": usable_files})
    return NewData(frame, ("file",), coding, notes)


def _check_recording(path: Path):
    """``check_sound`` of a WAV file; any other file is not a recording."""
    # Imported here to keep SciPy out of start-up.
    from engine.data.sound_folder import check_sound, is_sound_file

    return check_sound(path) if is_sound_file(path.name) else (None, "")


def _files_below(root: Path) -> list[str]:
    """Relative posix paths of the visible files below ``root`` (every depth, sorted)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(root)
        found += [(base / f).as_posix() for f in sorted(files) if not f.startswith(".")]
    return found


def _without_test_rows(usable: UsableModel, data: NewData, name: str,
                       cancel: CancelFlag) -> NewData:
    """``data`` without the rows whose inputs are those of a test row of the project, while
    its vault is closed (``usable.guard``), with a remark saying how many went."""
    guard = usable.guard
    if guard is None:
        return data
    kept, left_out = guard.leave_out(data.coding, data.frame, cancel)
    if not left_out:
        return data
    why = (" " + guard.reason) if guard.reason else ""
    if len(kept) == 0:
        raise DataError(text("use.only_test_rows", name=name) + why)
    key = "use.test_row_left_out" if left_out == 1 else "use.test_rows_left_out"
    note = text(key, count=f"{left_out:,}", total=f"{len(data.frame):,}", name=name) + why
    return dataclasses.replace(data, frame=kept, notes=(*data.notes, note))
