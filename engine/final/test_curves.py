"""The curves of a final test: how the model behaves beyond its single headline number.

``curve_bundle`` gathers, for a classifier, the ROC and precision-recall curves with their
areas (one-vs-rest per class for several classes), the calibration curve with its expected
calibration error, precision / recall / F1 per class, top-k accuracy when there are many
classes, and the coverage-vs-accuracy curve of the reject option (see
``engine.final.reject_option``) with the threshold that reaches the target accuracy. For a
regression it gives predicted-against-true points and the quantiles of the residuals.
Every number comes from scikit-learn except the expected calibration error, which is the
row-weighted gap between confidence and accuracy over sklearn's calibration bins.

The result is a ``CurveBundle`` (``engine.project.parts.test_curves``: tuples of floats,
None where undefined), every curve thinned to at most ``MAX_POINTS`` points so that it can
be stored in ``project.json`` and drawn quickly.

Use:
    bundle = curve_bundle(goal, preds, target_error=0.05)
    bundle.roc.curves[0].auc
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from engine.goal.evaluation import Predictions
from engine.goal.metrics import get_metric, prepare
from engine.goal.decision import answer_confidence
from engine.final.reject_option import at_threshold, choose_threshold, confidence_of, coverage_curve
from engine.project.parts.goal import Goal
from engine.project.parts.test_curves import (Calibration, ClassScores,
                                              CurveBundle, PrCurve, PrCurves, RegressionPoints,
                                              RejectCurve, RocCurve, RocCurves)

MAX_POINTS = 200
"""Most points kept per curve."""
MAX_SCATTER = 400
"""Most (true, predicted) points kept for a regression."""
CALIBRATION_BINS = 10
TOP_K = (1, 3, 5)
RESIDUAL_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def curve_bundle(goal: Goal, preds: Predictions, target_error: float | None = None,
                 threshold: float | None = None) -> CurveBundle:
    """Every curve of the task on ``preds``.

    Args:
        goal: the project goal (task, labels, positive label, optional ``abstain_accuracy``).
        preds: what the model said about the rows (see ``engine.goal.evaluation``).
        target_error: the target error; ``1 - target_error`` is the accuracy the reject
            option aims at when the goal sets no ``abstain_accuracy``.
        threshold: a confidence threshold already chosen (on the dev rows, say); then the
            reject option reports what it gives on these rows instead of choosing one here.
    """
    if goal.task == "regression":
        return CurveBundle(task="regression", rows=int(len(preds.y_true)),
                           regression=regression_points(preds))
    labels = list(goal.labels or np.unique(np.r_[preds.y_true, preds.y_pred]))
    p = prepare(preds.y_true, preds.y_pred, preds.y_score, labels=labels,
                positive_label=goal.positive_label if goal.task == "binary" else None)
    names = _sorted_names(labels)
    scores = preds.proba if preds.proba is not None else preds.y_score
    if scores is not None and not np.all(np.isfinite(scores)):  # a diverged model
        p, scores = dataclasses.replace(p, y_score=None), None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined per-class values are reported as None
        roc, pr, calibration = _roc(p, names), _pr(p, names), _calibration(goal.task, p)
        per_class = per_class_metrics(p, names)
        top_k = _top_k(p) if len(names) > max(TOP_K) else None
    target, source = target_accuracy(goal, target_error)
    coverage = None if scores is None else _coverage(
        _confidence(goal, preds, scores), p.y_true == p.y_pred, target, source, threshold)
    return CurveBundle(
        task=goal.task, rows=int(len(p.y_true)), labels=tuple(names),
        positive_label=names[p.positive_label] if goal.task == "binary" else None,
        roc=roc, pr=pr, calibration=calibration, per_class=per_class, top_k=top_k,
        coverage=coverage)


def reject_threshold(goal: Goal, preds: Predictions,
                     target_error: float | None = None) -> float | None:
    """The confidence threshold that reaches the target accuracy on ``preds`` (the dev
    rows, say), to be passed to ``curve_bundle`` for the test rows; None when there is no
    target, no score or no threshold reaching it."""
    target, _ = target_accuracy(goal, target_error)
    scores = preds.proba if preds.proba is not None else preds.y_score
    if goal.task == "regression" or target is None or scores is None:
        return None
    choice = choose_threshold(coverage_curve(_confidence(goal, preds, scores),
                                             preds.y_true == preds.y_pred), target)
    return None if choice is None else choice.threshold


def _confidence(goal: Goal, preds: Predictions, scores: np.ndarray) -> np.ndarray:
    """The probability of each row's answer (``engine.goal.decision.answer_confidence``):
    with a decision threshold the answer is not always the most likely class."""
    found = answer_confidence(goal, preds) if preds.proba is not None else None
    return confidence_of(scores) if found is None else found


def target_accuracy(goal: Goal, target_error: float | None) -> tuple[float | None, str | None]:
    """The accuracy the answered rows must reach, and where it comes from.

    ``goal.abstain_accuracy`` when the user set it; otherwise ``1 - target_error`` when the
    optimizing metric is a share in [0, 1] and the target error lies in (0, 1); else none.
    """
    asked = goal.abstain_accuracy
    if asked is not None:
        return float(asked), "abstain_accuracy"
    if target_error is None or not 0.0 < float(target_error) < 1.0:
        return None, None
    if not get_metric(goal.metric).bounded:
        return None, None
    return 1.0 - float(target_error), "target_error"


def expected_calibration_error(outcome, probability, n_bins: int = CALIBRATION_BINS) -> float:
    """Row-weighted mean gap between predicted probability and observed frequency.

    The bins are those of ``sklearn.calibration.calibration_curve`` (uniform); each bin's
    gap ``|observed - mean predicted|`` counts in proportion to its rows.
    """
    outcome = np.asarray(outcome, dtype=float)
    probability = np.asarray(probability, dtype=float)
    if not len(outcome):
        return float("nan")
    observed, predicted = calibration_curve(outcome, probability, n_bins=n_bins)
    counts = _bin_counts(probability, n_bins)
    return float(np.sum(counts / len(outcome) * np.abs(observed - predicted)))


def per_class_metrics(p, names: list[str]) -> tuple[ClassScores, ...]:
    """Precision, recall, F1 and support of every class (sklearn, zero where undefined)."""
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        p.y_true, p.y_pred, labels=p.labels, zero_division=0.0)
    return tuple(ClassScores(label=name, precision=float(precision[i]), recall=float(recall[i]),
                             f1=float(f1[i]), support=int(support[i]))
                 for i, name in enumerate(names))


def regression_points(preds: Predictions) -> RegressionPoints:
    """Predicted against true values (a deterministic subsample) and residual quantiles."""
    y_true = np.asarray(preds.y_true, dtype=float)
    y_pred = np.asarray(preds.y_pred, dtype=float)
    keep = np.arange(len(y_true))
    if len(keep) > MAX_SCATTER:
        keep = np.sort(np.random.default_rng(0).choice(len(keep), MAX_SCATTER, replace=False))
    residual = y_pred - y_true
    has_rows = len(residual) > 0
    return RegressionPoints(
        true=tuple(_floats(y_true[keep])), predicted=tuple(_floats(y_pred[keep])),
        residual_quantiles={f"{q:g}": _num(np.quantile(residual, q)) if has_rows else None
                            for q in RESIDUAL_QUANTILES},
        abs_residual_quantiles={
            f"{q:g}": _num(np.quantile(np.abs(residual), q)) if has_rows else None
            for q in RESIDUAL_QUANTILES})


def thin(*columns, max_points: int = MAX_POINTS) -> list[list[float]]:
    """The columns at evenly spaced indices, first and last kept, at most ``max_points``."""
    n = len(columns[0])
    if n <= max_points:
        return [_floats(c) for c in columns]
    keep = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return [_floats(np.asarray(c)[keep]) for c in columns]


# --- the curves -----------------------------------------------------------------------------

def _one_vs_rest(p) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(class code, is-that-class, score of that class) for the curves: the positive class
    only for a binary task, every class for a multiclass one."""
    if p.y_score is None:
        return []
    if p.y_score.ndim == 1:
        return [(p.positive_label, p.y_true == p.positive_label, p.y_score)]
    return [(int(c), p.y_true == c, p.y_score[:, c]) for c in p.labels]


def _defined(is_class: np.ndarray) -> bool:
    return bool(is_class.any() and (~is_class).any())


def _roc(p, names: list[str]) -> RocCurves:
    curves = []
    for code, is_class, score in _one_vs_rest(p):
        if not _defined(is_class):
            curves.append(RocCurve(label=names[code]))
            continue
        fpr, tpr, _ = skm.roc_curve(is_class, score)
        fpr, tpr = thin(fpr, tpr)
        curves.append(RocCurve(label=names[code], fpr=tuple(fpr), tpr=tuple(tpr),
                               auc=float(skm.roc_auc_score(is_class, score))))
    macro = None
    if p.y_score is not None and p.y_score.ndim == 2:
        try:
            macro = _num(skm.roc_auc_score(p.y_true, p.y_score, multi_class="ovr",
                                           average="macro", labels=p.labels))
        except ValueError:
            macro = None
    elif curves:
        macro = curves[0].auc
    return RocCurves(curves=tuple(curves), macro_auc=macro)


def _pr(p, names: list[str]) -> PrCurves:
    curves, defined = [], []
    for code, is_class, score in _one_vs_rest(p):
        base_rate = float(is_class.mean()) if len(is_class) else None
        if not _defined(is_class):
            curves.append(PrCurve(label=names[code], base_rate=base_rate))
            continue
        precision, recall, _ = skm.precision_recall_curve(is_class, score)
        recall, precision = thin(recall, precision)
        curves.append(PrCurve(
            label=names[code], recall=tuple(recall), precision=tuple(precision),
            average_precision=float(skm.average_precision_score(is_class, score)),
            base_rate=base_rate))
        defined.append(code)
    macro = None
    if p.y_score is not None and p.y_score.ndim == 2 and defined:
        indicator = p.y_true[:, None] == np.asarray(defined)[None, :]
        macro = _num(skm.average_precision_score(indicator, p.y_score[:, defined],
                                                 average="macro"))
    elif curves:
        macro = curves[0].average_precision
    return PrCurves(curves=tuple(curves), macro_average_precision=macro)


def _calibration(task: str, p) -> Calibration | None:
    """Binary: P(positive) against how often the row is positive. Multiclass: confidence in
    the predicted class against how often that prediction is right."""
    if p.y_score is None or not len(p.y_true):
        return None
    if p.y_score.ndim == 1:
        kind, outcome, probability = "positive", p.y_true == p.positive_label, p.y_score
    else:
        kind = "confidence"
        outcome, probability = p.y_true == p.y_pred, p.y_score.max(axis=1)
    probability = np.clip(probability, 0.0, 1.0)
    observed, predicted = calibration_curve(outcome, probability, n_bins=CALIBRATION_BINS)
    counts = _bin_counts(probability, CALIBRATION_BINS)
    return Calibration(kind=kind, bins=CALIBRATION_BINS, predicted=tuple(_floats(predicted)),
                       observed=tuple(_floats(observed)), counts=tuple(int(c) for c in counts),
                       ece=expected_calibration_error(outcome, probability))


def _top_k(p) -> dict[str, float | None] | None:
    if p.y_score is None or p.y_score.ndim != 2:
        return None
    return {str(k): _num(skm.top_k_accuracy_score(p.y_true, p.y_score, k=k, labels=p.labels))
            for k in TOP_K}


def _coverage(confidence, correct, target, source, threshold) -> RejectCurve:
    curve = coverage_curve(confidence, correct)
    thresholds, coverage, accuracy = thin(curve.threshold, curve.coverage, curve.accuracy)
    chosen = None
    if target is not None:
        if threshold is not None:
            chosen = at_threshold(curve, threshold, target)
        else:
            chosen = choose_threshold(curve, target)
    return RejectCurve(
        threshold=tuple(thresholds), coverage=tuple(coverage), accuracy=tuple(accuracy),
        target_accuracy=target, target_source=source,
        chosen=chosen,
        chosen_here=threshold is None,
        full_accuracy=_num(curve.accuracy[-1]) if curve.rows else None)


# --- small helpers --------------------------------------------------------------------------

def _bin_counts(probability: np.ndarray, n_bins: int) -> np.ndarray:
    """Rows per non-empty bin, binned exactly as ``calibration_curve(strategy="uniform")``."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], probability), minlength=n_bins)
    return counts[counts > 0]


def _sorted_names(labels) -> list[str]:
    """The labels as text in the order ``engine.goal.metrics.prepare`` codes them."""
    given = np.asarray(list(labels))
    return [str(v) for v in given[np.argsort(given, kind="stable")]]


def _num(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _floats(values, digits: int = 6) -> list[float]:
    return [round(float(v), digits) for v in np.asarray(values, dtype=float)]
