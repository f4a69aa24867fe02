"""The costs of mistakes in words, for the report, the CLI and the pages: the cost table as
a grid (truth in rows, answer in columns) and the expected cost on the test rows with its
interval in one sentence.

Example:
    >>> from engine.project.parts.goal import CostTable
    >>> header, rows = cost_grid(CostTable(("no", "yes"), ((0, 1), (10, 0)), "euros"))
    >>> header[1:], rows[1]
    (['no', 'yes'], ['yes', '10', '0'])
    >>> cost_amount(2.5, "euros"), cost_amount(3, "")
    ('2.5 euros', '3 points')
"""

from __future__ import annotations

import math

from engine.core.texts import text
from engine.project.parts.goal import CostTable, Goal

COST = "expected_cost"


def cost_amount(value: float, unit: str) -> str:
    """An amount with its unit ("points" when the user gave none): '2.5 euros'."""
    return text("costs.amount", value=_number(value), unit=unit or text("costs.no_unit"))


def _number(value: float) -> str:
    """Three significant digits, whole numbers from 1000 on: '0.36', '2.5', '1,250'."""
    value = float(value)
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def cost_grid(table: CostTable) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the table: one row per true class, one column per answer."""
    header = [text("costs.grid_corner"), *map(str, table.labels)]
    rows = [[str(truth), *(f"{float(v):g}" for v in row)]
            for truth, row in zip(table.labels, table.matrix)]
    return header, rows


def final_cost_sentence(final, goal: Goal | None) -> str | None:
    """'Expected cost on the test rows: 0.42 euros per example (95% interval 0.31 to
    0.53).'; None without costs or without a final test that measured it."""
    entry = final.metrics.get(COST) if final is not None else None
    if entry is None or goal is None or goal.costs is None or not _finite(entry.value):
        return None
    unit = goal.costs.unit or text("costs.no_unit")
    value = _number(entry.value)
    if not (_finite(entry.low) and _finite(entry.high)):
        return text("costs.test_sentence_no_interval", value=value, unit=unit)
    return text("costs.test_sentence", value=value, unit=unit,
                confidence=f"{float(final.confidence or 0.95):.0%}",
                low=_number(entry.low), high=_number(entry.high))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
