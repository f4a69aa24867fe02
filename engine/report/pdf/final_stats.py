"""The final test's statistics in the PDF: intervals with their method, the spread over
seeds, the finalists and the comparisons with corrected p-values and their sentences, each
with the test used and why it fits the pair.

``pdf_results.final_section`` calls ``metrics_table`` for its table of test metrics and
appends ``stats_flowables`` after the test error.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.final.comparisons import describe_reason, describe_test
from engine.project.parts.final_test import FinalTestRecord
from engine.words.formatting import (dash, fmt_error, fmt_value, is_number, metric_title, t)
from engine.report.pdf.style import esc, heading, lead, para, plain, spacer, table
from engine.words.result_tables import test_metrics_table
from engine.words.stat_words import method_words, quantities, role_words
from engine.core.texts import text


def metrics_table(project, goal_metric: str | None) -> Flowable:
    """Every test metric with its interval and the method that made the interval."""
    final = project.final_test
    methods = {name: entry.method for name, entry in (final.metrics if final else {}).items()}
    rows = []
    for r in test_metrics_table(project).itertuples():
        name = esc(metric_title(r.metric))
        if r.metric == goal_metric:
            name = f"<b>{name} {esc(t('final.optimizing'))}</b>"
        # text keys: final_stats.method_{BCa,Wilson,basic,percentile,undefined}
        rows.append([para(name, "cell"), fmt_value(r.value), fmt_value(r.low),
                     fmt_value(r.high), method_words(methods.get(r.metric))])
    return table([t("final.col_metric"), t("final.col_value"), t("final.col_low"),
                  t("final.col_high"), t("final_stats.col_method")], rows,
                 widths=[3.4, 1.2, 1.1, 1.1, 2.0], width_share=0.95, right=(1, 2, 3))


def methods_note() -> Flowable:
    return plain(t("final_stats.methods_note"), "small")


def stats_flowables(project) -> list[Flowable]:
    """The spread over seeds, then the finalists and comparisons (with the ensemble)."""
    final = project.final_test
    out: list[Flowable] = []
    if final is not None and final.seeds is not None:
        out += seeds_flowables(final)
    if final is not None and final.finalists:
        out += finalists_flowables(final)
    return out


def seeds_flowables(final: FinalTestRecord) -> list[Flowable]:
    seeds = final.seeds
    out: list[Flowable] = [heading(t("final_stats.seeds_heading"), 2)]
    if (seeds.k or 1) < 2:
        # text keys: report.final_stats.seeds_one, report.final_stats.seeds_retrained
        key = "final_stats.seeds_retrained" if final.retrained else "final_stats.seeds_one"
        return out + [plain(t(key, label=final.label))]
    listed = ", ".join(str(s) for s in seeds.seeds)
    out.append(lead(t("final_stats.seeds_intro", k=seeds.k, seeds=listed)))
    goal_metric = final.metric
    names = list(seeds.mean)
    names.sort(key=lambda n: n != goal_metric)
    rows = []
    for name in names:
        label = esc(metric_title(name))
        if name == goal_metric:
            label = f"<b>{label}</b>"
        values = seeds.values.get(name) or ()
        rows.append([para(label, "cell"), fmt_value(seeds.mean.get(name)),
                     fmt_value(seeds.std.get(name)),
                     ", ".join(fmt_value(v) for v in values)])
    out.append(table([t("final_stats.col_metric"), t("final_stats.col_mean"),
                      t("final_stats.col_std"), t("final_stats.col_values")], rows,
                     widths=[3.2, 1.1, 1.1, 4.0], right=(1, 2), width_share=0.95))
    return out


def finalists_flowables(final: FinalTestRecord) -> list[Flowable]:
    metric = final.metric
    comparisons = final.comparisons
    # text keys: final_stats.correction_{holm,bonferroni}
    correction = text(f"final_stats.correction_{final.correction}")
    n_tests = sum(1 for c in comparisons if is_number(c.p_value))
    out: list[Flowable] = [heading(t("final_stats.finalists_heading"), 2)]
    out.append(lead(t("final_stats.finalists_intro", correction=correction, n=n_tests,
                      alpha=fmt_value(final.alpha))))
    # text keys: gui.final_stats.role_{baseline,chosen,ensemble}
    rows = [[f.label, role_words(f.role), fmt_error(f.dev_error, metric),
             fmt_error(f.test_error, metric)] for f in final.finalists]
    out.append(table([t("final_stats.col_finalist"), t("final_stats.col_role"),
                      t("final_stats.col_dev"), t("final_stats.col_test")], rows,
                     widths=[4.0, 2.2, 1.3, 1.3], right=(2, 3), width_share=0.95))
    if not comparisons:
        return out + [spacer(0.2), plain(t("final_stats.no_comparisons"))]
    out.append(spacer(0.3))
    # text keys: final_stats.test_{mcnemar,permutation}, final_stats.test_seeds_ttest
    rows = [[c.label, describe_test(c.test), _p(c.p_value),
             _p(c.p_corrected)] for c in comparisons]
    out.append(table([t("final_stats.col_finalist"), t("final_stats.col_test_name"),
                      t("final_stats.col_p"), t("final_stats.col_p_corrected")], rows,
                     widths=[4.0, 3.0, 1.0, 1.3], right=(2, 3), width_share=0.95))
    out.append(spacer(0.2))
    for c in comparisons:
        out.append(para(f"<b>{esc(c.sentence)}</b>"))
        why = describe_reason(c.test, c.reason)
        if why:
            out.append(plain(t("final_stats.test_why", test=describe_test(c.test), why=why),
                             "small"))
    ensemble = final.ensemble
    if ensemble:
        measured = ensemble.get("measured") or {}
        out.append(spacer(0.2))
        out.append(plain(t("final_stats.ensemble_note",
                           members=", ".join(ensemble.get("member_labels") or []),
                           **quantities(measured))))
    return out


def _p(value) -> str:
    if not is_number(value):
        return dash()
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
