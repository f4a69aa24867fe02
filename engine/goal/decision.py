"""Apply a project's decision rule to a model's scores: calibrate, then decide.

``calibrated(scores, fit)`` maps raw class probabilities through a fitted calibration
(``engine.project.parts.decision_rule.CalibrationFit``); ``decided(goal, rule, y_true,
scores)`` gives the ``Predictions`` the rule makes: calibrated scores and, for a yes/no
task with a threshold, "yes" exactly where P(yes) >= the threshold. Without a rule (or a
rule of another run, see ``rule_for``) the answer is the most likely class, as before.

Fitting the calibration and choosing the threshold happen on the dev rows in
``engine.decision``; this module only applies them, so every step (error analysis, the
final test, predictions, exports) answers the same way.

Example:
    >>> import numpy as np, pandas as pd
    >>> from engine.project.parts.goal import Goal
    >>> from engine.project.parts.decision_rule import DecisionRule, ThresholdChoice
    >>> goal = Goal(target="y", task="binary", metric="f1", labels=("no", "yes"),
    ...             positive_label="yes")
    >>> scores = np.array([[0.8, 0.2], [0.6, 0.4], [0.1, 0.9]])
    >>> rule = DecisionRule("r1", threshold=ThresholdChoice(0.3, "manual"))
    >>> decided(goal, rule, pd.Series(["no", "yes", "yes"]), scores).y_pred.tolist()
    ['no', 'yes', 'yes']
    >>> decided(goal, None, pd.Series(["no", "yes", "yes"]), scores).y_pred.tolist()
    ['no', 'no', 'yes']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.goal.evaluation import Predictions, to_predictions
from engine.project.parts.decision_rule import CalibrationFit, DecisionRule
from engine.project.parts.goal import Goal

_EPS = 1e-7


def rule_for(rule: DecisionRule | None, run_id: str | None) -> DecisionRule | None:
    """``rule`` when it belongs to ``run_id``, else None (a rule is part of one model)."""
    return rule if rule is not None and rule.applies_to(run_id) else None


def calibrated(scores: np.ndarray, fit: CalibrationFit | None) -> np.ndarray:
    """Class probabilities (n, C) mapped through ``fit``; unchanged without one.

    Temperature divides the log-probabilities by T and normalises again (the most likely
    class stays the most likely); Platt and isotonic map P(last column) of a two-class
    task and set the other column to its complement.
    """
    scores = np.asarray(scores, dtype=float)
    if fit is None or scores.ndim != 2 or not len(scores):
        return scores
    if fit.method == "temperature":
        t = float(fit.params.get("temperature", 1.0))
        logits = np.log(np.clip(scores, _EPS, 1.0)) / max(t, _EPS)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)
    positive = _positive_probability(scores[:, -1], fit)
    return np.column_stack([1.0 - positive, positive]) if scores.shape[1] == 2 else scores


def _positive_probability(p: np.ndarray, fit: CalibrationFit) -> np.ndarray:
    if fit.method == "platt":
        s = np.log(np.clip(p, _EPS, 1 - _EPS) / np.clip(1 - p, _EPS, 1 - _EPS))
        a, b = float(fit.params.get("a", -1.0)), float(fit.params.get("b", 0.0))
        return 1.0 / (1.0 + np.exp(a * s + b))
    if fit.method == "isotonic":
        x = np.asarray(fit.params.get("x") or [0.0, 1.0], dtype=float)
        y = np.asarray(fit.params.get("y") or [0.0, 1.0], dtype=float)
        return np.interp(p, x, y)
    return p


def decided(goal: Goal, rule: DecisionRule | None, y_true: pd.Series,
            scores: np.ndarray) -> Predictions:
    """The predictions ``rule`` makes from raw ``scores`` (see ``Predictor.scores``)."""
    if goal.is_regression or rule is None:
        return to_predictions(goal, y_true, scores)
    probs = calibrated(scores, rule.calibration)
    preds = to_predictions(goal, y_true, probs)
    if rule.cost_answers is not None and goal.costs is not None and rule.threshold is None:
        return Predictions(preds.y_true, cheapest_answers(goal, probs), preds.y_score,
                           preds.proba)
    if rule.threshold is None or goal.task != "binary" or goal.positive_index is None:
        return preds
    pos = goal.positive_index
    other = goal.labels[1 - pos]
    y_pred = np.where(probs[:, pos] >= rule.threshold.value, goal.positive_label, other)
    return Predictions(preds.y_true, y_pred.astype(object), preds.y_score, preds.proba)


def cheapest_answers(goal: Goal, probs: np.ndarray) -> np.ndarray:
    """For each row, the class whose expected cost under ``probs`` is lowest: answer ``j``
    costs ``sum_i P(i) * cost[i][j]`` (the goal's cost table; ties: the first class)."""
    table = goal.costs
    order = [table.labels.index(str(label)) for label in goal.labels]
    matrix = np.asarray(table.matrix, dtype=float)[np.ix_(order, order)]
    expected = np.asarray(probs, dtype=float) @ matrix
    return np.array(goal.labels, dtype=object)[np.argmin(expected, axis=1)]


def answer_confidence(goal: Goal, preds: Predictions) -> np.ndarray | None:
    """The probability each row gives the class it answered (the confidence shown with an
    answer, and what the reject option compares with its threshold); None for regression.

    With the most likely class as the answer this is the largest probability; with a
    decision threshold it is the probability of the answer the threshold gave (for "no"
    under a low threshold it may be above P(yes) and still answered "no").
    """
    scores = preds.proba
    if goal.is_regression or scores is None:
        return None
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        return np.maximum(scores, 1.0 - scores)
    index = {str(label): i for i, label in enumerate(goal.labels)}
    cols = np.array([index.get(str(v), -1) for v in preds.y_pred], dtype=int)
    best = scores.max(axis=1) if len(scores) else np.zeros(0)
    picked = scores[np.arange(len(scores)), np.clip(cols, 0, None)] if len(scores) else best
    return np.where(cols >= 0, picked, best)
