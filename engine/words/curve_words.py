"""Plain sentences and table rows about the final test's curves (``engine.final.test_curves``).

The Final test page and the PDF report both show them, so a reader meets the same words in
both places. Each function takes the stored bundle (``project.final_test.curves``, a
``CurveBundle``) and returns text; an empty string means there is nothing to say.

Use:
    reject_sentence(bundle)
"""

from __future__ import annotations

from typing import Any

from engine.words.formatting import fmt_count, fmt_number, fmt_share, fmt_value, is_number
from engine.core.texts import text
from engine.project.parts.test_curves import CurveBundle, RegressionPoints, RocCurves

PER_CLASS_COLUMNS = ("label", "precision", "recall", "f1", "support", "auc")


def roc_sentence(bundle: CurveBundle) -> str:
    roc = bundle.roc or RocCurves()
    if bundle.task == "binary":
        auc = roc.curves[0].auc if roc.curves else None
        if not is_number(auc):
            return text("test_curves.roc_undefined")
        return text("test_curves.roc_binary", auc=fmt_value(auc), share=fmt_share(auc),
                    positive=bundle.positive_label)
    if not is_number(roc.macro_auc):
        return text("test_curves.roc_undefined")
    return text("test_curves.roc_multiclass", auc=fmt_value(roc.macro_auc), n=len(roc.curves))


def pr_sentence(bundle: CurveBundle) -> str:
    curves = bundle.pr.curves if bundle.pr else ()
    if bundle.task == "binary":
        curve = curves[0] if curves else None
        if curve is None or not is_number(curve.average_precision):
            return text("test_curves.roc_undefined")
        return text("test_curves.pr_binary", ap=fmt_value(curve.average_precision),
                    base=fmt_value(curve.base_rate), positive=bundle.positive_label)
    macro = bundle.pr.macro_average_precision if bundle.pr else None
    if not is_number(macro):
        return text("test_curves.roc_undefined")
    return text("test_curves.pr_multiclass", ap=fmt_value(macro))


def calibration_sentence(bundle: CurveBundle) -> str:
    cal = bundle.calibration
    if cal is None or not is_number(cal.ece):
        return ""
    # text keys: test_curves.calibration_{confidence,positive}
    return text(f"test_curves.calibration_{cal.kind}", ece=fmt_share(cal.ece),
                positive=bundle.positive_label)


def reject_sentence(bundle: CurveBundle) -> str:
    """What the reject option gives at the target accuracy, or how to ask for one."""
    cov = bundle.coverage
    if cov is None:
        return ""
    target = cov.target_accuracy
    if not is_number(target):
        return text("test_curves.reject_no_target", full=fmt_share(cov.full_accuracy))
    chosen = cov.chosen
    # text keys: test_curves.target_from_{abstain_accuracy,target_error}
    source = text(f"test_curves.target_from_{cov.target_source or 'abstain_accuracy'}")
    if chosen is None:
        return text("test_curves.reject_unreachable", target=fmt_share(target), source=source,
                    full=fmt_share(cov.full_accuracy))
    words = text("test_curves.reject_chosen", target=fmt_share(target), source=source,
                 threshold=fmt_share(chosen.threshold), coverage=fmt_share(chosen.coverage),
                 answered=fmt_count(chosen.answered), rows=fmt_count(chosen.rows),
                 accuracy=fmt_share(chosen.accuracy), low=fmt_share(chosen.low),
                 high=fmt_share(chosen.high))
    if cov.chosen_here:
        words += " " + text("test_curves.reject_chosen_here")
    return words


def top_k_sentence(bundle: CurveBundle) -> str:
    top = bundle.top_k
    if not top:
        return ""
    parts = [text("test_curves.top_k_part", k=k, share=fmt_share(v)) for k, v in top.items()]
    return text("test_curves.top_k", parts="; ".join(parts))


def regression_sentence(bundle: CurveBundle) -> str:
    reg = bundle.regression or RegressionPoints()
    if not is_number(reg.abs_residual(0.5)):
        return ""
    return text("test_curves.regression", half=fmt_number(reg.abs_residual(0.5)),
                most=fmt_number(reg.abs_residual(0.95)), median=fmt_number(reg.residual(0.5)),
                low=fmt_number(reg.residual(0.05)), high=fmt_number(reg.residual(0.95)))


def class_areas(bundle: CurveBundle) -> dict[str, float | None]:
    """Each class's ROC area against the rest, by label; for a binary task the one area
    stands for both classes (one class against the other)."""
    curves = bundle.roc.curves if bundle.roc else ()
    if bundle.task == "binary" and curves:
        return {row.label: curves[0].auc for row in bundle.per_class}
    return {c.label: c.auc for c in curves}


def per_class_table(bundle: CurveBundle) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the per-class table: precision, recall, F1, support and the
    class's ROC area (one class against the rest)."""
    aucs = class_areas(bundle)
    headers = [text(f"test_curves.col_{c}") for c in PER_CLASS_COLUMNS]
    rows = []
    for row in bundle.per_class:
        rows.append([str(row.label), fmt_value(row.precision), fmt_value(row.recall),
                     fmt_value(row.f1), fmt_count(row.support), fmt_value(aucs.get(row.label))])
    return headers, rows


def residual_table(bundle: CurveBundle) -> tuple[list[str], list[list[str]]]:
    """The quantiles of the residuals (predicted minus true) and of their size."""
    reg = bundle.regression or RegressionPoints()
    signed, size = reg.residual_quantiles, reg.abs_residual_quantiles
    headers = [text("test_curves.col_quantile"), text("test_curves.col_residual"),
               text("test_curves.col_abs_residual")]
    rows = [[fmt_share(float(q)), fmt_number(signed[q]), fmt_number(size.get(q))]
            for q in signed]
    return headers, rows


def classes_to_draw(bundle: CurveBundle, most: int = 8) -> list[int]:
    """Which one-vs-rest curves to draw: all of them up to ``most``, else the ``most``
    classes with the most test examples (in their table order)."""
    curves = bundle.roc.curves if bundle.roc else ()
    if len(curves) <= most:
        return list(range(len(curves)))
    support = {row.label: row.support for row in bundle.per_class}
    ranked = sorted(range(len(curves)), key=lambda i: -support.get(curves[i].label, 0))
    return sorted(ranked[:most])


def caption(key: str, **values: Any) -> str:
    """A curve's caption (``test_curves.caption_<key>``)."""
    return text(f"test_curves.caption_{key}", **values)


def coverage_caption(bundle: CurveBundle) -> str:
    """The caption of the coverage curve, naming the target line and star when drawn."""
    chosen = bundle.coverage.chosen if bundle.coverage else None
    return caption("coverage" if chosen is None else "coverage_target")
