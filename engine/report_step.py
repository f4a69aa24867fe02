"""Step 7 — export the report and remember when, so the sidebar can tell when it is stale."""

from __future__ import annotations

from pathlib import Path

from engine.decisions import now_iso
from engine.project import Project
from engine.report import ReportFiles, build_report
from engine.texts import text


def export_report(project: Project, pdf: Path | None = None,
                  csv_dir: Path | None = None) -> ReportFiles:
    """Write the PDF and CSV report, log it and save the project."""
    files = build_report(project, pdf_path=pdf, csv_dir=csv_dir)
    project.log("report_exported", text("decision.report_exported", pdf=files.pdf))
    project.report = {"time": now_iso(), "decisions": len(project.decisions),
                      "pdf": str(files.pdf),
                      "csv": str(files.csv_files[0].parent) if files.csv_files else ""}
    project.save()
    return files
