"""The PDF report's comparison of the baseline with the other models, under the runs table:
the best run of each kind by dev error in one figure, and a sentence saying by how much the
chosen model beats the best simple baseline (or that it does not).

The kinds are the simple baselines (majority class or mean, the linear model), each family
of network trained by hand, and the tuning search's trials taken together.
"""

from __future__ import annotations

import math

from reportlab.platypus import Flowable

from engine.final.finalists import best_baseline
from engine.models import simple_baselines
from engine.project.project import Project
from engine.report.figure_models import models_chart
from engine.words.formatting import error_is_share, fmt_error, is_number, t
from engine.report.pdf.style import figure, heading, plain
from engine.report.trial_tables import report_summary
from engine.project.run_record import RunRecord
from engine.project.parts.goal import Goal

TRIALS = "trials"


def model_groups(project: Project) -> list[tuple[RunRecord, str]]:
    """The best finished run of each kind, with its role (``baseline``, ``other`` or
    ``chosen``; the chosen run is always in), worst dev error first."""
    summary = report_summary(project)
    trial_runs = {r.run_id for r in (summary.trials if summary else ())}
    best: dict[str, RunRecord] = {}
    for run in project.runs:
        if run.status != "finished" or not is_number(run.errors.get("dev")):
            continue
        key = TRIALS if run.id in trial_runs else run.model
        if key not in best or run.errors["dev"] < best[key].errors["dev"]:
            best[key] = run
    chosen = next((r for r in project.runs if r.id == project.chosen_run), None)
    runs = list(best.values())
    if chosen is not None and chosen not in runs and is_number(chosen.errors.get("dev")):
        runs.append(chosen)
    runs.sort(key=lambda r: -float(r.errors["dev"]))

    def role(run: RunRecord) -> str:
        if chosen is not None and run.id == chosen.id:
            return "chosen"
        return "baseline" if run.model in simple_baselines.KINDS else "other"

    return [(run, role(run)) for run in runs]


def compare_section(project: Project) -> list[Flowable]:
    """A sub-section of the runs; nothing before any run was made."""
    if not project.runs:
        return []
    out: list[Flowable] = [heading(t("compare.heading"), 2)]
    groups = model_groups(project)
    if not groups:
        return out + [plain(t("compare.none"))]
    metric = (project.goal or Goal()).metric
    out.append(plain(t("compare.intro")))
    chosen = next((r for r, role in groups if role == "chosen"), None)
    base = best_baseline(project, exclude=chosen.id if chosen else None)
    base_error = base.errors.get("dev") if base is not None else None
    if chosen is None:
        out.append(plain(t("compare.no_choice")))
    elif base is None or not is_number(base_error):
        out.append(plain(t("compare.no_baseline")))
    else:
        gap = float(base_error) - float(chosen.errors["dev"])
        values = dict(chosen=chosen.label, error=fmt_error(chosen.errors["dev"], metric),
                      baseline=base.label, base_error=fmt_error(base_error, metric))
        if gap > 0:
            out.append(plain(t("compare.better", points=points_words(gap, metric), **values)))
        else:
            out.append(plain(t("compare.worse", **values)))
    png = models_chart([(r.label, float(r.errors["dev"]), role) for r, role in groups], metric,
                       baseline=float(base_error) if is_number(base_error) else None)
    if png is not None:
        out.extend(figure(png, t("compare.caption"), width_share=0.9))
    return out


def points_words(gap: float, metric: str | None) -> str:
    """A positive difference of two errors in words: ``37.72 percentage points``."""
    if error_is_share(metric):
        return t("compare.points_share", value=f"{100 * gap:.2f}")
    return t("compare.points_plain", value=f"{gap:.4g}" if math.isfinite(gap) else "?")
