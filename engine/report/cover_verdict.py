"""Two sentences of the cover's verdict: how the chosen model compares with the best simple
baseline, and what the tuning search did. ``pdf_sections.summary_sentences`` puts them
between the chosen model and the diagnosis.
"""

from __future__ import annotations

from engine.final.finalists import best_baseline
from engine.project.project import Project
from engine.words.formatting import fmt_error, is_number, t
from engine.report.pdf.compare import points_words
from engine.project.project import chosen_run
from engine.report.trial_tables import report_summary
from engine.project.parts.goal import Goal


def baseline_sentence(project: Project) -> str | None:
    """Whether the chosen model beats the best simple baseline on dev, and by how much."""
    run = chosen_run(project)
    if run is None or not is_number(run.errors.get("dev")):
        return None
    base = best_baseline(project, exclude=run.id)
    if base is None or not is_number(base.errors.get("dev")):
        return None
    metric = (project.goal or Goal()).metric
    gap = float(base.errors["dev"]) - float(run.errors["dev"])
    values = dict(baseline=base.label, error=fmt_error(base.errors["dev"], metric))
    if gap > 0:
        return t("cover_more.beats", points=points_words(gap, metric), **values)
    return t("cover_more.no_better", **values)


def tuning_sentence(project: Project) -> str | None:
    """How many settings the search tried and whether its best trial is the chosen model;
    None before any model is chosen."""
    run = chosen_run(project)
    if run is None:
        return None
    summary = report_summary(project)
    if summary is None or not summary.trials:
        return t("cover_more.no_search")
    best = summary.best
    n = len(summary.trials)
    if not best:
        return t("cover_more.search_no_best", n=n)
    metric = (project.goal or Goal()).metric
    key = "cover_more.search_chosen" if best.run_id == run.id else \
        "cover_more.search_kept"
    return t(key, n=n, trial=best.trial, error=fmt_error(best.value, metric))
