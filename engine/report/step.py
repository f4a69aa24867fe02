"""Step 7 — export the report and remember when, so the sidebar can tell when it is stale."""

from __future__ import annotations

from pathlib import Path

from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.project.decisions import now_iso
from engine.project.parts.report import ReportRecord
from engine.project.project import Project
from engine.report import ReportFiles, build_report
from engine.core.texts import text
from engine.tuning.trial_store import fetch_if_trial


def export_report(project: Project, pdf: Path | None = None, csv_dir: Path | None = None,
                  progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> ReportFiles:
    """Write the PDF and CSV report, log it and save the project (not when stopped)."""
    final = project.final_test
    fetch_if_trial(project, project.chosen_run or "", getattr(final, "run", "") or "")
    # Logged first so the exported decisions log ends with this export too.
    target = pdf or project.reports_dir / "report.pdf"
    project.log("report_exported", text("decision.report_exported", pdf=target))
    files = build_report(project, pdf_path=pdf, csv_dir=csv_dir, progress=progress,
                         cancel=cancel)
    project.report = ReportRecord(time=now_iso(), decisions=len(project.decisions),
                                  pdf=str(files.pdf),
                                  csv=str(files.csv_files[0].parent) if files.csv_files else "")
    project.save()
    return files
