"""The PDF report's section on the final test's curves, right after the final test: the
figure, what each curve says in plain words, top-k accuracy, and the per-class table (or,
for a regression, how far off the predictions are)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.words import curve_words as words
from engine.report.figure_test_curves import final_curves_chart
from engine.report.pdf.style import bullets, figure, heading, plain, spacer, table
from engine.core.texts import text
from engine.project.parts.goal import Goal


def _t(key: str, **values) -> str:
    return text(f"report.test_curves.{key}", **values)


def _title(words_: str) -> Flowable:
    """A table's title, kept on the page of the table's first rows."""
    title = plain(words_, "small")
    title.keepWithNext = 1
    return title


def final_curves_section(project: Project) -> list[Flowable]:
    regression = (project.goal or Goal()).task == "regression"
    out: list[Flowable] = [heading(_t("heading_regression" if regression else "heading"), 2)]
    final = project.final_test
    if not final:
        return out + [plain(_t("locked"))]
    bundle = final.curves
    if bundle is None:
        return out + [plain(_t("missing"))]
    png = final_curves_chart(bundle)
    if bundle.is_regression:
        if png is not None:
            n = len(bundle.regression.true) if bundle.regression else 0
            out.extend(figure(png, words.caption("regression", n=n), width_share=0.6))
        out.extend(bullets([s for s in [words.regression_sentence(bundle)] if s]))
        headers, rows = words.residual_table(bundle)
        out += [spacer(0.2), _title(text("gui.curves.residuals_title")),
                table(headers, rows, widths=[1.2, 2.0, 2.0], right=(1, 2), width_share=0.7)]
        return out
    suffix = "" if bundle.task == "binary" else "_multi"
    positive = bundle.positive_label
    if png is not None:
        # text keys: test_curves.caption_{roc,roc_multi,pr,pr_multi}
        caption = " ".join([_t("where_roc") + " " + words.caption("roc" + suffix,
                                                                   positive=positive),
                            _t("where_pr") + " " + words.caption("pr" + suffix,
                                                                 positive=positive),
                            _t("where_calibration") + " " + words.caption("calibration"),
                            _t("where_coverage") + " " + words.coverage_caption(bundle)])
        out.extend(figure(png, caption, width_share=0.95))
    drawn = words.classes_to_draw(bundle)
    n = len(bundle.roc.curves) if bundle.roc else 0
    sentences = [words.roc_sentence(bundle), words.pr_sentence(bundle),
                 words.calibration_sentence(bundle), words.reject_sentence(bundle),
                 words.top_k_sentence(bundle)]
    if len(drawn) < n:
        sentences.append(text("gui.curves.more_classes", shown=len(drawn), n=n))
    out.extend(bullets([s for s in sentences if s]))
    headers, rows = words.per_class_table(bundle)
    out += [spacer(0.2), _title(text("gui.curves.per_class_title")),
            table(headers, rows, widths=[2.2, 1, 1, 1, 1, 1], right=(1, 2, 3, 4, 5),
                  width_share=0.8)]
    return out
