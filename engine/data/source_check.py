"""Check a data source of any kind before a project is made from it.

A table file is checked as before (``engine.data.file_check``). An image folder becomes a table
of (file, class) rows; the files that are not readable images are skipped and listed. A
text column or a sequence layout is checked for what it needs (the column exists and holds
text; the series columns are numbers). The result has the same face for every kind: the
example frame, its summary, the findings, whether it can be used and, if not, one line that
says why.

Each data kind (``engine.kinds.registry``) reads its source with one of the checks here;
``engine.kinds.sources.check_source`` picks the kind's.

Use:
    check = check_image_folder("photos/")
    check.target, [s[0] for s in check.skipped]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from engine.core.errors import DataError
from engine.data.findings import SEVERITIES, Finding, check_frame, usable_columns
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.data.source_reading import IMAGE_KIND, LONG_SEQUENCE_KIND, SOUND_KIND
from engine.data.summary import DataSummary, summarize
from engine.core.texts import text
from engine.data.file_check import check_file
from engine.data.sequence_table import long_to_wide
from engine.data.sequence_table import wide_series_columns
from engine.data.tabular import read_table

IMAGE_TARGET = "class"
MAX_LISTED = 8


@dataclass(frozen=True, eq=False)
class SourceCheck:
    """A data source read as examples, with its findings.

    ``source_kind``/``options`` are what the project stores to read it again;
    ``features`` are the columns the model will use; ``skipped`` lists files left out
    (image folders) with the reason.
    """

    path: str
    data_kind: str
    source_kind: str
    options: dict[str, Any]
    frame: pd.DataFrame
    target: str | None
    summary: DataSummary
    findings: tuple[Finding, ...]
    features: list[str]
    notes: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return not any(f.severity == "blocker" for f in self.findings)

    @property
    def problem(self) -> str | None:
        blockers = [f for f in self.findings if f.severity == "blocker"]
        return blockers[0].line if blockers else None

    def to_dict(self) -> dict:
        return {"path": self.path, "data_kind": self.data_kind, "source_kind": self.source_kind,
                "options": self.options, "target": self.target, "notes": list(self.notes),
                "skipped": [list(s) for s in self.skipped], "features": self.features,
                "summary": self.summary.to_dict(),
                "findings": [f.to_dict() for f in self.findings], "usable": self.usable,
                "problem": self.problem}


def check_table_source(path: str | Path, target: str | None = None,
                       progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                       labellers: dict | None = None) -> SourceCheck:
    """Read and check the table file at ``path`` (every usable column is a feature).

    ``labellers`` (``label_columns``, ``vote_column``, ``vote``): several people labelled
    each row; their vote becomes the column ``target``, and the label columns are never
    features (they hold the answer). The options keep them so every later read adds the
    same vote (``engine.data.source_reading``).

    Raises:
        DataError: the file cannot be read, with what to do.
    """
    checked = check_file(path, target, progress, cancel, labellers)
    frame, findings = checked.table.frame, checked.findings
    answers = set((labellers or {}).get("label_columns") or ())
    features = [c for c in usable_columns(frame, target, findings) if c not in answers]
    return SourceCheck(str(path), "table", checked.table.source_kind, dict(labellers or {}),
                       frame, target, checked.summary, findings, features,
                       tuple(checked.table.notes))


def check_text_source(path: str | Path, target: str | None, text_column: str | None,
                      progress: ProgressFn = ignore, cancel: CancelFlag = NEVER
                      ) -> SourceCheck:
    """Read and check the table file at ``path`` whose ``text_column`` holds the text.

    Raises:
        DataError: no target, the file cannot be read, or the column is missing, is the
            target or holds no text.
    """
    _need_target(target)
    checked = check_file(path, target, progress, cancel)
    return _check_text(path, target, text_column, checked, checked.table.frame,
                       checked.findings, tuple(checked.table.notes))


def check_sequence_source(path: str | Path, target: str | None, sequence: dict | None,
                          progress: ProgressFn = ignore, cancel: CancelFlag = NEVER
                          ) -> SourceCheck:
    """Read and check the sequences at ``path``: ``sequence`` is ``{"format": "wide"}`` (one
    series per row, the numeric columns in file order) or ``{"format": "long", "id": ...,
    "time": ..., "values": [...]}`` (one row per time step).

    Raises:
        DataError: no target, the file cannot be read, or the long layout lacks a column.
    """
    _need_target(target)
    if (sequence or {}).get("format") == "long":
        return _check_long_sequence(path, target, sequence, progress, cancel)
    checked = check_file(path, target, progress, cancel)
    frame = checked.table.frame
    features = wide_series_columns(frame, exclude=[target])
    findings = _without_column_findings(checked.findings, features, keep_missing=True)
    return SourceCheck(str(path), "sequence", checked.table.source_kind, {"format": "wide"},
                       frame, target, checked.summary, _need_features(findings, features),
                       features, tuple(checked.table.notes),
                       inputs={"sequence": {"format": "wide"}})


def _need_target(target: str | None) -> None:
    if target is None:
        raise DataError(text("source_check.need_target"))


def check_image_folder(path: str | Path) -> SourceCheck:
    """Read and check the folder at ``path``: one sub-folder of images per class; the
    files that are not readable images are skipped and listed."""
    # Imported here to keep Pillow out of start-up.
    from engine.data.image_folder import read_image_folder

    read = read_image_folder(path)
    return _folder_check(path, "images", IMAGE_KIND, read.frame, read.skipped, read.notes)


def check_sound_folder(path: str | Path) -> SourceCheck:
    """Read and check the folder at ``path``: one sub-folder of WAV recordings per class;
    unreadable, empty, silent, clipped and too short files are skipped and listed, and the
    notes say the rates and lengths found and what the clips are brought to."""
    # Imported here to keep SciPy out of start-up.
    from engine.data.sound_folder import read_sound_folder

    read = read_sound_folder(path)
    check = _folder_check(path, "sound", SOUND_KIND, read.frame, (), read.notes)
    # What was found and what will be done, and each file left out with its reason, are
    # findings too, so the new project keeps them and the CLI and Goal page show them.
    found = [Finding("sound_plan", "info", None, note, "") for note in read.notes[:2]]
    if read.skipped:
        listed = "; ".join(f"{name} ({why})" for name, why in read.skipped[:MAX_LISTED])
        more = len(read.skipped) - MAX_LISTED
        if more > 0:
            listed += " " + text("source_check.and_more", n=more)
        found.append(Finding("skipped_files", "warning", None,
                             text("sounds.skipped", n=len(read.skipped), files=listed),
                             text("sounds.skipped_fix")))
    return replace(check, findings=_sorted([*check.findings, *found]),
                   skipped=tuple(tuple(s) for s in read.skipped))


def _folder_check(path, data_kind: str, source_kind: str, frame: pd.DataFrame, skipped,
                  notes) -> SourceCheck:
    # The file names are not features to judge one by one (nor are rows "copies").
    findings = [_image_worded(f, len(frame))
                for f in _without_column_findings(check_frame(frame, IMAGE_TARGET), ["file"],
                                                  keep_missing=False)
                if f.code != "duplicate_rows"]
    if skipped:
        listed = ", ".join(name for name, _ in skipped[:MAX_LISTED])
        more = len(skipped) - MAX_LISTED
        if more > 0:
            listed += " " + text("source_check.and_more", n=more)
        findings.append(Finding("skipped_files", "warning", None,
                                text("source_check.skipped", n=len(skipped),
                                     files=listed),
                                text("source_check.skipped_fix")))
    return SourceCheck(str(path), data_kind, source_kind, {}, frame, IMAGE_TARGET,
                       summarize(frame, IMAGE_TARGET), _need_features(findings, ["file"]),
                       ["file"],
                       tuple(notes), tuple(tuple(s) for s in skipped))


def _image_worded(finding: Finding, rows: int) -> Finding:
    """The table's "too few rows" said of images."""
    if finding.code != "too_few_rows":
        return finding
    return Finding("too_few_rows", finding.severity, None,
                   text("bad_input.too_few_images", rows=rows),
                   text("bad_input.too_few_images_fix"))


def _check_text(path, target, column, checked, frame, findings, notes) -> SourceCheck:
    if not column or column not in frame.columns:
        raise DataError(text("source_check.no_text_column", column=column or "",
                             columns=", ".join(map(str, frame.columns[:10]))))
    if column == target:
        raise DataError(text("source_check.text_is_target", column=column))
    values = frame[column].dropna()
    if values.empty or pd.api.types.is_numeric_dtype(values):
        raise DataError(text("source_check.not_text", column=column))
    findings = _without_column_findings(findings, [column], keep_missing=True)
    return SourceCheck(str(path), "text", checked.table.source_kind, {}, frame, target,
                       checked.summary, _need_features(findings, [column]), [column], notes,
                       inputs={"text_column": column})


def _check_long_sequence(path, target, sequence, progress=ignore, cancel=NEVER) -> SourceCheck:
    table = read_table(path, progress, cancel)
    options = {"id": sequence.get("id"), "time": sequence.get("time"),
               "values": list(sequence.get("values") or []), "target": target}
    missing = [k for k in ("id", "time") if not options[k]] + ([] if options["values"]
                                                               else ["values"])
    if missing:
        raise DataError(text("source_check.long_needs", names=", ".join(missing)))
    frame = long_to_wide(table.frame, options["id"], options["time"], options["values"],
                         target)
    features = [c for c in frame.columns if c != target]
    findings = _without_column_findings(check_frame(frame, target), features,
                                        keep_missing=False)
    layout = {"format": "long", **{k: options[k] for k in ("id", "time", "values")}}
    return SourceCheck(str(path), "sequence", LONG_SEQUENCE_KIND, options, frame, target,
                       summarize(frame, target), _need_features(findings, features), features,
                       tuple(table.notes), inputs={"sequence": layout})


def _without_column_findings(findings, columns, keep_missing: bool) -> tuple[Finding, ...]:
    """Drop per-column remarks that do not apply when these columns are a series or text
    (they are not judged one by one as table columns); keep missing-value notes if asked."""
    cols = set(columns)
    kept = [f for f in findings if f.column not in cols or f.code == "target_not_found"
            or (keep_missing and f.code == "missing_values")]
    return tuple(f for f in kept if f.code != "no_features")


def _need_features(findings, features) -> tuple[Finding, ...]:
    found = list(findings)
    if not features:
        found.append(Finding("no_features", "blocker", None, text("data.no_features"),
                             text("data.no_features_fix")))
    return _sorted(found)


def _sorted(findings) -> tuple[Finding, ...]:
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return tuple(sorted(findings, key=lambda f: rank[f.severity]))
