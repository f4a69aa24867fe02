"""Plain sentences and table rows about the final test's curves (``engine.final.test_curves``).

The Final test page and the PDF report both show them, so a reader meets the same words in
both places. Each function takes the stored bundle (``project.final_test.curves``) and
returns text; an empty string means there is nothing to say.

Use:
    reject_sentence(bundle)
"""

from __future__ import annotations

from typing import Any

from engine.words.formatting import fmt_count, fmt_number, fmt_share, fmt_value, is_number
from engine.core.texts import text

PER_CLASS_COLUMNS = ("label", "precision", "recall", "f1", "support", "auc")


def roc_sentence(bundle: dict) -> str:
    roc = bundle.get("roc") or {}
    curves = roc.get("curves") or []
    if bundle.get("task") == "binary":
        auc = curves[0].get("auc") if curves else None
        if not is_number(auc):
            return text("test_curves.roc_undefined")
        return text("test_curves.roc_binary", auc=fmt_value(auc), share=fmt_share(auc),
                    positive=bundle.get("positive_label"))
    if not is_number(roc.get("macro_auc")):
        return text("test_curves.roc_undefined")
    return text("test_curves.roc_multiclass", auc=fmt_value(roc["macro_auc"]), n=len(curves))


def pr_sentence(bundle: dict) -> str:
    pr = bundle.get("pr") or {}
    curves = pr.get("curves") or []
    if bundle.get("task") == "binary":
        curve = curves[0] if curves else {}
        if not is_number(curve.get("average_precision")):
            return text("test_curves.roc_undefined")
        return text("test_curves.pr_binary", ap=fmt_value(curve["average_precision"]),
                    base=fmt_value(curve.get("base_rate")),
                    positive=bundle.get("positive_label"))
    if not is_number(pr.get("macro_average_precision")):
        return text("test_curves.roc_undefined")
    return text("test_curves.pr_multiclass", ap=fmt_value(pr["macro_average_precision"]))


def calibration_sentence(bundle: dict) -> str:
    cal = bundle.get("calibration")
    if not cal or not is_number(cal.get("ece")):
        return ""
    # text keys: test_curves.calibration_{confidence,positive}
    return text(f"test_curves.calibration_{cal['kind']}", ece=fmt_share(cal["ece"]),
                positive=bundle.get("positive_label"))


def reject_sentence(bundle: dict) -> str:
    """What the reject option gives at the target accuracy, or how to ask for one."""
    cov = bundle.get("coverage")
    if not cov:
        return ""
    target = cov.get("target_accuracy")
    if not is_number(target):
        return text("test_curves.reject_no_target", full=fmt_share(cov.get("full_accuracy")))
    chosen = cov.get("chosen")
    # text keys: test_curves.target_from_{abstain_accuracy,target_error}
    source = text(f"test_curves.target_from_{cov.get('target_source') or 'abstain_accuracy'}")
    if not chosen:
        return text("test_curves.reject_unreachable", target=fmt_share(target), source=source,
                    full=fmt_share(cov.get("full_accuracy")))
    words = text("test_curves.reject_chosen", target=fmt_share(target), source=source,
                 threshold=fmt_share(chosen["threshold"]),
                 coverage=fmt_share(chosen["coverage"]),
                 answered=fmt_count(chosen["answered"]), rows=fmt_count(chosen["rows"]),
                 accuracy=fmt_share(chosen["accuracy"]), low=fmt_share(chosen["low"]),
                 high=fmt_share(chosen["high"]))
    if cov.get("chosen_here"):
        words += " " + text("test_curves.reject_chosen_here")
    return words


def top_k_sentence(bundle: dict) -> str:
    top = bundle.get("top_k")
    if not top:
        return ""
    parts = [text("test_curves.top_k_part", k=k, share=fmt_share(v)) for k, v in top.items()]
    return text("test_curves.top_k", parts="; ".join(parts))


def regression_sentence(bundle: dict) -> str:
    reg = bundle.get("regression") or {}
    q = reg.get("residual_quantiles") or {}
    a = reg.get("abs_residual_quantiles") or {}
    if not is_number(a.get("0.5")):
        return ""
    return text("test_curves.regression", half=fmt_number(a["0.5"]),
                most=fmt_number(a.get("0.95")), median=fmt_number(q.get("0.5")),
                low=fmt_number(q.get("0.05")), high=fmt_number(q.get("0.95")))


def per_class_table(bundle: dict) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the per-class table: precision, recall, F1, support and the
    class's ROC area (one class against the rest)."""
    curves = (bundle.get("roc") or {}).get("curves", [])
    aucs = {c["label"]: c.get("auc") for c in curves}
    if bundle.get("task") == "binary" and curves:  # one class against the other: same area
        aucs = {row["label"]: curves[0].get("auc") for row in bundle.get("per_class") or []}
    headers = [text(f"test_curves.col_{c}") for c in PER_CLASS_COLUMNS]
    rows = []
    for row in bundle.get("per_class") or []:
        rows.append([str(row["label"]), fmt_value(row["precision"]), fmt_value(row["recall"]),
                     fmt_value(row["f1"]), fmt_count(row["support"]),
                     fmt_value(aucs.get(row["label"]))])
    return headers, rows


def residual_table(bundle: dict) -> tuple[list[str], list[list[str]]]:
    """The quantiles of the residuals (predicted minus true) and of their size."""
    reg = bundle.get("regression") or {}
    signed, size = reg.get("residual_quantiles") or {}, reg.get("abs_residual_quantiles") or {}
    headers = [text("test_curves.col_quantile"), text("test_curves.col_residual"),
               text("test_curves.col_abs_residual")]
    rows = [[fmt_share(float(q)), fmt_number(signed.get(q)), fmt_number(size.get(q))]
            for q in signed]
    return headers, rows


def classes_to_draw(bundle: dict, most: int = 8) -> list[int]:
    """Which one-vs-rest curves to draw: all of them up to ``most``, else the ``most``
    classes with the most test examples (in their table order)."""
    curves = (bundle.get("roc") or {}).get("curves") or []
    if len(curves) <= most:
        return list(range(len(curves)))
    support = {row["label"]: row["support"] for row in bundle.get("per_class") or []}
    ranked = sorted(range(len(curves)), key=lambda i: -support.get(curves[i]["label"], 0))
    return sorted(ranked[:most])


def caption(key: str, **values: Any) -> str:
    """A curve's caption (``test_curves.caption_<key>``)."""
    return text(f"test_curves.caption_{key}", **values)


def coverage_caption(bundle: dict) -> str:
    """The caption of the coverage curve, naming the target line and star when drawn."""
    cov = bundle.get("coverage") or {}
    return caption("coverage_target" if cov.get("chosen") else "coverage")
