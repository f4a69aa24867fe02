"""Several classes and a cost table: answer the class of lowest expected cost.

A yes/no model gets a decision threshold (``engine.decision.threshold``); with three or more
classes one threshold is not enough, but the cost table says the same thing for every
answer: answering class ``j`` costs, on average, ``sum_i P(i) * cost[i][j]`` when the model
gives the probabilities ``P``. Answering the cheapest class (``engine.goal.decision.
cheapest_answers``) minimises the expected cost when the probabilities mean what they say,
so calibrate first (``engine.decision.calibration``).

``set_cost_answers`` measures both ways of answering on the dev rows (the expected cost and
accuracy answering by the most likely class, then by the lowest cost, and how many answers
change), stores the choice in ``project.decision_rule`` (keeping the run's calibration) and
logs it. Like a threshold, it is fixed before the vault opens: afterwards it is refused
unless the user starts a new experiment and says why (then marked ``after_test_seen``).

Use:
    result = set_cost_answers(project)
    result.answers.before["expected_cost"], result.answers.after["expected_cost"]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.core.texts import text
from engine.decision.threshold import ThresholdError
from engine.goal.costs import expected_cost
from engine.goal.decision import calibrated, cheapest_answers, rule_for
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import CostAnswers, DecisionRule
from engine.project.parts.goal import Goal
from engine.project.project import Project


@dataclass(frozen=True)
class CostAnswersResult:
    """What answering by the lowest cost does on dev, and the rule as stored."""

    run: str
    label: str
    rows: int
    answers: CostAnswers
    rule: DecisionRule
    saved: bool

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "label": self.label, "rows": self.rows,
                "answers": self.answers.to_dict(), "rule": self.rule.to_dict(),
                "saved": self.saved}


def set_cost_answers(project: Project, run_id: str = "", new_experiment: str = "",
                     save: bool = True) -> CostAnswersResult:
    """Make ``run_id`` (default: the chosen run) answer the class of lowest expected cost.

    Raises:
        ThresholdError: not a task of several classes, no cost table, no finished run, or
            the vault is open without a new experiment's reason; nothing is saved.
    """
    # Imported here to keep TensorFlow and pandas out of start-up.
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.split.datasets import split_frame, target_values
    from engine.training.batch_scoring import score_in_batches
    from engine.training.predictor import load_predictor

    goal = project.goal or Goal()
    if goal.task != "multiclass":
        raise ThresholdError(text("threshold.cost_answers_classes"))
    if goal.costs is None:
        raise ThresholdError(text("threshold.no_costs"))
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ThresholdError(text("threshold.no_choice"))
    run = project.run(run_id)
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ThresholdError(text("threshold.no_model", label=run.label))
    late = bool(project.vault.is_open)
    if save and late and not new_experiment.strip():
        raise ThresholdError(text("threshold.vault_open"))
    current = rule_for(project.decision_rule, run.id)
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    probs = calibrated(score_in_batches(predictor, prep, dev),
                       current.calibration if current else None)
    truth = target_values(project, dev).astype(str).to_numpy(dtype=object)
    likely = np.array(goal.labels, dtype=object)[np.argmax(probs, axis=1)]
    cheapest = cheapest_answers(goal, probs)
    answers = CostAnswers(before=_figures(truth, likely, goal), after=_figures(truth, cheapest,
                                                                              goal),
                          changed=float(np.mean(likely != cheapest)) if len(truth) else 0.0)
    rule = DecisionRule(run=run.id, set_at=now_iso(),
                        calibration=current.calibration if current else None,
                        after_test_seen=late, cost_answers=answers)
    if save:
        project.decision_rule = rule
        line = describe_cost_answers(answers, run.label, goal.costs.unit, late,
                                     new_experiment.strip())
        project.log("decision_cost_answers", line, run=run.id, before=dict(answers.before),
                    after=dict(answers.after), changed=answers.changed,
                    calibration=rule.calibration.method if rule.calibration else "",
                    after_test_seen=late,
                    **({"reason": new_experiment.strip()} if late else {}))
        project.save()
    return CostAnswersResult(run.id, run.label, int(len(truth)), answers, rule, save)


def _figures(truth: np.ndarray, answers: np.ndarray, goal: Goal) -> dict[str, float]:
    if not len(truth):
        return {}
    return {"expected_cost": expected_cost(truth, answers, goal.costs),
            "accuracy": float(np.mean(truth == answers))}


def describe_cost_answers(answers: CostAnswers, label: str, unit: str = "",
                          late: bool = False, reason: str = "") -> str:
    """The choice in one plain sentence (the log, the CLI, the GUI, the report)."""
    unit = f" {unit}" if unit else ""
    words = text("threshold.chose_cost_answers", label=label,
                 before=f"{answers.before.get('expected_cost', float('nan')):.3g}{unit}",
                 after=f"{answers.after.get('expected_cost', float('nan')):.3g}{unit}",
                 changed=f"{answers.changed:.0%}",
                 accuracy_before=f"{answers.before.get('accuracy', float('nan')):.1%}",
                 accuracy_after=f"{answers.after.get('accuracy', float('nan')):.1%}")
    if late:
        words += " " + text("threshold.after_test", reason=reason)
    return words
