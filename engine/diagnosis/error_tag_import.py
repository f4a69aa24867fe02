"""Tags for the dev mistakes read from a CSV file: a person tagged them elsewhere (in a
spreadsheet, or edited the ``error_tags.csv`` the report writes) and brings them back.

The file needs a ``row`` column (the dev example's row number in its file, as the error
analysis and ``error_tags.csv`` show it) and a ``tags`` column (tags separated by commas or
semicolons); other columns are ignored. Each row's tags replace the tags it had
(``engine.diagnosis.error_tags.set_tags``, so spellings merge as in the app); an empty
``tags`` cell clears them; ``replace=True`` clears every tag first. Rows that are not dev
rows are refused. The project is changed and saved only when the whole file is good.

Use:
    result = import_tags(project, "tags.csv")
    result.rows, result.not_shown
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.diagnosis.error_analysis import analysis_state
from engine.diagnosis.error_tags import clear_tags, set_tags
from engine.project.project import Project
from engine.split.datasets import split_rows

MAX_FILE_BYTES = 50_000_000


@dataclass(frozen=True)
class TagImport:
    """What ``import_tags`` read: examples tagged, tags in all, and how many of those rows
    the current error analysis does not show among its mistakes."""

    rows: int
    tags: int
    not_shown: int


def read_tag_file(path: str | Path) -> list[tuple[str, str]]:
    """The (row, tags) pairs of a CSV file with ``row`` and ``tags`` columns.

    Raises:
        ProjectError: the file cannot be read, or lacks one of the two columns.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ProjectError(text("error_analysis.tag_file_big", path=path))
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or ()}
            if "row" not in fields or "tags" not in fields:
                raise ProjectError(text("error_analysis.tag_file_columns", path=path))
            pairs = [((line.get(fields["row"]) or "").strip(),
                      (line.get(fields["tags"]) or "").strip()) for line in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ProjectError(text("error_analysis.tag_file_unreadable", path=path,
                                reason=getattr(exc, "strerror", None) or exc)) from None
    return [(row, tags) for row, tags in pairs if row or tags]


def import_tags(project: Project, path: str | Path, replace: bool = False) -> TagImport:
    """Give the dev examples the tags the CSV at ``path`` lists, and save the project.

    Raises:
        ProjectError: the file cannot be read, a row is not a row number or not a dev row,
            or the project has no split yet. Nothing is changed then.
    """
    pairs = read_tag_file(path)
    entry = split_rows(project).get("dev") or {}
    dev = {int(r) for r in entry.get("rows") or ()}
    keys = []
    for row, _tags in pairs:
        if not row.isdigit():
            raise ProjectError(text("error_analysis.bad_row", row=row))
        if int(row) not in dev:
            raise ProjectError(text("error_analysis.tag_not_dev", row=row, path=path))
        keys.append(int(row))
    if replace:
        clear_tags(project)
    total = 0
    for number, (_row, tags) in zip(keys, pairs):
        total += len(set_tags(project, number, tags))
    analysis = project.error_analysis
    shown = (set(analysis.mistake_rows)
             if analysis is not None and analysis_state(project) == "current" else set())
    project.save()
    return TagImport(rows=len(set(keys)), tags=total,
                     not_shown=len({k for k in keys if k not in shown}))
