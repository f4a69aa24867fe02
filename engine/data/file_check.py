"""Check one data file end to end: read it, summarize it, run the basic checks.

This is what ``practica check FILE [--target COL]`` runs: it exits 0 when ``usable`` and 2
with ``problem`` (one line) when not. A ``DataError`` raised while reading is not caught
here; the CLI prints its message.

Use:
    result = check_file("iris.csv", target="species")
    result.usable, result.summary.rows
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from engine.core.errors import JobCancelled
from engine.data.column_pass import column_stats
from engine.data.findings import Finding, check_frame
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.data.summary import DataSummary, summarize
from engine.data.label_vote import with_vote
from engine.data.tabular import TableRead, read_table
from engine.core.texts import text


@dataclass(frozen=True, eq=False)
class FileCheck:
    """The table as read, its summary, what the checks found, and whether it can be used.

    ``usable`` is False when any finding is a blocker; ``problem`` is then the first
    blocker's message and fix on one line (None when usable).
    """

    table: TableRead
    summary: DataSummary
    findings: tuple[Finding, ...]
    usable: bool
    problem: str | None

    def to_dict(self) -> dict:
        """Plain JSON-able data (the frame itself is left out)."""
        return {
            "path": str(self.table.path),
            "source_kind": self.table.source_kind,
            "notes": list(self.table.notes),
            "summary": self.summary.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "usable": self.usable,
            "problem": self.problem,
        }


def check_file(path: str | Path, target: str | None = None, progress: ProgressFn = ignore,
               cancel: CancelFlag = NEVER, labellers: dict | None = None) -> FileCheck:
    """Read ``path`` and check it, with ``target`` as the column to predict if given.

    ``progress`` gets ``Progress`` while a big file is read and before each of the two
    passes over the table (the checks, the summary); ``cancel`` is checked between them.
    ``labellers`` (``label_columns``, ``vote_column``, ``vote``) adds the vote of several
    label columns as the column ``target`` (``engine.data.label_vote``) before the checks.

    Raises:
        DataError: the file cannot be read as a table.
        JobCancelled: ``cancel`` was set.
    """
    table = read_table(path, progress, cancel)
    if labellers:
        table = replace(table, frame=with_vote(table.frame, list(labellers["label_columns"]),
                                               labellers["vote_column"], labellers["vote"]))
    _step(0, "big_data.check_columns", progress, cancel)
    stats = column_stats(table.frame)  # each column once, for the checks and the summary
    findings = check_frame(table.frame, target, stats)
    known_target = target if target is not None and target in table.frame.columns else None
    _step(1, "big_data.check_summary", progress, cancel)
    summary = summarize(table.frame, known_target, stats)
    _step(2, "big_data.check_done", progress, cancel)
    blockers = [f for f in findings if f.severity == "blocker"]
    return FileCheck(table=table, summary=summary, findings=findings, usable=not blockers,
                     problem=blockers[0].line if blockers else None)


def _step(done: int, key: str, progress: ProgressFn, cancel: CancelFlag) -> None:
    if cancel.is_set():
        raise JobCancelled("check cancelled")
    progress(Progress(done, 2, text(key)))
