"""The metrics a user can pick as a goal, each computed by scikit-learn.

Every metric is a frozen ``Metric`` in ``METRICS``. Its value comes from a scikit-learn
function; nothing here re-derives a formula. Labels and explanations for the user live in
``resources/help/metric.toml`` under ``[metric.<name>]``.

Conventions for the inputs:

* ``y_true`` and ``y_pred`` are 1-D label arrays (classification) or numbers (regression);
* ``y_score`` is ``P(positive)`` as a 1-D array for a binary task (a 2-column array in the
  order of ``labels`` is accepted too), and an ``(n, n_classes)`` array with columns in the
  order of ``labels`` for a multiclass task;
* ``labels`` defaults to the sorted distinct values of ``y_true`` and ``y_pred``;
  ``positive_label`` defaults to the last of the sorted labels (1, True, "yes").

A metric that is undefined on the given rows (ROC AUC with a single class present, R2 on one
row) is returned as NaN rather than raising.

The expected cost per example (``COST``, ``"expected_cost"``) is a metric only when the goal
carries a cost table (``engine.project.parts.goal.CostTable``): it is not in ``METRICS``,
``get_metric`` knows its name, label and direction (lower is better), and ``metrics_for``,
``compute`` and ``compute_all`` include it when they are given the table (``costs=``).

Example:
    >>> compute("accuracy", [0, 1, 1], [0, 1, 0])
    0.666...
    >>> from engine.project.parts.goal import CostTable
    >>> table = CostTable(("no", "yes"), ((0, 1), (10, 0)))   # a miss costs 10
    >>> compute("expected_cost", ["no", "yes"], ["yes", "yes"], costs=table)
    0.5
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.core.errors import GoalError
from engine.core.lazy_import import lazy_module
from engine.goal.tasks import check_task
from engine.core.texts import text

CLASSIFICATION = ("binary", "multiclass")

# scikit-learn loads at the first metric computed, which keeps it out of start-up: the GUI
# reads the registry (names, labels, directions) and never computes a metric.
sklearn = lazy_module("sklearn")
skm = lazy_module("sklearn.metrics")
_sk_exceptions = lazy_module("sklearn.exceptions")


@dataclass(frozen=True)
class Metric:
    """One metric: how to read it and how to compute it.

    Args:
        name: registry key, e.g. ``"f1_macro"``.
        label: short name for the user.
        explanation: one plain sentence saying what the number means.
        tasks: the task kinds it applies to.
        higher_is_better: whether a larger value is a better model.
        needs_scores: whether it uses predicted probabilities (``y_score``).
        bounded: whether the value lies in [0, 1].
        function: ``f(y_true, y_pred, y_score, labels, positive_label) -> float`` on
            prepared inputs (see ``prepare``).
    """

    name: str
    label: str
    explanation: str
    tasks: tuple[str, ...]
    higher_is_better: bool
    needs_scores: bool
    bounded: bool
    function: Callable[..., float] = field(repr=False, compare=False)
    batch: Callable[..., np.ndarray] | None = field(default=None, repr=False, compare=False)

    def value(self, y_true, y_pred, y_score, labels, positive_label) -> float:
        """The metric on already prepared inputs; NaN where it is undefined."""
        if self.needs_scores and y_score is None:
            return float("nan")
        with warnings.catch_warnings(record=True) as caught, sklearn.config_context(
            skip_parameter_validation=True, assume_finite=True
        ):
            warnings.simplefilter("always")
            try:
                result = float(self.function(y_true, y_pred, y_score, labels, positive_label))
            except ValueError:
                return float("nan")
        if any(issubclass(w.category, _sk_exceptions.UndefinedMetricWarning) for w in caught):
            return float("nan")
        return result if np.isfinite(result) else float("nan")

    def values(self, y_true, y_pred, y_score, labels, positive_label) -> np.ndarray:
        """The metric on each row of 2-D prepared inputs (one resample per row).

        Where scikit-learn can score many columns in one call (multilabel indicators with
        ``average=None``, regression with ``multioutput="raw_values"``) it is asked once;
        otherwise each row is scored by ``value``. Both give the same numbers.
        """
        if self.needs_scores and y_score is None:
            return np.full(len(y_true), np.nan)
        if self.batch is None or len(y_true) < 2:
            if not self.needs_scores and labels is not None:
                return self._values_by_counts(y_true, y_pred, labels, positive_label)
            return np.array([
                self.value(t, p, None if y_score is None else y_score[i], labels, positive_label)
                for i, (t, p) in enumerate(zip(y_true, y_pred))
            ])
        with warnings.catch_warnings(), sklearn.config_context(
            skip_parameter_validation=True, assume_finite=True
        ):
            warnings.simplefilter("ignore")
            result = np.asarray(self.batch(y_true.T, y_pred.T, None if y_score is None
                                           else y_score.T, labels, positive_label), float)
        return np.where(np.isfinite(result), result, np.nan)

    def _values_by_counts(self, y_true, y_pred, labels, positive_label) -> np.ndarray:
        """Label-only metrics depend on the rows only through the counts of each
        (true, predicted) pair, so each distinct count table is scored once (a jackknife,
        for instance, has only a handful of distinct tables)."""
        k = len(labels)
        pairs = y_true * k + y_pred
        offsets = np.arange(len(pairs))[:, None] * (k * k)
        counts = np.bincount((pairs + offsets).ravel(), minlength=len(pairs) * k * k)
        _, first, inverse = np.unique(counts.reshape(len(pairs), k * k), axis=0,
                                      return_index=True, return_inverse=True)
        unique_values = np.array([self.value(y_true[i], y_pred[i], None, labels, positive_label)
                                  for i in first])
        return unique_values[inverse.ravel()]


# --- scikit-learn calls -------------------------------------------------------------------

def _is_positive(y_true, positive_label):
    return np.asarray(y_true) == positive_label


def _binary_scores_defined(y_true, positive_label) -> bool:
    positive = _is_positive(y_true, positive_label)
    return bool(positive.any() and (~positive).any())


def _roc_auc(y_true, y_pred, y_score, labels, pos):
    if y_score.ndim == 1:
        if not _binary_scores_defined(y_true, pos):
            return float("nan")
        return skm.roc_auc_score(_is_positive(y_true, pos), y_score)
    return skm.roc_auc_score(y_true, y_score, multi_class="ovr", average="macro", labels=labels)


def _average_precision(y_true, y_pred, y_score, labels, pos):
    if not _binary_scores_defined(y_true, pos):
        return float("nan")
    return skm.average_precision_score(_is_positive(y_true, pos), y_score)


def _log_loss(y_true, y_pred, y_score, labels, pos):
    if y_score.ndim == 1:
        return skm.log_loss(_is_positive(y_true, pos), y_score, labels=[False, True])
    return skm.log_loss(y_true, y_score, labels=labels)


_CALLS: dict[str, Callable[..., float]] = {
    "accuracy": lambda t, p, s, labels, pos: skm.accuracy_score(t, p),
    "balanced_accuracy": lambda t, p, s, labels, pos: skm.balanced_accuracy_score(t, p),
    "precision": lambda t, p, s, labels, pos: skm.precision_score(
        t, p, pos_label=pos, average="binary", zero_division=0.0),
    "recall": lambda t, p, s, labels, pos: skm.recall_score(
        t, p, pos_label=pos, average="binary", zero_division=0.0),
    "f1": lambda t, p, s, labels, pos: skm.f1_score(
        t, p, pos_label=pos, average="binary", zero_division=0.0),
    "f1_macro": lambda t, p, s, labels, pos: skm.f1_score(
        t, p, labels=labels, average="macro", zero_division=0.0),
    "f1_weighted": lambda t, p, s, labels, pos: skm.f1_score(
        t, p, labels=labels, average="weighted", zero_division=0.0),
    "roc_auc": _roc_auc,
    "average_precision": _average_precision,
    "log_loss": _log_loss,
    "top2_accuracy": lambda t, p, s, labels, pos: skm.top_k_accuracy_score(
        t, s, k=2, labels=labels),
    "mae": lambda t, p, s, labels, pos: skm.mean_absolute_error(t, p),
    "rmse": lambda t, p, s, labels, pos: skm.root_mean_squared_error(t, p),
    "r2": lambda t, p, s, labels, pos: skm.r2_score(t, p),
}

def _per_column_prf(which: int):
    """Precision (0), recall (1) or F1 (2) of the positive class, one value per column."""
    def batch(t, p, s, labels, pos):
        scores = skm.precision_recall_fscore_support(
            t == pos, p == pos, average=None, zero_division=0.0)
        return scores[which]
    return batch


_BATCH: dict[str, Callable[..., np.ndarray]] = {
    "precision": _per_column_prf(0),
    "recall": _per_column_prf(1),
    "f1": _per_column_prf(2),
    "mae": lambda t, p, s, labels, pos: skm.mean_absolute_error(
        t, p, multioutput="raw_values"),
    "rmse": lambda t, p, s, labels, pos: skm.root_mean_squared_error(
        t, p, multioutput="raw_values"),
    "r2": lambda t, p, s, labels, pos: skm.r2_score(t, p, multioutput="raw_values"),
}

#        name                 tasks                      higher  scores bounded
_TABLE = [
    ("accuracy",          CLASSIFICATION,              True,  False, True),
    ("balanced_accuracy", CLASSIFICATION,              True,  False, True),
    ("precision",         ("binary",),                 True,  False, True),
    ("recall",            ("binary",),                 True,  False, True),
    ("f1",                ("binary",),                 True,  False, True),
    ("f1_macro",          CLASSIFICATION,              True,  False, True),
    ("f1_weighted",       CLASSIFICATION,              True,  False, True),
    ("roc_auc",           CLASSIFICATION,              True,  True,  True),
    ("average_precision", ("binary",),                 True,  True,  True),
    ("log_loss",          CLASSIFICATION,              False, True,  False),
    ("top2_accuracy",     ("multiclass",),             True,  True,  True),
    ("mae",               ("regression",),             False, False, False),
    ("rmse",              ("regression",),             False, False, False),
    ("r2",                ("regression",),             True,  False, False),
]

METRICS: dict[str, Metric] = {
    name: Metric(
        name=name,
        label=text(f"metric.{name}.label"),
        explanation=text(f"metric.{name}.explain"),
        tasks=tasks,
        higher_is_better=higher,
        needs_scores=scores,
        bounded=bounded,
        function=_CALLS[name],
        batch=_BATCH.get(name),
    )
    for name, tasks, higher, scores, bounded in _TABLE
}


COST = "expected_cost"
"""The name of the expected cost per example, a metric only for a goal with a cost table."""


def cost_metric(table=None) -> Metric:
    """The expected cost per example under ``table`` as a ``Metric``: the mean cost of the
    answers (``engine.goal.costs``), lower is better. Without a table it only names the
    metric (its value is NaN)."""
    if table is None:
        function = batch = None
    else:
        # Prepared inputs are codes in sorted label order: reorder the table to match.
        order = np.argsort(np.asarray(table.labels, dtype=object), kind="stable")
        matrix = np.asarray(table.matrix, dtype=float)[np.ix_(order, order)]

        def function(t, p, s, labels, pos):
            return float(matrix[t, p].mean()) if len(t) else float("nan")

        def batch(t, p, s, labels, pos):  # one resample per column
            return matrix[t, p].mean(axis=0)
    return Metric(name=COST, label=text(f"metric.{COST}.label"),
                  explanation=text(f"metric.{COST}.explain"), tasks=CLASSIFICATION,
                  higher_is_better=False, needs_scores=False, bounded=False,
                  function=function or (lambda t, p, s, labels, pos: float("nan")),
                  batch=batch)


# --- registry look-ups --------------------------------------------------------------------

def metrics_for(task: str, costs=None) -> list[Metric]:
    """Every metric that applies to ``task``, in registry order; with ``costs`` (a cost
    table, or True) and classes, the expected cost per example last."""
    check_task(task)
    found = [m for m in METRICS.values() if task in m.tasks]
    if costs is not None and costs is not False and task in CLASSIFICATION:
        found.append(cost_metric(None if costs is True else costs))
    return found


def find_metric(name: str | None) -> Metric | None:
    """The metric called ``name`` (the expected cost included), or None."""
    if name == COST:
        return cost_metric()
    return METRICS.get(name or "")


def get_metric(name: str, task: str | None = None) -> Metric:
    """The metric called ``name``; with ``task``, it must also apply to that task. The
    expected cost is known by name (its value needs the goal's cost table, see ``compute``).

    Raises:
        GoalError: unknown name, or a metric that does not fit the task; the message lists
            the valid names.
    """
    metric = find_metric(name)
    if task is None:
        if metric is None:
            raise GoalError(text("metric.unknown", name=name, valid=", ".join(METRICS)))
        return metric
    valid = ", ".join(m.name for m in metrics_for(task))
    if metric is None:
        raise GoalError(text("metric.unknown_for_task", name=name, task=task, valid=valid))
    if task not in metric.tasks:
        raise GoalError(text("metric.wrong_task", name=name, task=task, valid=valid))
    return metric


# --- preparing inputs ---------------------------------------------------------------------

@dataclass(frozen=True)
class Prepared:
    """Inputs in the form the metric functions expect.

    Labels are encoded as integer codes ``0..k-1`` in sorted label order (scikit-learn asks
    for sorted labels), multiclass score columns are reordered to match, and binary scores
    are 1-D ``P(positive)``. Metrics do not change under this relabelling; integer codes only
    make scikit-learn's checks cheaper, which matters for the bootstrap.
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None
    labels: np.ndarray | None
    positive_label: object


def prepare(y_true, y_pred, y_score=None, labels=None, positive_label=None,
            regression: bool = False) -> Prepared:
    """Check and normalise the inputs once (see ``Prepared``)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} must be equal 1-D")
    if regression:
        return Prepared(y_true.astype(float), y_pred.astype(float), None, None, None)

    if labels is not None:
        given = np.asarray(list(labels))
    else:  # the labels seen, plus the positive label even when these rows lack it
        seen = [*np.unique(y_true), *np.unique(y_pred)]
        given = np.unique(seen if positive_label is None else [*seen, positive_label])
    order = np.argsort(given, kind="stable")
    ordered = given[order]
    if positive_label is None:
        positive_label = ordered[-1]
    true_codes = _encode(y_true, ordered)
    pred_codes = _encode(y_pred, ordered)
    codes = np.arange(len(ordered))
    position = np.flatnonzero(ordered == positive_label)
    if not len(position):
        raise ValueError(f"positive label {positive_label!r} is not among {ordered.tolist()}")
    positive_code = int(position[0])

    score = None
    if y_score is not None:
        score = np.asarray(y_score, dtype=float)
        if score.ndim == 2 and score.shape[1] == 2 and len(given) == 2:
            score = score[:, list(given).index(positive_label)]
        elif score.ndim == 2:
            if score.shape[1] != len(given):
                raise ValueError(f"y_score has {score.shape[1]} columns for {len(given)} labels")
            score = score[:, order]
        if score.shape[0] != len(y_true):
            raise ValueError("y_score must have one row per example")
    return Prepared(true_codes, pred_codes, score, codes, positive_code)


def _encode(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    codes = np.searchsorted(ordered, values)
    clipped = np.minimum(codes, len(ordered) - 1)
    if len(values) and not np.all(ordered[clipped] == values):
        unknown = sorted(set(values.tolist()) - set(ordered.tolist()))
        raise ValueError(f"values {unknown[:5]} are not among the labels {ordered.tolist()}")
    return clipped


# --- computing ----------------------------------------------------------------------------

def compute(name: str, y_true, y_pred, y_score=None, labels=None, positive_label=None,
            costs=None) -> float:
    """The value of metric ``name``; NaN when it is undefined on these rows (the expected
    cost without its table ``costs`` included).

    Raises:
        GoalError: ``name`` is not a known metric.
    """
    metric = cost_metric(costs) if name == COST else get_metric(name)
    if name == COST and costs is not None:
        labels = costs.labels
    regression = metric.tasks == ("regression",)
    p = prepare(y_true, y_pred, y_score, labels, positive_label, regression=regression)
    return metric.value(p.y_true, p.y_pred, p.y_score, p.labels, p.positive_label)


def compute_all(task: str, y_true, y_pred, y_score=None, labels=None,
                positive_label=None, costs=None) -> dict[str, float]:
    """Every metric of ``task`` (with a cost table ``costs``, the expected cost too); those
    that cannot be computed are NaN."""
    if costs is not None and labels is None:
        labels = costs.labels
    p = prepare(y_true, y_pred, y_score, labels, positive_label,
                regression=check_task(task) == "regression")
    return {m.name: m.value(p.y_true, p.y_pred, p.y_score, p.labels, p.positive_label)
            for m in metrics_for(task, costs)}


def error_of(name: str, value: float) -> float:
    """``value`` of metric ``name`` as an error, where lower is better.

    ``1 - value`` for metrics where higher is better (accuracy, F1, AUC, R2 ...); the value
    itself for losses (log loss, MAE, RMSE).
    """
    return 1.0 - value if get_metric(name).higher_is_better else value


def value_from_error(name: str, error: float) -> float:
    """The inverse of ``error_of``."""
    return 1.0 - error if get_metric(name).higher_is_better else error
