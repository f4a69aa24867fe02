"""The ``report`` part of ``project.json``: the record of the last export (when, how many
decisions the log held then, and where the PDF and the CSV folder were written).

Example:
    >>> record = ReportRecord.from_dict({"time": "2026-12-06T12:59:01+00:00", "decisions": 16,
    ...                                  "pdf": "/tmp/r.pdf", "csv": "/tmp/csv"})
    >>> record.decisions, record.pdf
    (16, '/tmp/r.pdf')
    >>> ReportRecord.from_dict(record.to_dict()) == record
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReportRecord:
    """The last export: ``csv`` is the CSV folder ("" when no CSV file was written)."""

    time: str = ""
    decisions: int = 0
    pdf: str = ""
    csv: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "decisions": self.decisions, "pdf": self.pdf,
                "csv": self.csv}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ReportRecord:
        return cls(time=str(raw.get("time") or ""), decisions=int(raw.get("decisions") or 0),
                   pdf=str(raw.get("pdf") or ""), csv=str(raw.get("csv") or ""))


def load(raw: Any) -> ReportRecord | None:
    return ReportRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: ReportRecord | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None
