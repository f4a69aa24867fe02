"""Why a run is or is not offered as the best model: the satisfying constraints it breaks.

``best_run`` offers the finished run with the lowest dev error among those meeting every
satisfying constraint (``feasibility``). The other functions say why the others were left out, with the measured value and the limit, so that the
pages can show it (a model with a better dev error that is too slow, for instance).

Use:
    why_not_offered(project, run)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.goal.constraints import Constraint, check_all, explain_broken
from engine.core.errors import ProjectError
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.core.texts import text


def feasibility(project: Project, run: RunRecord) -> list:
    """The satisfying constraints checked on ``run`` (dev metrics and measured quantities)."""
    constraints = [Constraint(c.quantity, c.op, c.bound)
                   for c in (project.goal.constraints if project.goal else ())]
    values = {**run.metrics.get("dev", {}), **run.measured}
    return check_all(constraints, values)


def best_run(project: Project) -> RunRecord:
    """The finished run with the lowest dev error among those meeting every constraint."""
    finished = [r for r in project.runs
                if r.status == "finished" and math.isfinite(r.errors.get("dev", math.nan))]
    if not finished:
        raise ProjectError(text("diagnose.no_runs"))
    feasible = [r for r in finished if all(c.ok for c in feasibility(project, r))]
    if not feasible:
        raise ProjectError(text("diagnose.none_feasible"))
    return min(feasible, key=lambda r: (r.errors["dev"], r.created))


@dataclass(frozen=True)
class PassedOver:
    """A finished run that scores better on dev than the offered best, yet breaks a limit."""

    run_id: str
    label: str
    dev_error: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"run": self.run_id, "label": self.label, "dev_error": self.dev_error,
                "reasons": list(self.reasons)}


def why_not_offered(project: Project, run: RunRecord) -> list[str]:
    """One sentence per constraint ``run`` breaks; empty when it meets them all."""
    return explain_broken(feasibility(project, run))


def passed_over(project: Project) -> list[PassedOver]:
    """Runs left out of the choice although their dev error is lower than the best
    feasible run's (every finished run breaking a limit when none meets them all),
    lowest dev error first."""
    finished = [r for r in project.runs
                if r.status == "finished" and math.isfinite(r.errors.get("dev", math.nan))]
    try:
        bar = best_run(project).errors["dev"]
    except ProjectError:
        bar = math.inf
    out = []
    for run in sorted(finished, key=lambda r: (r.errors["dev"], r.created)):
        if run.errors["dev"] >= bar:
            break
        reasons = why_not_offered(project, run)
        if reasons:
            out.append(PassedOver(run.id, run.label, float(run.errors["dev"]), tuple(reasons)))
    return out


def choice_note(project: Project, most: int = 3) -> str:
    """A short paragraph for the run choice: which better-scoring runs were left out and
    why (at most ``most`` of them); empty when the best run is also the best scoring."""
    left_out = passed_over(project)
    if not left_out:
        return ""
    lines = [text("run_choice.passed_over", label=p.label, reasons=" ".join(p.reasons))
             for p in left_out[:most]]
    if len(left_out) > most:
        lines.append(text("run_choice.more", n=len(left_out) - most))
    return "\n".join(lines)
