"""The PDF report's k-fold section (small data): the models compared by k-fold
cross-validation on the non-test rows, as a table (mean, spread over folds, p-value against
the best) and the engine's sentences, the caution about the spread among them. Nothing when
no comparison was made (``kfold.json`` absent): for big data one dev set is the yardstick."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.diagnosis.kfold import kfold_headers, kfold_rows, kfold_sentences, load_kfold
from engine.project.project import Project
from engine.report.pdf.style import heading, plain, spacer, table
from engine.words.formatting import fmt_time, t


def kfold_section(project: Project) -> list[Flowable]:
    result = load_kfold(project)
    if result is None:
        return []
    out: list[Flowable] = [heading(t("section.kfold")),
                           plain(t("kfold.made", folds=result.folds, rows=f"{result.rows:,}",
                                   metric=result.metric, epochs=result.epochs,
                                   when=fmt_time(result.created)))]
    out.append(table(kfold_headers(), kfold_rows(result), widths=[1.6, 1.0, 1.0, 1.0],
                     right=(1, 2, 3), width_share=0.6))
    out.append(spacer(0.2))
    out.extend(plain(line) for line in kfold_sentences(result))
    return out
