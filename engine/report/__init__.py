"""The evaluation report: a PDF to hand to someone else and CSV tables to reuse, from a Project.

The report is built from the project alone (nothing is trained), so it can be made at any
step: sections whose step has not been done yet say so. Only the prediction CSV files read
data: the saved models predict the dev rows again (and the test rows once the vault is open).

Use:
    files = build_report(project)
    files.pdf, files.csv_files[0]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.core.texts import text
from engine.project.project import Project

__all__ = ["ReportFiles", "build_report"]


@dataclass(frozen=True)
class ReportFiles:
    """Where the report was written: the PDF and the CSV files (README last)."""

    pdf: Path
    csv_files: tuple[Path, ...]


def build_report(project: Project, pdf_path: str | Path | None = None,
                 csv_dir: str | Path | None = None, progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> ReportFiles:
    """Write the PDF and CSV report of ``project``.

    Args:
        project: the project to describe; it is not modified.
        pdf_path: where the PDF goes (default ``<project>/reports/report.pdf``).
        csv_dir: the folder for the CSV files (default ``<project>/reports/csv``).
        progress: receives a ``Progress`` event per stage (the CSV files, each PDF section).
        cancel: looked at between files and between sections (``JobCancelled``).

    Returns:
        The paths written. Every file is replaced atomically, so an older report stays
        whole if writing fails (a ``ProjectError`` then says why).
    """
    # Imported here: matplotlib and reportlab are heavy, and the GUI imports this package
    # for its formatting helpers long before anyone exports a report.
    # Imported here to keep matplotlib, reportlab, SciPy, scikit-learn out of start-up.
    from engine.report.csv_export import export_csv
    from engine.report.pdf.document import write_pdf

    pdf = Path(pdf_path) if pdf_path is not None else project.reports_dir / "report.pdf"
    folder = Path(csv_dir) if csv_dir is not None else project.reports_dir / "csv"
    progress(Progress(0, 1, text("report.progress_csv")))
    csv_files = export_csv(project, folder, cancel)
    return ReportFiles(pdf=write_pdf(project, pdf, progress, cancel), csv_files=csv_files)
