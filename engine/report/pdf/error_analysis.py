"""The report's error-analysis section: the tag table with its ceilings, the most confident
mistakes (largest errors for regression) and why the model made the first few of them,
suspected label errors and the dev confusion matrix, read from ``project.error_analysis``
and ``project.error_tags``.

The "why" of a mistake (``engine.diagnosis.why_example``) is the one kept beside the run
when someone asked for it; for the first ``WHY_SHOWN`` mistakes without one it is worked out
here (a model load and a few hundred answers each, about a second or less) and kept.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.diagnosis.error_analysis import analysis_state, case_line
from engine.core.errors import PracticaError
from engine.diagnosis.error_tags import ceiling_words, error_words, tag_table, tags_of
from engine.diagnosis.why_example import explain_example, first_reason, load_why
from engine.project.parts.error_analysis import ConfusionCells, ErrorAnalysisRecord
from engine.project.project import Project
from engine.words.formatting import fmt_count, fmt_number, fmt_share, split_name, t
from engine.report.figure_why import why_pictures_chart
from engine.report.pdf.labellers import people_part
from engine.report.pdf.style import figure, heading, lead, plain, spacer, table

MAX_CONFUSION_CLASSES = 20  # a wider matrix does not fit the page
EXAMPLE_CHARS = 90
WHY_SHOWN = 3  # mistakes whose "why" the report shows


def error_analysis_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("error_analysis.title"))]
    analysis = project.error_analysis
    if analysis is None:
        return out + [plain(t("error_analysis.not_done"))]
    task = analysis.task
    if analysis_state(project) == "stale":
        out.append(plain(t("error_analysis.stale", label=analysis.label)))
    tags = tag_table(project) if analysis_state(project) == "current" else None
    reviewed = tags.reviewed if tags is not None else 0
    values = dict(label=analysis.label, mistakes=fmt_count(analysis.mistakes),
                  rows=fmt_count(analysis.rows), reviewed=fmt_count(reviewed),
                  error=error_words(analysis.dev_error, task),
                  shown=fmt_count(len(analysis.examples)))
    if task == "regression":
        part = error_words(analysis.mistakes_error, task)
        out.append(plain(t("error_analysis.summary_regression", part=part, **values)))
    else:
        out.append(plain(t("error_analysis.summary_classification", **values)))
    out += _tags_part(tags, task)
    out += _confident_part(project, analysis, task)
    out += _why_part(project, analysis)
    out += _suspects_part(analysis)
    out += _confusion_part(analysis)
    out += people_part(project.goal, analysis.confusion)
    return out


def _tags_part(tags, task: str) -> list[Flowable]:
    out: list[Flowable] = [heading(t("error_analysis.tags_heading"), 2)]
    if tags is None or not tags.rows:
        return out + [plain(t("error_analysis.no_tags"))]
    rows = [[r.tag, fmt_count(r.count), fmt_share(r.share), ceiling_words(r.ceiling, task)]
            for r in tags.rows]
    return out + [lead(t("error_analysis.tags_intro")),
                  table([t("error_analysis.col_tag"), t("error_analysis.col_count"),
                         t("error_analysis.col_share"), t("error_analysis.col_ceiling")],
                        rows, widths=[3, 1.2, 1.2, 1.4], right=(1, 2, 3), width_share=0.7)]


def _confident_part(project: Project, analysis: ErrorAnalysisRecord,
                    task: str) -> list[Flowable]:
    cases = analysis.confident
    if not cases:
        return []
    regression = task == "regression"
    key = "largest_heading" if regression else "confident_heading"
    out: list[Flowable] = [heading(t(f"error_analysis.{key}"), 2)]
    if not regression:
        out.append(lead(t("error_analysis.confident_intro")))
    rows = []
    for case in cases:
        example = case_line(case)
        if len(example) > EXAMPLE_CHARS:
            example = example[:EXAMPLE_CHARS - 1] + "\u2026"
        last = fmt_number(case.error) if regression else fmt_share(case.confidence)
        rows.append([str(case.row), _value(case.true), _value(case.predicted), last, example,
                     ", ".join(tags_of(project, case.row))])
    last_title = t("error_analysis.col_error" if regression else "error_analysis.col_confidence")
    out.append(table([t("error_analysis.col_row"), t("error_analysis.col_true"),
                      t("error_analysis.col_predicted"), last_title,
                      t("error_analysis.col_example"), t("error_analysis.col_tags")],
                     rows, widths=[0.8, 1.3, 1.3, 1.2, 4.4, 1.8], right=(0, 3), font_size=7.5))
    return out


def _why_part(project: Project, analysis: ErrorAnalysisRecord) -> list[Flowable]:
    """Why the model made its first few most confident mistakes (largest errors): a line
    each, and for pictures the pictures with their maps."""
    if analysis_state(project) != "current" or not analysis.confident:
        return []
    found = []
    for case in analysis.confident[:WHY_SHOWN]:
        why = load_why(project, case.row, analysis.run)
        if why is None:
            try:
                why = explain_example(project, case.row, analysis.run)
            except (PracticaError, OSError, ValueError):
                continue  # the model is gone or unreadable: the rest of the report stands
        found.append(why)
    if not found:
        return []
    out: list[Flowable] = [heading(t("error_analysis.why_heading"), 2),
                           lead(t("error_analysis.why_intro"))]
    for why in found:
        out.append(plain(t("error_analysis.why_line", row=why.row, answer=why.answer,
                           truth=why.truth, words=first_reason(why)), "small"))
    pictures = [(w.overlay, t("error_analysis.why_title", row=w.row, answer=w.answer))
                for w in found if w.overlay]
    png = why_pictures_chart(pictures) if pictures else None
    if png is not None:
        out.extend(figure(png, t("error_analysis.why_caption"),
                          width_share=min(1.0, 0.3 * len(pictures))))
    return out


def _suspects_part(analysis: ErrorAnalysisRecord) -> list[Flowable]:
    suspects = analysis.suspects
    out: list[Flowable] = [heading(t("error_analysis.suspects_heading"), 2)]
    notes = [plain(n, "small") for n in analysis.suspect_check.notes]
    if analysis.task == "regression":
        return out + notes
    if not suspects:
        return out + [plain(t("error_analysis.no_suspects"))] + notes
    # text keys: report.split_name.test
    rows = [[str(s.row), split_name(s.split), s.given, s.suggested, fmt_share(s.confidence)]
            for s in suspects]
    out.append(lead(t("error_analysis.suspects_intro")))
    out.append(table([t("error_analysis.col_row"), t("error_analysis.col_split"),
                      t("error_analysis.col_given"), t("error_analysis.col_suggested"),
                      t("error_analysis.col_confidence")], rows,
                     widths=[0.8, 1.2, 1.6, 1.6, 1.2], right=(0, 4), width_share=0.75))
    return out + [spacer(0.2)] + notes


def _confusion_part(analysis: ErrorAnalysisRecord) -> list[Flowable]:
    confusion = analysis.confusion or ConfusionCells()
    labels = list(confusion.labels)
    matrix = confusion.matrix
    if not labels or len(labels) > MAX_CONFUSION_CLASSES or len(matrix) != len(labels):
        return []
    rows = [[label, *(fmt_count(c) for c in counts)] for label, counts in zip(labels, matrix)]
    small = 7 if len(labels) > 8 else None
    return [heading(t("error_analysis.confusion_heading"), 2),
            lead(t("error_analysis.confusion_intro")),
            table([t("error_analysis.col_true_class"), *labels], rows,
                  widths=[2.0] + [1.0] * len(labels), right=range(1, len(labels) + 1),
                  font_size=small, width_share=min(1.0, 0.3 + 0.09 * len(labels)))]


def _value(value) -> str:
    return fmt_number(value) if isinstance(value, float) else str(value if value is not None
                                                                   else "")
