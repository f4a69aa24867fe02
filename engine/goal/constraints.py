"""Satisfying constraints: limits a model must meet, as opposed to the metric it optimizes.

A goal has one optimizing metric and any number of constraints such as ``recall >= 0.9``,
``latency_ms < 50``, ``params <= 1e6`` or ``size_mb < 5``. A constraint is either a metric
of the task or one of the resource quantities:

* ``latency_ms``: time to answer one example alone on this machine, in milliseconds;
* ``batch_latency_ms``: time to answer a batch of 32 examples at once, in milliseconds;
* ``params``: number of trainable parameters of the model;
* ``size_mb``: size of the saved model file, in megabytes.

Example:
    >>> c = parse_constraint("recall >= 0.9", "binary")
    >>> c.check(0.93)
    True
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from engine.core.errors import GoalError
from engine.goal.metrics import COST, METRICS, find_metric, metrics_for
from engine.core.texts import text

RESOURCE_QUANTITIES = ("latency_ms", "batch_latency_ms", "params", "size_mb")
OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt,
}
_OP_KEYS = {"<=": "at_most", ">=": "at_least", "<": "below", ">": "above"}
_SYMBOLS = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}
_PATTERN = re.compile(
    r"^\s*(?P<quantity>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op><=|>=|=<|=>|<|>|≤|≥)\s*"
    r"(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?P<percent>%?)\s*$"
)


@dataclass(frozen=True)
class Constraint:
    """A limit the chosen model must satisfy.

    Args:
        quantity: a metric name or one of ``RESOURCE_QUANTITIES``.
        op: one of ``"<="``, ``">="``, ``"<"``, ``">"``.
        bound: the limit, in the quantity's own unit (a share in [0, 1] for metrics such as
            recall; milliseconds, a count or megabytes for the resources).
    """

    quantity: str
    op: str
    bound: float

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise GoalError(text("constraint.bad_op", op=self.op))
        if find_metric(self.quantity) is None and self.quantity not in RESOURCE_QUANTITIES:
            valid = ", ".join([*METRICS, COST, *RESOURCE_QUANTITIES])
            raise GoalError(text("constraint.unknown_quantity", quantity=self.quantity,
                                 valid=valid))
        if not math.isfinite(self.bound):
            raise GoalError(text("constraint.not_a_number", quantity=self.quantity))
        object.__setattr__(self, "bound", float(self.bound))

    def check(self, value: float | None) -> bool:
        """Whether ``value`` satisfies the constraint; a missing or NaN value does not."""
        if value is None or not math.isfinite(value):
            return False
        return OPS[self.op](float(value), self.bound)

    def describe(self) -> str:
        """The constraint in plain words, e.g. 'prediction time per example below 50 ms'."""
        relation = text(f"constraint.op_{_OP_KEYS[self.op]}")
        return text("constraint.describe", quantity=quantity_label(self.quantity),
                    relation=relation, bound=format_quantity(self.quantity, self.bound))

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "op": self.op, "bound": self.bound}

    @classmethod
    def from_dict(cls, data: Mapping) -> Constraint:
        return cls(str(data["quantity"]), str(data["op"]), float(data["bound"]))

    def __str__(self) -> str:
        return f"{self.quantity} {self.op} {self.bound:g}"


@dataclass(frozen=True)
class ConstraintCheck:
    """One constraint checked against a measured value (NaN when it was not measured)."""

    constraint: Constraint
    value: float
    ok: bool

    def describe(self) -> str:
        if not math.isfinite(self.value):
            return text("constraint.check_missing", constraint=self.constraint.describe())
        key = "constraint.check_ok" if self.ok else "constraint.check_failed"
        return text(key, constraint=self.constraint.describe(),
                    value=format_quantity(self.constraint.quantity, self.value))


    def explain(self) -> str:
        """Why a broken constraint is broken, with the measured value and the limit, e.g.
        'Prediction time per example: 72 ms, above your limit of 50 ms.'; empty when met."""
        if self.ok:
            return ""
        c = self.constraint
        label = quantity_label(c.quantity)
        if not math.isfinite(self.value):
            return text("constraint.broken_missing", quantity=label,
                        constraint=c.describe())
        if c.op in ("<", "<="):
            key = "broken_above" if self.value > c.bound else "broken_at_upper"
        else:
            key = "broken_below" if self.value < c.bound else "broken_at_lower"
        return text(f"constraint.{key}", quantity=label,
                    value=format_quantity(c.quantity, self.value),
                    bound=format_quantity(c.quantity, c.bound))


def explain_broken(checks: Iterable[ConstraintCheck]) -> list[str]:
    """One sentence per broken constraint (see ``ConstraintCheck.explain``)."""
    return [c.explain() for c in checks if not c.ok]


def valid_quantities(task: str, costs=None) -> list[str]:
    """Names a constraint of ``task`` may use: the task's metrics (with a cost table
    ``costs``, the expected cost too), then the resources."""
    return [m.name for m in metrics_for(task, costs)] + list(RESOURCE_QUANTITIES)


def parse_constraint(expr: str, task: str, costs=None) -> Constraint:
    """Read a constraint such as ``"recall >= 0.9"`` or ``"latency_ms < 50"``; with the
    goal's cost table ``costs``, ``"expected_cost <= 2.5"`` too.

    A share may be written as a percentage (``"recall >= 90%"``).

    Raises:
        GoalError: the text is not of the form ``name op number``, the name is not valid
            for ``task``, or the number is out of range; the message shows the accepted form.
    """
    valid = ", ".join(valid_quantities(task, costs))
    match = _PATTERN.match(expr or "")
    if match is None:
        raise GoalError(text("constraint.bad_form", expr=expr, valid=valid))
    quantity = match["quantity"]
    if quantity == COST and costs is None:
        raise GoalError(text("constraint.cost_needs_table"))
    if quantity not in valid_quantities(task, costs):
        raise GoalError(text("constraint.unknown_for_task", quantity=quantity, task=task,
                             valid=valid))
    op = _SYMBOLS.get(match["op"], match["op"])
    bound = float(match["number"])
    metric = find_metric(quantity)
    if match["percent"]:
        if metric is None or not metric.bounded:
            raise GoalError(text("constraint.no_percent", quantity=quantity))
        bound /= 100.0
    if metric is not None and metric.bounded and not 0.0 <= bound <= 1.0:
        raise GoalError(text("constraint.share_range", quantity=quantity, bound=f"{bound:g}"))
    if (metric is None or quantity == COST) and bound < 0:
        raise GoalError(text("constraint.negative", quantity=quantity))
    return Constraint(quantity, op, bound)


def check_all(constraints: Iterable[Constraint],
              measured: Mapping[str, float]) -> list[ConstraintCheck]:
    """Check every constraint against ``measured`` (quantity name -> value)."""
    checks = []
    for constraint in constraints:
        value = measured.get(constraint.quantity)
        value = float("nan") if value is None else float(value)
        checks.append(ConstraintCheck(constraint, value, constraint.check(value)))
    return checks


def quantity_label(quantity: str) -> str:
    """The user-facing name of a constraint quantity."""
    metric = find_metric(quantity)
    if metric is not None:
        return metric.label
    return text(f"constraint.quantity_{quantity}")


def format_quantity(quantity: str, value: float) -> str:
    """A value with its unit: '0.9', '50 ms', '1,000,000 parameters', '5 MB'."""
    if quantity in RESOURCE_QUANTITIES:
        number = f"{value:,.0f}" if quantity == "params" or value >= 100 else f"{value:.3g}"
        return text(f"constraint.unit_{quantity}", value=number)
    return f"{value:.3g}"
