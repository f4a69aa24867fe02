"""What the model's answers cost: the expected cost per example under the goal's cost table.

A cost table (``engine.project.parts.goal.CostTable``) says what answering class ``j`` costs
when the truth is class ``i``. The expected cost per example of some answers is the mean of
those costs over the rows: lower is better, 0 when every answer is free. It is the number a
decision threshold minimises when the user gave costs (``engine.decision``), and the
report states it on the test rows with an interval.

Example:
    >>> from engine.project.parts.goal import CostTable
    >>> table = CostTable(("no", "yes"), ((0, 1), (10, 0)))   # a miss costs 10 false alarms
    >>> row_costs(["no", "yes", "yes"], ["yes", "no", "yes"], table).tolist()
    [1.0, 10.0, 0.0]
    >>> expected_cost(["no", "yes", "yes"], ["yes", "no", "yes"], table)
    3.666...
"""

from __future__ import annotations

import numpy as np

from engine.project.parts.goal import CostTable


def row_costs(y_true, y_pred, table: CostTable) -> np.ndarray:
    """The cost of each row's answer (truth and answer are class names as text)."""
    index = {label: i for i, label in enumerate(table.labels)}
    matrix = np.asarray(table.matrix, dtype=float)
    truth = np.array([index[str(v)] for v in np.asarray(y_true, dtype=object)], dtype=int)
    answer = np.array([index[str(v)] for v in np.asarray(y_pred, dtype=object)], dtype=int)
    if not len(truth):
        return np.zeros(0)
    return matrix[truth, answer]


def expected_cost(y_true, y_pred, table: CostTable) -> float:
    """The mean cost per example; NaN for no rows."""
    costs = row_costs(y_true, y_pred, table)
    return float(costs.mean()) if len(costs) else float("nan")
