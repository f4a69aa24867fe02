"""The PDF evaluation report: every section of the project in order, on A4 pages.

The document is laid out with reportlab's platypus: long tables break across pages and
repeat their header, figures stay together with their caption, each section title is a
bookmark in the PDF's outline, and every page carries the project name and page number.
The file is built beside its target and replaces it only once it is complete.

Use:
    write_pdf(project, project.reports_dir / "report.pdf")
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import (CondPageBreak, Flowable, KeepTogether, PageBreak,
                                SimpleDocTemplate)

from engine.core.atomic import atomic_path
from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.core.texts import text
from engine.project.project import Project
from engine.report.pdf import results as pdf_results
from engine.report.pdf import sections as pdf_sections
from engine.report.pdf import calibration as pdf_calibration
from engine.report.pdf import error_analysis as pdf_error_analysis
from engine.report.pdf import importance as pdf_importance
from engine.report.pdf import kfold as pdf_kfold
from engine.report.pdf import model_card as pdf_model_card
from engine.report.pdf import learning_curve as pdf_learning_curve
from engine.report.pdf import test_curves as pdf_test_curves
from engine.report.pdf import compare as pdf_compare
from engine.report.pdf import reproduce as pdf_reproduce
from engine.report.pdf import telemetry as pdf_telemetry
from engine.report.pdf import threshold as pdf_threshold
from engine.report.pdf import tuning as pdf_tuning
from engine.words.formatting import t
from engine.report.pdf.style import FRAME_HEIGHT, MARGIN, PAGE, font_names, styles

# The sections after the cover, in the order the report shows them.
SECTIONS = (
    pdf_sections.goal_section,
    pdf_sections.data_section,
    pdf_sections.splits_section,
    pdf_sections.runs_section,
    pdf_compare.compare_section,
    pdf_results.curves_section,
    pdf_telemetry.monitor_section,
    pdf_results.diagnosis_section,
    pdf_learning_curve.learning_curve_section,
    pdf_kfold.kfold_section,
    pdf_error_analysis.error_analysis_section,
    pdf_importance.importance_section,
    pdf_tuning.tuning_section,
    pdf_calibration.calibration_section,
    pdf_results.final_section,
    pdf_test_curves.final_curves_section,
    pdf_threshold.threshold_section,
    pdf_model_card.model_card_section,
    pdf_results.decisions_section,
    pdf_results.appendix_section,
    pdf_reproduce.reproduce_section,
)


# Room needed below a heading for the first rows of a long table that follows it.
MIN_START = 3 * cm


class _KeepWithNext(KeepTogether):
    """Holds a heading (and its lead paragraph) with the flowable after it.

    Plain ``KeepTogether`` moves the whole group to a new page whenever it does not fit,
    which for a heading before a table longer than a page leaves most of a page blank.
    Such a group stays where it is when the heading and a few table rows fit.
    """

    def split(self, aW, aH):  # noqa: N803 (reportlab's names)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        if self._H > FRAME_HEIGHT:
            lead = sum(f.wrap(aW, aH)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                       for f in self._content[:-1])
            if aH >= lead + MIN_START:
                return list(self._content)
        return super().split(aW, aH)


class _ReportDocument(SimpleDocTemplate):
    """A SimpleDocTemplate that turns section titles into outline entries."""

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab's name)
        style = getattr(flowable, "style", None)
        level = {styles().h1.name: 0, styles().h2.name: 1}.get(getattr(style, "name", None))
        if level is None:
            return
        title = flowable.getPlainText()
        key = f"s{id(flowable)}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)


def story(project: Project, progress: ProgressFn = ignore,
          cancel: CancelFlag = NEVER) -> list[Flowable]:
    """Every flowable of the report, cover first; ``cancel`` is looked at between sections
    (their figures are most of the work) and each section is reported to ``progress``."""
    parts: list[Flowable] = [*pdf_sections.cover_section(project), PageBreak()]
    for done, section in enumerate(SECTIONS):
        if cancel.is_set():
            raise JobCancelled("report cancelled")
        progress(Progress(done, len(SECTIONS) + 1, text("report.progress_pdf")))
        parts.append(CondPageBreak(5 * cm))
        parts.extend(section(project))
    return parts


def write_pdf(project: Project, path: str | Path, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER) -> Path:
    """Lay out the report of ``project`` and write it atomically to ``path``; a stop
    (``cancel``) before the layout leaves the previous file as it was."""
    path = Path(path)
    regular = font_names()[0]

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillGray(0.35)
        canvas.drawCentredString(PAGE[0] / 2, MARGIN / 2,
                                 t("footer", project=project.name, page=doc.page))
        canvas.restoreState()

    with atomic_path(path, suffix=".pdf") as tmp:
        doc = _ReportDocument(str(tmp), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN, bottomMargin=MARGIN,
                              title=f"{t('title')} - {project.name}", author="Practica",
                              subject=t("title"), keepTogetherClass=_KeepWithNext)
        flowables = story(project, progress, cancel)
        progress(Progress(len(SECTIONS), len(SECTIONS) + 1, text("report.progress_pdf")))
        doc.build(flowables, onFirstPage=footer, onLaterPages=footer)
    return path
