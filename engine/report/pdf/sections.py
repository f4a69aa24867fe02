"""The first half of the PDF report: cover, goal, data, splits and runs.

Each ``*_section`` function takes the project and returns the flowables of one section.
A section whose step has not been done yet says so in one plain sentence.
"""

from __future__ import annotations

import datetime as _dt

from reportlab.platypus import Flowable

from engine.data.summary import ColumnInfo, TargetInfo
from engine.project.project import Project
from engine.words.formatting import (dash, fmt_confidence, fmt_count, fmt_error, fmt_number,
                                      fmt_share, fmt_time, fmt_value, is_number,
                                      metric_title, split_name, t, t_or,
                                      task_words, verdict_words)
from engine.report.pdf.style import (bullets, esc, heading, key_values, lead, para, plain,
                                     spacer, table)
from engine.report.cover_verdict import baseline_sentence, tuning_sentence
from engine.baseline.tree_verdict import trees_sentence
from engine.report.pdf.checks import split_checks_part
from engine.report.pdf.costs import goal_costs
from engine.report.pdf.labellers import goal_labellers
from engine.report.pdf.vault import vault_part
from engine.project.project import chosen_run
from engine.report.tables import SPLITS
from engine.project.parts.goal import Goal

MAX_COLUMNS_SHOWN = 60
RUNS_PER_TABLE = 4
MAX_RUNS_SCORED = 8


def summary_sentences(project: Project) -> list[str]:
    """The cover's verdict in plain sentences: chosen model, diagnosis, test result."""
    metric = (project.goal or Goal()).metric
    run = chosen_run(project)
    out = []
    if not project.runs:
        out.append(t("cover.no_runs"))
    elif run is None:
        out.append(t("cover.no_choice"))
    else:
        out.append(t("cover.chosen", label=run.label, run=run.id,
                     error=fmt_error(run.errors.get("dev"), metric)))
        out += [s for s in (baseline_sentence(project), trees_sentence(project),
                            tuning_sentence(project)) if s]
    verdict = project.diagnosis.verdict if project.diagnosis else None
    out.append(t("cover.diagnosis", verdict=verdict_words(verdict)) if verdict
               else t("cover.no_diagnosis"))
    final = project.final_test
    entry = final.metrics.get(final.metric or metric) if final else None
    if project.vault_open and entry is not None:
        values = dict(metric=metric_title(final.metric or metric),
                      value=fmt_value(entry.value), rows=fmt_count(final.rows))
        if is_number(entry.low) and is_number(entry.high):
            out.append(t("cover.test", low=fmt_value(entry.low),
                         high=fmt_value(entry.high),
                         confidence=fmt_confidence(final.confidence), **values))
        else:
            out.append(t("cover.test_no_interval", **values))
    else:
        out.append(t("cover.vault_locked"))
    late = sum(1 for r in project.runs if r.after_vault)
    if late:
        out.append(t("cover.after_vault", n=late))
    return out


def cover_section(project: Project) -> list[Flowable]:
    pairs = [(t("cover.project"), project.name),
             (t("cover.date"), _dt.date.today().isoformat())]
    for role, key in (("main", "cover.data_file"), ("target", "cover.target_file")):
        source = project.source(role)
        if source is not None:
            pairs.append((t(key), f"{source.path} ({fmt_count(source.rows)} rows)"))
    if not project.sources:
        pairs.append((t("cover.data_file"), t("cover.no_data")))
    return [spacer(3), plain(t("title"), "title"), plain(project.name, "h1"), spacer(0.6),
            key_values(pairs), spacer(1.0), heading(t("cover.summary"), 2),
            para(" ".join(esc(s) for s in summary_sentences(project)), "note")]


def goal_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.goal"))]
    goal = project.goal
    if not goal:
        return out + [plain(t("goal.not_set"))]
    metric = goal.metric
    constraints = [c.text or f"{c.quantity} {c.op} {c.bound}" for c in goal.constraints]
    target_error = goal.target_error
    pairs = [(t("goal.target"), goal.target or dash()),
             (t("goal.task"), task_words(goal.task)),
             (t("goal.task_reason"), goal.task_reason or dash()),
             (t("goal.metric"), metric_title(metric)),
             (t("goal.metric_reason"), goal.metric_reason or dash())]
    # text keys: metric.accuracy.explain, metric.average_precision.explain
    # text keys: metric.balanced_accuracy.explain, metric.f1.explain, metric.f1_macro.explain
    # text keys: metric.f1_weighted.explain, metric.log_loss.explain, metric.mae.explain
    # text keys: metric.precision.explain, metric.r2.explain, metric.recall.explain
    # text keys: metric.rmse.explain, metric.roc_auc.explain, metric.top2_accuracy.explain
    meaning = t_or(f"metric.{metric}.explain", "")
    if meaning:
        pairs.append((t("goal.metric_meaning"), meaning))
    pairs.append((t("goal.constraints"), "; ".join(constraints) or t("goal.no_constraints")))
    pairs.append((t("goal.target_error"),
                  t("goal.target_error_value", error=fmt_error(target_error, metric))
                  if is_number(target_error) else t("goal.no_target_error")))
    if goal.labels:
        pairs.append((t("goal.labels"), ", ".join(map(str, goal.labels))))
    if goal.positive_label is not None:
        pairs.append((t("goal.positive"), str(goal.positive_label)))
    return out + [lead(t("goal.intro")), key_values(pairs), *goal_costs(project),
                  *goal_labellers(project)]


def data_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.data"))]
    summary = project.summary
    if summary is None:
        out.append(plain(t("data.no_summary")))
    else:
        out.append(plain(t("data.size", rows=fmt_count(summary.rows),
                           columns=fmt_count(summary.columns))))
        if project.features:
            names = ", ".join(project.features[:30]) + (", ..." if len(project.features) > 30
                                                        else "")
            out.append(plain(t("data.features", n=len(project.features), names=names)))
        out += _target_part(summary.target)
        out += _columns_part(summary.column_info)
    findings = [f for f in project.findings if isinstance(f, dict)]
    if summary is None and not findings:
        return out
    out.append(heading(t("data.findings_heading"), 2))
    if not findings:
        return out + [plain(t("data.no_findings"))]
    rows = [[f.get("severity", ""), f.get("column") or dash(), f.get("message", ""),
             f.get("fix", "")] for f in findings]
    return out + [table([t("data.finding_severity"), t("data.finding_column"),
                         t("data.finding_message"), t("data.finding_fix")],
                        rows, widths=[1.5, 1.7, 4, 3.6])]


def _target_part(target: TargetInfo | None) -> list[Flowable]:
    if target is None:
        return []
    name = target.name
    out: list[Flowable] = []
    counts = dict(target.class_counts)
    if counts:
        total = sum(v for v in counts.values() if is_number(v)) or 1
        out.append(lead(t("data.target_classes", target=name)))
        rows = [[label, fmt_count(n), fmt_share(n / total)] for label, n in counts.items()]
        out.append(table([t("data.class"), t("data.count"), t("data.share")], rows,
                         widths=[3, 1.2, 1.2], right=(1, 2), width_share=0.55))
    elif is_number(target.mean):
        out.append(plain(t("data.target_numeric", target=name,
                           **{k: fmt_number(getattr(target, k)) for k in
                              ("minimum", "maximum", "mean", "std")})))
    if target.missing > 0:
        out.append(plain(t("data.target_missing", missing=fmt_count(target.missing))))
    return out


def _columns_part(info: tuple[ColumnInfo, ...]) -> list[Flowable]:
    if not info:
        return []
    rows = [[c.name, c.kind, c.dtype, fmt_count(c.missing), fmt_count(c.unique)]
            for c in info[:MAX_COLUMNS_SHOWN]]
    out: list[Flowable] = [heading(t("data.columns_heading"), 2),
                           table([t("data.col_name"), t("data.col_kind"), t("data.col_dtype"),
                                  t("data.col_missing"), t("data.col_unique")], rows,
                                 widths=[3.5, 1.6, 1.4, 1.2, 1.5], right=(3, 4))]
    if len(info) > MAX_COLUMNS_SHOWN:
        out.append(plain(t("data.columns_more", n=len(info) - MAX_COLUMNS_SHOWN), "small"))
    return out


def splits_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.splits"))]
    split = project.split
    sizes = split.sizes if split is not None else {}
    if not sizes:
        out.append(plain(t("splits.not_done")))
    else:
        out.append(lead(t("splits.intro")))
        sources = split.sources
        fractions = split.fractions.to_dict() if split.fractions is not None else {}
        rows = [[split_name(name), t(f"splits.source_{sources.get(name, 'main')}")
                 if sources.get(name, "main") in ("main", "target") else sources[name],
                 fmt_count(sizes[name]), fmt_share(fractions.get(name))]
                for name in SPLITS if name in sizes]
        out.append(table([t("splits.col_split"), t("splits.col_source"), t("splits.col_rows"),
                          t("splits.col_share")], rows, widths=[2, 2.4, 1.3, 1.5], width_share=0.7,
                         right=(2, 3)))
        out.append(spacer(0.2))
        out.append(plain(t("splits.seed", seed=split.seed)))
        if (project.goal or Goal()).task != "regression":
            out.append(plain(t("splits.stratified" if split.stratified
                               else "splits.not_stratified")))
        if split.dropped_missing_target:
            out.append(plain(t("splits.dropped", n=fmt_count(split.dropped_missing_target))))
        notes = list(split.notes)
        if notes:
            out.extend(bullets(notes))
        out += _balance_part(split.class_balance or {})
        out += split_checks_part(project)
    return out + vault_part(project)


def _balance_part(balance: dict) -> list[Flowable]:
    names = [n for n in SPLITS if balance.get(n)]
    if not names:
        return []
    classes: list[str] = []
    for name in names:
        classes += [str(c) for c in balance[name] if str(c) not in classes]
    totals = {n: sum(balance[n].values()) or 1 for n in names}
    rows = []
    for label in classes:
        cells = []
        for n in names:
            count = {str(k): v for k, v in balance[n].items()}.get(label, 0)
            cells.append(f"{fmt_count(count)} ({fmt_share(count / totals[n])})")
        rows.append([label, *cells])
    return [heading(t("splits.balance_heading"), 2),
            table([t("data.class"), *[split_name(n) for n in names]], rows,
                  widths=[2.2] + [1.6] * len(names), right=tuple(range(1, len(names) + 1)),
                  width_share=min(1.0, 0.25 + 0.17 * len(names)))]


def runs_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.runs"))]
    if not project.runs:
        return out + [plain(t("runs.none"))]
    metric = (project.goal or Goal()).metric
    out.append(lead(t("runs.intro", metric=metric_title(metric))))
    rows = []
    for run in project.runs:
        # text keys: report.runs.status_{cancelled,failed,finished,pruned}
        rows.append([_run_cell(project, run), t_or(f"report.runs.status_{run.status}",
                                                   run.status),
                     fmt_time(run.created),
                     *[fmt_error(run.errors.get(s), metric) for s in ("train", "train_dev",
                                                                       "dev")],
                     fmt_number(run.measured.get("params")),
                     _short(run.measured.get("size_mb")),
                     _short(run.measured.get("latency_ms")),
                     t("yes") if run.after_vault else ""])
    header = [t(f"runs.col_{c}") for c in ("run", "status", "created", "train", "train_dev",
                                           "dev", "params", "size", "latency", "after")]
    out.append(table(header, rows, widths=[3.0, 1.2, 1.7, 1.3, 1.6, 1.2, 1.3, 1.0, 1.55, 1.1],
                     right=(3, 4, 5, 6, 7, 8)))
    if any(r.after_vault for r in project.runs):
        out.append(plain(t("runs.after_note"), "note"))
    return out + _run_metrics_part(project)


def _run_cell(project: Project, run) -> Flowable:
    """The run's label in bold, "(chosen)" when it is the chosen one, its id in small print."""
    name = f"<b>{esc(run.label)}</b>"
    if run.id == project.chosen_run:
        name += f" {esc(t('runs.chosen'))}"
    return para(f"{name}<br/><font size='6' color='#444444'>{esc(run.id)}</font>", "cell")


def _short(value: object) -> str:
    """A measured size or time, short: ``< 0.01``, ``0.071``, ``4.6``, ``1,234``."""
    if not is_number(value):
        return dash()
    v = float(value)
    if 0 < abs(v) < 0.01:
        return "< 0.01"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}" if abs(v) >= 1 else f"{v:.2f}"


def _run_metrics_part(project: Project) -> list[Flowable]:
    """Dev value of every metric: one row per metric, one column per run, 4 runs a table.

    With many runs only the chosen one and those with the lowest dev error are shown.
    """
    names: list[str] = []
    for run in project.runs:
        names += [n for n in (run.metrics.get("dev") or {}) if n not in names]
    if not names:
        return []
    shown = _runs_to_score(project)
    out: list[Flowable] = [heading(t("runs.metrics_heading"), 2),
                           lead(t("runs.metrics_intro"), "small")]
    if len(shown) < len(project.runs):
        out[-1] = lead(f"{t('runs.metrics_intro')} {t('runs.metrics_some', n=len(shown))}",
                       "small")
    for start in range(0, len(shown), RUNS_PER_TABLE):
        runs = shown[start:start + RUNS_PER_TABLE]
        rows = [[metric_title(n), *[fmt_value((r.metrics.get("dev") or {}).get(n))
                                    for r in runs]] for n in names]
        out.append(table([t("runs.col_metric"), *[_run_cell(project, r) for r in runs]],
                         rows, widths=[3.4] + [2.6] * len(runs),
                         right=tuple(range(1, len(runs) + 1)),
                         width_share=(3.4 + 2.6 * len(runs)) / (3.4 + 2.6 * RUNS_PER_TABLE)))
        out.append(spacer(0.25))
    return out


def _runs_to_score(project: Project) -> list:
    """The runs of the dev-score table, oldest first: all, or the chosen and the best ones."""
    if len(project.runs) <= MAX_RUNS_SCORED:
        return list(project.runs)

    def dev_error(run) -> float:
        value = run.errors.get("dev")
        return float(value) if is_number(value) else float("inf")

    ranked = sorted(project.runs, key=lambda r: (r.id != project.chosen_run, dev_error(r)))
    keep = {r.id for r in ranked[:MAX_RUNS_SCORED]}
    return [r for r in project.runs if r.id in keep]
