"""The decision threshold of a yes/no task, chosen on the dev rows before the vault opens.

The chosen run (or another finished run) scores the dev rows; its P(yes) goes through the
run's calibration when the project has one (``Project.decision_rule``), and the dev curve
(``engine.decision.threshold_curve``) says what every threshold would give. The threshold is
then chosen by one of four rules:

* ``metric``: the best optimizing metric. A metric that does not depend on the threshold
  (ROC AUC, average precision, log loss) cannot choose one: F1 is used instead, and the
  choice says so (``ThresholdChoice.metric``);
* ``constraint``: a satisfying constraint such as ``recall >= 0.9`` (given, or the goal's
  first constraint on a figure a threshold changes) met at the best optimizing value; when
  the optimizing metric cannot choose, the other of precision and recall (recall at least
  0.9 at the highest precision) and otherwise F1. When no threshold meets it, the one that
  comes closest is taken and ``met`` is False;
* ``cost``: the lowest expected cost per example, from the goal's cost table;
* ``manual``: a value the user gives (the GUI's draggable line).

Ties go to the threshold nearest 0.5; the value kept is halfway between the chosen dev score
and the next lower one (the same answers on dev, the most room for new rows). The choice is stored as ``project.decision_rule``
(an existing calibration of the same run is kept) and logged (kind
``decision_threshold``). Vault honesty: once the vault is open a threshold is refused unless
the user says why (``new_experiment``, as for a new final test); it is then marked
``after_test_seen`` and the log and the report say so.

Use:
    result = set_threshold(project, "constraint", meet="recall >= 0.9")
    result.choice.value, result.choice.dev["recall"]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.core.atomic import write_json
from engine.core.errors import GoalError, ProjectError
from engine.core.texts import text
from engine.decision.threshold_curve import (EXPECTED_COST, Counts, ThresholdCurve, counted,
                                             figures_at, thinned, threshold_counts)
from engine.goal.constraints import Constraint, parse_constraint
from engine.goal.decision import calibrated, rule_for
from engine.goal.metrics import get_metric
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import DecisionRule, ThresholdChoice
from engine.project.parts.goal import Goal
from engine.project.project import Project

FILE = "threshold_curve.json"
RULES = ("metric", "constraint", "cost", "manual")
FALLBACK = "f1"
SHOWN = ("precision", "recall", "f1", "accuracy")


class ThresholdError(ProjectError):
    """A decision threshold that cannot be chosen (not a yes/no task, the vault is open, no
    cost table, a constraint a threshold cannot change...); the message says why."""


@dataclass(frozen=True)
class ThresholdResult:
    """The curve on dev, the choice, and the rule as stored (or as it would be)."""

    curve: ThresholdCurve
    choice: ThresholdChoice
    rule: DecisionRule
    saved: bool

    def to_dict(self) -> dict[str, Any]:
        return {"curve": self.curve.to_dict(), "choice": self.choice.to_dict(),
                "rule": self.rule.to_dict(), "saved": self.saved}


def set_threshold(project: Project, rule: str = "metric", meet: str = "",
                  value: float | None = None, run_id: str = "", new_experiment: str = "",
                  save: bool = True) -> ThresholdResult:
    """Choose the decision threshold of ``run_id`` (default: the chosen run) on the dev rows.

    Args:
        rule: one of ``RULES`` (see the module).
        meet: the constraint for rule ``constraint`` (empty: the goal's first one a
            threshold changes).
        value: the threshold for rule ``manual``, in [0, 1].
        new_experiment: the user's reason for setting it after the vault opened.
        save: False only draws the curve and says what the rule would choose.

    Raises:
        ThresholdError: see the class; nothing is saved.
    """
    goal = project.goal or Goal()
    if rule not in RULES:
        raise ThresholdError(text("threshold.bad_rule", rule=rule, valid=", ".join(RULES)))
    _check_task(goal)
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ThresholdError(text("threshold.no_choice"))
    run = project.run(run_id)
    late = bool(project.vault.is_open)
    if save and late and not new_experiment.strip():
        raise ThresholdError(text("threshold.vault_open"))
    current = rule_for(project.decision_rule, run.id)
    p_yes, positive = dev_probabilities(project, run, current)
    counts = threshold_counts(positive, p_yes)
    choice = choose(goal, counts, rule, meet, value)
    curve = make_curve(goal, run, counts, current)
    new_rule = DecisionRule(run=run.id, set_at=now_iso(),
                            calibration=current.calibration if current else None,
                            threshold=choice, after_test_seen=late)
    if save:
        project.decision_rule = new_rule
        details = {"run": run.id, "rule": choice.rule, "value": choice.value,
                   "metric": choice.metric, "constraint": choice.constraint,
                   "met": choice.met, "dev": dict(choice.dev),
                   "calibration": new_rule.calibration.method if new_rule.calibration else "",
                   "after_test_seen": late}
        if late:
            details["reason"] = new_experiment.strip()
        project.log("decision_threshold", describe_choice(choice, run.label, late,
                                                          new_experiment.strip()), **details)
        project.save()
        write_json(project.run_dir(run.id) / FILE, curve.to_dict())
    return ThresholdResult(curve, choice, new_rule, save)


def _check_task(goal: Goal) -> None:
    if goal.task != "binary" or goal.positive_index is None:
        raise ThresholdError(text("threshold.not_binary"))


def dev_probabilities(project: Project, run, rule: DecisionRule | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """P(yes) of the dev rows (calibrated by ``rule`` when it has a calibration) and
    whether each row is truly "yes". Reads the dev rows only."""
    # Imported here to keep TensorFlow and pandas out of start-up.
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.split.datasets import split_frame, target_values
    from engine.training.batch_scoring import score_in_batches
    from engine.training.predictor import load_predictor

    goal = project.goal
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ThresholdError(text("threshold.no_model", label=run.label))
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    scores = calibrated(score_in_batches(predictor, prep, dev),
                        rule.calibration if rule else None)
    y = target_values(project, dev).astype(str).to_numpy()
    return scores[:, goal.positive_index], y == str(goal.positive_label)


def choose(goal: Goal, counts: Counts, rule: str, meet: str = "",
           value: float | None = None) -> ThresholdChoice:
    """The threshold ``rule`` picks from the dev ``counts`` (see the module)."""
    t = counts.thresholds
    if not len(t):
        raise ThresholdError(text("threshold.no_rows"))
    costs = goal.costs
    if rule == "manual":
        if value is None or not 0.0 <= float(value) <= 1.0:
            raise ThresholdError(text("threshold.bad_value", value=value))
        at = threshold_counts_at(counts, float(value))
        return ThresholdChoice(float(value), "manual", metric=goal.metric,
                               dev=dev_figures(goal, at, 0))
    if rule == "cost":
        if costs is None:
            raise ThresholdError(text("threshold.no_costs"))
        cost = figures_at(counts, EXPECTED_COST, costs, _labels(goal))
        i = _best(t, -cost, np.ones(len(t), bool))
        return ThresholdChoice(_middle(t, i), "cost", metric=EXPECTED_COST,
                               dev=dev_figures(goal, counts, i))
    if rule == "metric":
        name = goal.metric if counted(goal.metric, costs) else FALLBACK
        i = _best(t, _higher(name, figures_at(counts, name, costs, _labels(goal))),
                  np.ones(len(t), bool))
        return ThresholdChoice(_middle(t, i), "metric", metric=name,
                               dev=dev_figures(goal, counts, i))
    constraint = _constraint(goal, meet)
    limit = figures_at(counts, constraint.quantity, costs, _labels(goal))
    ok = np.array([constraint.check(v) for v in limit])
    name = _partner(goal, constraint.quantity)
    if ok.any():
        i = _best(t, _higher(name, figures_at(counts, name, costs, _labels(goal))), ok)
    else:  # none meets it: the one that comes closest
        closer = limit if constraint.op in (">=", ">") else -limit
        i = _best(t, closer, np.isfinite(closer))
    return ThresholdChoice(_middle(t, i), "constraint", metric=name,
                           constraint=str(constraint), dev=dev_figures(goal, counts, i),
                           met=bool(ok[i]))


def _middle(t: np.ndarray, i: int) -> float:
    """The threshold kept for candidate ``i``: halfway between its dev score and the next
    lower one. Every value in between answers the dev rows the same way, so the middle
    leaves new rows the most room on both sides (the candidate itself sits on a dev row's
    score: a new row just below it would be answered "no")."""
    below = float(t[i - 1]) if i > 0 else 0.0
    return (below + float(t[i])) / 2.0


def threshold_counts_at(counts: Counts, value: float) -> Counts:
    """The counts at one threshold, from the counts at the candidates: the rows at or above
    ``value`` are those at or above the smallest candidate that is >= ``value``."""
    t = counts.thresholds
    k = int(np.searchsorted(t, value, side="left"))
    if k < len(t):
        return Counts(np.array([value]), counts.tp[k:k + 1], counts.fp[k:k + 1],
                      counts.fn[k:k + 1], counts.tn[k:k + 1])
    pos, neg = counts.tp[0] + counts.fn[0], counts.fp[0] + counts.tn[0]
    return Counts(np.array([value]), np.zeros(1), np.zeros(1), np.array([pos]),
                  np.array([neg]))


def _labels(goal: Goal) -> tuple[str, str]:
    pos = goal.positive_index
    return str(goal.labels[1 - pos]), str(goal.labels[pos])


def _higher(name: str, values: np.ndarray) -> np.ndarray:
    """``values`` turned so that larger is better."""
    if name == EXPECTED_COST:
        return -values
    return values if get_metric(name).higher_is_better else -values


def _best(t: np.ndarray, score: np.ndarray, allowed: np.ndarray) -> int:
    """The index of the best finite ``score`` among ``allowed``; ties: nearest 0.5."""
    score = np.where(allowed & np.isfinite(score), score, -np.inf)
    if not np.isfinite(score).any():
        return int(np.argmin(np.abs(t - 0.5)))
    top = np.flatnonzero(score >= score.max() - 1e-12)
    return int(top[np.argmin(np.abs(t[top] - 0.5))])


def _constraint(goal: Goal, meet: str) -> Constraint:
    if meet.strip():
        c = parse_constraint(meet, goal.task)
        if not counted(c.quantity, goal.costs):
            raise ThresholdError(text("threshold.constraint_not_threshold", constraint=meet))
        return c
    for gc in goal.constraints:
        if counted(gc.quantity, goal.costs):
            return Constraint(gc.quantity, gc.op, gc.bound)
    raise ThresholdError(text("threshold.no_constraint"))


def _partner(goal: Goal, quantity: str) -> str:
    """What a constraint on ``quantity`` is met at the best of."""
    if counted(goal.metric, goal.costs) and goal.metric != quantity:
        return goal.metric
    return {"recall": "precision", "precision": "recall"}.get(quantity, FALLBACK)


def dev_figures(goal: Goal, counts: Counts, i: int) -> dict[str, float]:
    """Precision, recall, F1, accuracy, the optimizing metric and the expected cost (with a
    cost table) at candidate ``i``, plus the share answered "yes"; NaN ones left out."""
    names = [*SHOWN, goal.metric] + ([EXPECTED_COST] if goal.costs is not None else [])
    out = {}
    for name in dict.fromkeys(names):
        if counted(name, goal.costs):
            v = float(figures_at(counts, name, goal.costs, _labels(goal))[i])
            if np.isfinite(v):
                out[name] = v
    n = counts.tp[i] + counts.fp[i] + counts.fn[i] + counts.tn[i]
    if n:
        out["yes_share"] = float((counts.tp[i] + counts.fp[i]) / n)
    return out


def make_curve(goal: Goal, run, counts: Counts, rule: DecisionRule | None) -> ThresholdCurve:
    """The dev curve as drawn and saved (at most ``MAX_POINTS`` points)."""
    keep = thinned(len(counts.thresholds))
    sub = Counts(counts.thresholds[keep], counts.tp[keep], counts.fp[keep], counts.fn[keep],
                 counts.tn[keep])
    labels = _labels(goal)

    def row(name):
        return tuple(float(v) for v in figures_at(sub, name, goal.costs, labels))
    return ThresholdCurve(
        run=run.id, label=run.label, positive=str(goal.positive_label), metric=goal.metric,
        rows=counts.rows, thresholds=tuple(float(v) for v in sub.thresholds),
        precision=row("precision"), recall=row("recall"),
        values=row(goal.metric) if counted(goal.metric, goal.costs) else (),
        costs=row(EXPECTED_COST) if goal.costs is not None else (),
        cost_unit=goal.costs.unit if goal.costs is not None else "",
        calibration=rule.calibration.method if rule and rule.calibration else "")


def load_curve(project: Project, run_id: str | None = None) -> ThresholdCurve | None:
    """The dev curve saved when the threshold of a run was last chosen; None if none."""
    run_id = run_id or project.chosen_run
    if not run_id or run_id not in {r.id for r in project.runs}:
        return None
    try:
        raw = json.loads((project.run_dir(run_id) / FILE).read_text(encoding="utf-8"))
        return ThresholdCurve.from_dict(raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def describe_choice(choice: ThresholdChoice, label: str, late: bool = False,
                    reason: str = "") -> str:
    """The choice in one plain sentence (the log, the CLI, the GUI)."""
    figures = ", ".join(f"{_figure_label(k)} {v:.3g}" for k, v in choice.dev.items()
                        if k != "yes_share")
    key = {"metric": "threshold.chose_metric", "constraint": "threshold.chose_constraint",
           "cost": "threshold.chose_cost", "manual": "threshold.chose_manual"}[choice.rule]
    words = text(key, label=label, value=f"{choice.value:.3g}",
                 metric=_figure_label(choice.metric) if choice.metric else "",
                 constraint=choice.constraint, figures=figures)
    if choice.rule == "constraint" and not choice.met:
        words += " " + text("threshold.not_met", constraint=choice.constraint)
    if late:
        words += " " + text("threshold.after_test", reason=reason)
    return words


def _figure_label(name: str) -> str:
    if name == EXPECTED_COST:
        return text("threshold.expected_cost")
    if name == "yes_share":
        return text("threshold.yes_share")
    try:
        return get_metric(name).label
    except GoalError:  # a figure the registry does not hold: shown by its name
        return name

