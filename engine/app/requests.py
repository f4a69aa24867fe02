"""The report's job request, kept in the app room rather than beside the report.

The GUI must not import ``engine.report`` (it loads matplotlib and reportlab, and the pages
only show what the report says through ``engine.words``), yet the Report page builds this
request; the app room, which runs it, is the one the GUI may reach."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class ReportRequest(JobRequest):
    """Export the PDF report to ``pdf`` and the CSV tables to ``csv`` (None: the project's
    reports folder).

    Result: ``ReportResult``.
    """

    project: str = ""
    pdf: str | None = None
    csv: str | None = None


@dataclass(frozen=True)
class ReportResult:
    """The files written."""

    pdf: str
    csv: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"pdf": self.pdf, "csv": list(self.csv)}

    @classmethod
    def from_dict(cls, data: dict) -> "ReportResult":
        return cls(str(data["pdf"]), tuple(data.get("csv") or ()))
