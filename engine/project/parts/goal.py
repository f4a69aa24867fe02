"""The goal in ``project.json``: what to predict (target, task, labels), how a model is
judged (the optimizing metric, satisfying constraints, target error, the accuracy asked of
the answered rows when the model may abstain), and how the data is read (its kind and the
options of that kind, such as the text column).

Example:
    >>> goal = Goal(target="churned", task="binary", metric="f1", labels=("no", "yes"),
    ...             positive_label="yes",
    ...             constraints=(GoalConstraint("recall", ">=", 0.9, "Recall at least 0.9"),))
    >>> goal.is_classification, goal.positive_index, goal.constraints[0].to_dict()["bound"]
    (True, 1, 0.9)
    >>> Goal.from_dict(goal.to_dict()) == goal
    True
    >>> Goal.from_dict({"target": "price", "task": "regression", "metric": "rmse"}).data_kind
    'table'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.project.parts.labellers import Labellers


@dataclass(frozen=True)
class GoalConstraint:
    """A satisfying constraint as stored: ``quantity op bound`` (a metric or a resource such
    as ``latency_ms``) and its description in words (checked by ``engine.goal.constraints``)."""

    quantity: str
    op: str
    bound: float
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"quantity": self.quantity, "op": self.op, "bound": self.bound}
        if self.text:
            out["text"] = self.text
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> GoalConstraint:
        return cls(quantity=str(raw.get("quantity", "")), op=str(raw.get("op", "")),
                   bound=raw.get("bound", 0.0), text=str(raw.get("text") or ""))


@dataclass(frozen=True)
class CostTable:
    """What each kind of mistake costs, as the user gave it on the Goal page.

    ``matrix[i][j]`` is the cost of answering ``labels[j]`` when the truth is ``labels[i]``
    (a right answer usually costs 0); ``unit`` is the user's word for the amount ("euros",
    "hours", "" for plain points). For a yes/no task the two numbers that matter are the
    false alarm (truth no, answer yes) and the miss (truth yes, answer no).
    """

    labels: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    unit: str = ""

    def cost(self, truth: str, answer: str) -> float:
        return float(self.matrix[self.labels.index(truth)][self.labels.index(answer)])

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "matrix": [list(r) for r in self.matrix],
                "unit": self.unit}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CostTable:
        return cls(labels=tuple(str(x) for x in raw.get("labels") or ()),
                   matrix=tuple(tuple(float(v) for v in row) for row in raw.get("matrix") or ()),
                   unit=str(raw.get("unit") or ""))


@dataclass(frozen=True)
class Goal:
    """The goal of a project; change it with ``dataclasses.replace`` (see
    ``engine.goal.edit``).

    ``labels`` are the classes as text, sorted (empty for regression); ``positive_label`` is
    the class that counts as "yes" in a binary task. ``abstain_accuracy`` (None: answer every
    row) is the share of right answers the answered rows must reach. ``inputs`` holds the
    options of the data kind: ``{"text_column": ...}`` for text, ``{"sequence": {...}}`` for
    sequences, nothing for tables and images. ``costs`` (None: every mistake costs the same)
    is what each kind of mistake costs (see ``engine.goal.costs``). ``labellers`` (None: one
    label column) says which columns several people filled in; ``target`` is then their
    vote (see ``engine.goal.labellers``).
    """

    target: str = ""
    task: str = ""
    metric: str = ""
    task_reason: str = ""
    metric_reason: str = ""
    constraints: tuple[GoalConstraint, ...] = ()
    target_error: float | None = None
    labels: tuple[str, ...] = ()
    positive_label: str | None = None
    abstain_accuracy: float | None = None
    data_kind: str = "table"
    inputs: dict[str, Any] = field(default_factory=dict)
    costs: CostTable | None = None
    labellers: Labellers | None = None

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    @property
    def is_classification(self) -> bool:
        return self.task in ("binary", "multiclass")

    @property
    def positive_index(self) -> int | None:
        """Where ``positive_label`` stands in ``labels`` (None when it does not)."""
        return (self.labels.index(self.positive_label)
                if self.positive_label in self.labels else None)

    @property
    def text_column(self) -> str | None:
        return self.inputs.get("text_column")

    @property
    def sequence(self) -> dict[str, Any] | None:
        return self.inputs.get("sequence")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target, "task": self.task, "task_reason": self.task_reason,
            "metric": self.metric, "metric_reason": self.metric_reason,
            "constraints": [c.to_dict() for c in self.constraints],
            "target_error": self.target_error, "labels": list(self.labels),
            "positive_label": self.positive_label,
        }
        if self.abstain_accuracy is not None:
            out["abstain_accuracy"] = self.abstain_accuracy
        out["data_kind"] = self.data_kind
        out["inputs"] = dict(self.inputs)
        if self.costs is not None:
            out["costs"] = self.costs.to_dict()
        if self.labellers is not None:
            out["labellers"] = self.labellers.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Goal:
        """Read a goal; keys an older file lacks take their defaults."""
        return cls(target=str(raw.get("target") or ""), task=str(raw.get("task") or ""),
                   metric=str(raw.get("metric") or ""),
                   task_reason=str(raw.get("task_reason") or ""),
                   metric_reason=str(raw.get("metric_reason") or ""),
                   constraints=tuple(GoalConstraint.from_dict(c)
                                     for c in raw.get("constraints") or () if isinstance(c, dict)),
                   target_error=raw.get("target_error"),
                   labels=tuple(raw.get("labels") or ()),
                   positive_label=raw.get("positive_label"),
                   abstain_accuracy=raw.get("abstain_accuracy"),
                   data_kind=str(raw.get("data_kind") or "table"),
                   inputs=dict(raw.get("inputs") or {}),
                   costs=(CostTable.from_dict(raw["costs"])
                          if isinstance(raw.get("costs"), dict) else None),
                   labellers=(Labellers.from_dict(raw["labellers"])
                              if isinstance(raw.get("labellers"), dict) else None))


TASKS = ("", "binary", "multiclass", "regression")
_TEXTS = ("target", "task", "metric", "task_reason", "metric_reason", "data_kind")
_NUMBERS = ("target_error", "abstain_accuracy")


def load(raw: Any) -> Goal | None:
    """The goal of ``project.json``; a value of the wrong kind (a number for the target, an
    unknown task, labels that are not a list) is refused here (``TypeError``), not met in
    the middle of a training."""
    if not isinstance(raw, dict):
        return None
    _check_kinds(raw)
    return Goal.from_dict(raw)


def _check_kinds(raw: dict[str, Any]) -> None:
    if any(not isinstance(raw.get(k), (str, type(None))) for k in _TEXTS) \
            or (raw.get("task") or "") not in TASKS:
        raise TypeError("goal")
    if any(not _number_or_none(raw.get(k)) for k in _NUMBERS):
        raise TypeError("goal")
    labels, constraints = raw.get("labels"), raw.get("constraints")
    if not all(isinstance(v, (list, type(None))) for v in (labels, constraints)) \
            or not isinstance(raw.get("inputs"), (dict, type(None))) \
            or not isinstance(raw.get("labellers"), (dict, type(None))):
        raise TypeError("goal")
    if any(not isinstance(x, (str, int, float)) or isinstance(x, bool) for x in labels or ()):
        raise TypeError("goal")
    if any(isinstance(c, dict) and not _number_or_none(c.get("bound")) for c in constraints or ()):
        raise TypeError("goal")
    _check_costs(raw.get("costs"))


def _check_costs(costs: Any) -> None:
    """A cost table is labels, a square matrix of numbers that fits them, and a unit."""
    if costs is None:
        return
    if not isinstance(costs, dict):
        raise TypeError("goal")
    labels, matrix = costs.get("labels"), costs.get("matrix")
    if not isinstance(labels, list) or not isinstance(matrix, list) \
            or len(matrix) != len(labels) \
            or any(not isinstance(r, list) or len(r) != len(labels) for r in matrix) \
            or any(not _number_or_none(v) or v is None for r in matrix for v in r) \
            or not isinstance(costs.get("unit", ""), (str, type(None))):
        raise TypeError("goal")


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def dump(value: Goal | None) -> dict[str, Any] | None:
    return None if value is None else value.to_dict()
