"""The PDF report's learning-curve section: the figure, the answer to "will more data
help?", how it was read, and the per-size table. It says so when the curves are not drawn."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.diagnosis.learning_curve_view import (curve_is_current, curve_note, curve_rows,
                                                  has_curve)
from engine.project.project import Project
from engine.report.figure_learning_curve import learning_curve_chart
from engine.words.formatting import fmt_time, t
from engine.report.pdf.style import esc, figure, heading, para, plain, spacer, table
from engine.project.project import find_run


def learning_curve_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.learning_curve"))]
    curve = project.learning_curve
    if not has_curve(curve):
        return out + [plain(t("learning_curve.not_done"))]
    run = find_run(project, curve.run)
    label = run.label if run else curve.run
    if curve.folds:
        out.append(plain(t("learning_curve.run_kfold", label=label, run=curve.run,
                           folds=curve.folds, when=fmt_time(curve.created))))
        out.append(plain(curve_note(curve)))
    else:
        out.append(plain(t("learning_curve.run", label=label, run=curve.run,
                           seeds=curve.seeds, when=fmt_time(curve.created))))
    if not curve_is_current(project):
        out.append(plain(t("learning_curve.stale")))
    out.append(para(f"<b>{esc(t('learning_curve.answer', answer=curve.answer))}</b>"))
    if curve.explanation:
        out.append(plain(curve.explanation))
    png = learning_curve_chart(curve)
    if png is not None:
        key = "caption" if curve.target_error is not None else "caption_no_target"
        if curve.folds:
            key = key.replace("caption", "caption_kfold")
        # text keys: report.learning_curve.{caption,caption_kfold}{,_no_target}
        out.extend(figure(png, t(f"learning_curve.{key}"), width_share=0.85))
    out.append(spacer(0.2))
    out.append(table([t(f"learning_curve.col_{c}") for c in ("share", "rows", "train", "dev")],
                     curve_rows(curve), widths=[1.0, 1.0, 1.8, 1.8], right=(1, 2, 3),
                     width_share=0.6))
    return out
