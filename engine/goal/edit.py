"""Changing the goal of an existing project: metric, constraints, target error, the
accuracy required when the model may refuse to answer, and what each mistake costs.

Each change is checked, logged in the decisions log and leaves the project unsaved; the
steps that depend on it turn stale (see ``engine.app.steps``), nothing is silently redone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from engine.goal.constraints import parse_constraint
from engine.goal.cost_table import check_table, describe_costs
from engine.core.errors import GoalError
from engine.goal.metrics import COST, get_metric, metrics_for
from engine.project.parts.goal import CostTable, Goal, GoalConstraint
from engine.project.project import Project
from engine.core.texts import text


def set_metric(project: Project, name: str) -> None:
    """Make ``name`` the optimizing metric."""
    goal = _goal(project)
    metric = get_metric(name)
    if goal.task not in metric.tasks:
        names = ", ".join(m.name for m in metrics_for(goal.task, goal.costs))
        raise GoalError(text("setup.metric_not_for_task", metric=name, task=goal.task,
                             names=names))
    if name == COST and goal.costs is None:
        raise GoalError(text("costs.metric_needs_costs"))
    if goal.metric == name:
        return
    project.goal = replace(goal, metric=name, metric_reason=text("setup.metric_user_choice"))
    project.log("metric_chosen", text("decision.metric_chosen", metric=name), suggested=False)


def set_constraints(project: Project, expressions: Sequence[str]) -> None:
    """Replace the satisfying constraints by ``expressions`` (e.g. ``"recall >= 0.9"``)."""
    goal = _goal(project)
    parsed = [parse_constraint(e, goal.task, goal.costs) for e in expressions if e.strip()]
    new = tuple(GoalConstraint(c.quantity, c.op, c.bound, c.describe()) for c in parsed)
    if new == goal.constraints:
        return
    project.goal = replace(goal, constraints=new)
    project.log("constraints_set", text("decision.constraints_set",
                                        exprs="; ".join(c.text for c in new) or "none"))


def set_target_error(project: Project, value: float | None) -> None:
    """Set (or clear, with None) the target (human-level) error."""
    goal = _goal(project)
    if value is not None and not value >= 0:
        raise GoalError(text("setup.bad_target_error"))
    if goal.target_error == value:
        return
    project.goal = replace(goal, target_error=value)
    shown = "none" if value is None else f"{value:.4g}"
    project.log("target_error_set", text("decision.target_error_set", error=shown))


def check_abstain_accuracy(task: str, value: float | None) -> float | None:
    """``value`` checked as the accuracy the answered rows must reach (a share in (0, 1))."""
    if value is None:
        return None
    if task == "regression":
        raise GoalError(text("abstain.not_classification"))
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise GoalError(text("abstain.bad_value")) from None
    if not 0.0 < value < 1.0:
        raise GoalError(text("abstain.bad_value"))
    return value


def set_abstain_accuracy(project: Project, value: float | None) -> None:
    """Let the model refuse to answer when unsure, its answers being right at least
    ``value`` of the time (a share in (0, 1)); None makes it answer every row."""
    goal = _goal(project)
    value = check_abstain_accuracy(goal.task, value)
    if goal.abstain_accuracy == value:
        return
    project.goal = replace(goal, abstain_accuracy=value)
    if value is None:
        project.log("abstain_set", text("abstain.decision_cleared"))
    else:
        project.log("abstain_set", text("abstain.decision_set", share=f"{value:.1%}"))


def set_costs(project: Project, table: CostTable | None) -> list[str]:
    """Set what each kind of mistake costs (``table``), or remove the costs (None).

    The table is checked against the goal (``engine.goal.cost_table.check_table``); the
    warnings it gives (a right answer that costs something, no mistake that costs
    anything), and that runs trained before were scored without these costs (a run's
    expected cost is measured when it is trained), are returned and logged with the
    decision. Removing the costs is refused while the optimizing metric or a constraint is
    the expected cost.
    """
    goal = _goal(project)
    warnings = [] if table is None else check_table(goal, table)
    if table == goal.costs:
        return warnings
    if table is None:
        used = ([goal.metric] if goal.metric == COST else []) + \
            [c.text or c.quantity for c in goal.constraints if c.quantity == COST]
        if used:
            raise GoalError(text("costs.in_use", where="; ".join(used)))
        project.goal = replace(goal, costs=None)
        project.log("costs_set", text("costs.decision_cleared"), costs=None)
        return warnings
    if any(r.status == "finished" for r in project.runs):
        warnings.append(text("costs.runs_before"))
    project.goal = replace(goal, costs=table)
    words = " ".join(describe_costs(table, goal.positive_label))
    project.log("costs_set", text("costs.decision_set", table=words),
                costs=table.to_dict(), warnings=warnings)
    return warnings


def _goal(project: Project) -> Goal:
    if project.goal is None:
        raise GoalError(text("project.no_goal"))
    return project.goal
