"""The PDF report's tuning section: what the search tried, its history with the best so far,
which settings mattered, the best trial that meets every constraint and its settings, the
rounds, and the best trials. It says so in one line when no search was run.

Everything comes from the study's summary (``engine.report.trial_tables.report_summary``).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.report.figure_tuning import history_chart, importance_chart
from engine.words.formatting import fmt_count, fmt_error, fmt_number, is_number, t, t_or
from engine.report.pdf.style import esc, figure, heading, lead, para, plain, spacer, table
from engine.project.project import find_run
from engine.report.trial_tables import report_summary
from engine.tuning.fold_scores import optimism_sentence
from engine.tuning.summary import MIN_FOR_IMPORTANCE
from engine.tuning.settings import TuningSettings
from engine.tuning.summary_types import TuningSummary
from engine.project.parts.goal import Goal

BEST_SHOWN = 10
SETTINGS_IN_TABLE = 3  # the most important settings get a column in the best-trials table


def tuning_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.tuning"))]
    summary = report_summary(project)
    if summary is None or not summary.trials:
        return out + [plain(t("tuning.not_done"))]
    metric = (project.goal or Goal()).metric or summary.metric
    out.append(plain(_intro(summary)))
    out += _best_part(project, summary, metric)
    png = history_chart(summary, metric)
    if png is not None:
        out.extend(figure(png, t("tuning.history_caption"), width_share=0.9))
    out += _rounds_part(summary, metric)
    out += _importance_part(summary)
    out += _settings_part(summary)
    out += _trials_part(project, summary, metric)
    return out


def _intro(summary: TuningSummary) -> str:
    settings = summary.settings or TuningSettings()
    counts = summary.counts
    sampler = settings.sampler
    pruner = settings.pruner_name
    kind = summary.kind
    rounds = max((r.round for r in summary.trials), default=1)
    # text keys: report.tuning_kind.{cnn,conv1d,gru,lstm,mlp}, report.tuning_kind.text_{conv,pool}
    # text keys: report.tuning.{sampler_random,sampler_grid,sampler_tpe}
    # text keys: report.tuning.{pruner_median,pruner_hyperband,pruner_none}
    return t("tuning.intro", trials=len(summary.trials),
             kind=t_or(f"report.tuning_kind.{kind}", kind),
             complete=counts.complete, pruned=counts.pruned,
             failed=counts.fail, rounds=rounds,
             sampler=t_or(f"report.tuning.sampler_{sampler}", sampler),
             pruner=t_or(f"report.tuning.pruner_{pruner}", pruner),
             epochs=settings.epochs if summary.settings else "?")


def _best_part(project: Project, summary: TuningSummary, metric: str | None) -> list[Flowable]:
    best = summary.best
    if not best:
        return [plain(t("tuning.no_best"))]
    row = summary.trial_row(best.number)
    folds = summary.settings.kfold if summary.settings is not None else 0
    if folds and row is not None and row.fold_errors:
        words = t("tuning.best_kfold", trial=best.trial, run=best.run_id, folds=folds,
                  error=fmt_error(best.value, metric),
                  spread=fmt_error(row.fold_spread, metric),
                  errors=", ".join(fmt_error(e, metric) for e in row.fold_errors),
                  dev=fmt_error(row.run_dev_error, metric))
    else:
        words = t("tuning.best", trial=best.trial, run=best.run_id,
                  error=fmt_error(best.value, metric))
    chosen = find_run(project, project.chosen_run)
    if chosen is not None and chosen.id == best.run_id:
        words += " " + t("tuning.best_is_chosen")
    elif chosen is not None:
        words += " " + t("tuning.best_not_chosen", label=chosen.label,
                         error=fmt_error(chosen.errors.get("dev"), metric))
    return [para(f"<b>{esc(words)}</b>"),
            plain(optimism_sentence(summary.counts.complete, folds))]


def _rounds_part(summary: TuningSummary, metric: str | None) -> list[Flowable]:
    trials = summary.trials
    rounds = sorted({r.round for r in trials})
    if len(rounds) < 2:
        return []
    rows = []
    for rnd in rounds:
        mine = [r for r in trials if r.round == rnd]
        done = [r.value for r in mine if r.state == "complete"
                and is_number(r.value) and r.feasible]
        rows.append([str(rnd), fmt_count(len(mine)),
                     fmt_count(sum(r.state == "complete" for r in mine)),
                     fmt_count(sum(r.state == "pruned" for r in mine)),
                     fmt_error(min(done), metric) if done else t("none")])
    return [heading(t("tuning.rounds_heading"), 2),
            table([t(f"tuning.col_{c}") for c in ("round", "trials", "complete", "pruned",
                                                  "best")], rows,
                  widths=[1, 1, 1, 1.3, 1.5], right=(0, 1, 2, 3, 4), width_share=0.6)]


def _importance_part(summary: TuningSummary) -> list[Flowable]:
    out: list[Flowable] = [heading(t("tuning.importance_heading"), 2)]
    png = importance_chart(summary.importance)
    if png is None:
        return out + [plain(t("tuning.importance_none", n=MIN_FOR_IMPORTANCE))]
    n = len(summary.importance)
    return out + [lead(t("tuning.importance_intro"))] + figure(
        png, t("tuning.importance_caption"), width_share=min(0.8, 0.55 + 0.03 * n))


def _settings_part(summary: TuningSummary) -> list[Flowable]:
    trial = next((r for r in summary.trials if r.number == summary.best_number),
                 None)
    if trial is None or not trial.params:
        return []
    ranges = {p.get("name"): p for p in (summary.settings.space if summary.settings else {})
              .get("params") or [] if isinstance(p, dict)}
    rows = [[name, fmt_number(value), _range_words(ranges.get(name))]
            for name, value in trial.params.items()]
    return [heading(t("tuning.settings_heading"), 2),
            table([t("tuning.col_setting"), t("tuning.col_value"), t("tuning.col_range")],
                  rows, widths=[2, 1.6, 3.4], width_share=0.8)]


def _range_words(param: dict | None) -> str:
    if not param:
        return t("none")
    if param.get("fixed") is not None:
        return t("tuning.range_fixed")
    if param.get("choices"):
        return t("tuning.range_choices", choices=", ".join(fmt_number(c) for c in
                                                           param["choices"]))
    key = "tuning.range_log" if param.get("log") else "tuning.range_linear"
    return t(key, low=fmt_number(param.get("low")), high=fmt_number(param.get("high")))


def _trials_part(project: Project, summary: TuningSummary, metric: str | None
                 ) -> list[Flowable]:
    done = [r for r in summary.trials if r.state == "complete" and is_number(r.value)]
    if not done:
        return []
    done.sort(key=lambda r: (not r.feasible, r.value, r.number))
    shown = done[:BEST_SHOWN]
    importance = summary.importance
    names = sorted(importance, key=lambda n: -importance[n])[:SETTINGS_IN_TABLE]
    if not names:
        names = list(shown[0].params)[:SETTINGS_IN_TABLE]
    late = {r.id for r in project.runs if r.after_vault}
    rows = [[str(r.trial), str(r.round), fmt_error(r.value, metric),
             t("yes") if r.feasible else t("no"), fmt_count(r.epochs),
             *[fmt_number(r.params.get(n)) for n in names],
             t("yes") if r.run_id in late else ""] for r in shown]
    header = [t("tuning.col_trial"), t("tuning.col_round"), t("tuning.col_dev"),
              t("tuning.col_feasible"), t("tuning.col_epochs"), *names, t("tuning.col_after")]
    out: list[Flowable] = [heading(t("tuning.trials_heading"), 2),
                           lead(t("tuning.trials_intro", n=len(shown)), "small"),
                           table(header, rows, widths=[0.8, 0.8, 1.2, 1.3, 0.9]
                                 + [1.4] * len(names) + [1.1],
                                 right=(0, 1, 2, 4, *range(5, 5 + len(names))))]
    if any(r.run_id in late for r in shown):
        out += [spacer(0.2), plain(t("tuning.after_note"), "note")]
    return out
