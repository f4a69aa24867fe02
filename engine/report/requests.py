"""The report room's job request."""

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
