"""Making and checking a goal's cost table (what each kind of mistake costs).

A table comes from the Goal page (two numbers for yes/no, a grid for several classes) or
from the command line (``TRUTH:ANSWER=X`` pairs, or a false alarm and a miss). It is
checked against the goal before it is kept: the classes must be the goal's, in the goal's
order, and every cost an ordinary number, zero or more. A right answer that costs
something is allowed but said, and so is a table where no mistake costs anything.

Example:
    >>> table = yes_no_table(("no", "yes"), "yes", false_alarm=1, miss=10, unit="euros")
    >>> table.matrix
    ((0.0, 1.0), (10.0, 0.0))
    >>> table_from_pairs(("a", "b", "c"), ["a:b=2", "c:a=5"]).matrix[0]
    (0.0, 2.0, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from engine.core.errors import GoalError
from engine.core.texts import text
from engine.project.parts.goal import CostTable, Goal

DEFAULT_MISTAKE = 1.0
"""What a mistake the user did not price costs (a right answer costs 0)."""
MAX_UNIT = 30
"""The longest unit word kept (characters)."""


def yes_no_table(labels: Sequence[str], positive: str | None, false_alarm: float,
                 miss: float, unit: str = "") -> CostTable:
    """The table of a yes/no task from what a false alarm (truth no, answer yes) and a miss
    (truth yes, answer no) cost."""
    if len(labels) != 2 or positive not in labels:
        raise GoalError(text("costs.not_yes_no"))
    yes = list(labels).index(positive)
    matrix = [[0.0, 0.0], [0.0, 0.0]]
    matrix[1 - yes][yes] = _number(false_alarm, text("costs.false_alarm"))
    matrix[yes][1 - yes] = _number(miss, text("costs.miss"))
    return CostTable(tuple(labels), tuple(tuple(r) for r in matrix), _unit(unit))


def false_alarm_and_miss(table: CostTable, positive: str | None) -> tuple[float, float]:
    """What a false alarm and a miss cost in a yes/no ``table``."""
    yes = list(table.labels).index(positive)
    return (float(table.matrix[1 - yes][yes]), float(table.matrix[yes][1 - yes]))


def table_from_pairs(labels: Sequence[str], pairs: Iterable[str], unit: str = "",
                     start: CostTable | None = None) -> CostTable:
    """A table from ``TRUTH:ANSWER=X`` pairs; the pairs not given keep their cost in
    ``start`` (without one: a right answer costs 0, a mistake ``DEFAULT_MISTAKE``)."""
    labels = tuple(str(x) for x in labels)
    if start is not None and start.labels == labels:
        matrix = [list(r) for r in start.matrix]
    else:
        matrix = [[0.0 if i == j else DEFAULT_MISTAKE for j in range(len(labels))]
                  for i in range(len(labels))]
    for pair in pairs:
        truth, answer, value = parse_pair(pair, labels)
        matrix[labels.index(truth)][labels.index(answer)] = value
    return CostTable(labels, tuple(tuple(float(v) for v in r) for r in matrix), _unit(unit))


def parse_pair(pair: str, labels: Sequence[str]) -> tuple[str, str, float]:
    """``"TRUTH:ANSWER=X"`` read against the goal's classes (a class name may itself hold a
    colon: every place to cut is tried)."""
    left, sign, number = str(pair).rpartition("=")
    names = ", ".join(labels)
    if not sign:
        raise GoalError(text("costs.bad_pair", pair=pair, labels=names))
    for cut in (i for i, ch in enumerate(left) if ch == ":"):
        truth, answer = left[:cut].strip(), left[cut + 1:].strip()
        if truth in labels and answer in labels:
            return truth, answer, _number(number, f"{truth} → {answer}")
    raise GoalError(text("costs.bad_pair", pair=pair, labels=names))


def check_table(goal: Goal, table: CostTable) -> list[str]:
    """Refuse a table that does not fit ``goal`` (``GoalError``, in plain words); return
    the warnings worth saying about one that does."""
    if not goal.is_classification:
        raise GoalError(text("costs.not_classes"))
    if tuple(table.labels) != tuple(goal.labels):
        raise GoalError(text("costs.wrong_labels", labels=", ".join(goal.labels)))
    size = len(table.labels)
    if len(table.matrix) != size or any(len(row) != size for row in table.matrix):
        raise GoalError(text("costs.wrong_shape", n=size))
    for i, row in enumerate(table.matrix):
        for j, value in enumerate(row):
            _number(value, f"{table.labels[i]} → {table.labels[j]}")
    if len(table.unit) > MAX_UNIT:
        raise GoalError(text("costs.long_unit", most=MAX_UNIT))
    warnings = []
    right = [table.labels[i] for i in range(size) if table.matrix[i][i] > 0]
    if right:
        warnings.append(text("costs.right_answer_costs", labels=", ".join(right)))
    if all(table.matrix[i][j] == 0 for i in range(size) for j in range(size) if i != j):
        warnings.append(text("costs.mistakes_free"))
    return warnings


def describe_costs(table: CostTable, positive: str | None = None) -> list[str]:
    """The table in sentences: for yes/no the false alarm and the miss, otherwise one
    sentence per mistake ("truth a, answer b: 2 euros")."""
    unit = table.unit or text("costs.no_unit")

    def amount(value: float) -> str:
        return text("costs.amount", value=f"{float(value):g}", unit=unit)

    if len(table.labels) == 2 and positive in table.labels:
        alarm, miss = false_alarm_and_miss(table, positive)
        no = next(label for label in table.labels if label != positive)
        return [text("costs.describe_false_alarm", cost=amount(alarm), yes=positive, no=no),
                text("costs.describe_miss", cost=amount(miss), yes=positive, no=no)]
    return [text("costs.describe_pair", truth=truth, answer=answer,
                 cost=amount(table.matrix[i][j]))
            for i, truth in enumerate(table.labels)
            for j, answer in enumerate(table.labels) if i != j]


def _number(value, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GoalError(text("costs.not_a_number", where=where, value=value)) from None
    if not math.isfinite(number) or isinstance(value, bool):
        raise GoalError(text("costs.not_a_number", where=where, value=value))
    if number < 0:
        raise GoalError(text("costs.negative", where=where, value=f"{number:g}"))
    return number


def _unit(unit: str | None) -> str:
    return " ".join(str(unit or "").split())
