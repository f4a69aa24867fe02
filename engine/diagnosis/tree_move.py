"""The next move after diagnosing boosted trees: the same trees, grown differently.

Trees have no layers, dropout or weight decay; their capacity is set by how many leaves a
tree may have, how many training rows a leaf must hold and how strongly leaf values are
pulled towards zero (L2). Bias: trees with twice the leaves and half the rows per leaf,
so they can follow finer patterns. Variance: half the leaves, twice the rows per leaf and
ten times the L2, so they stop following single rows. Each move starts from the diagnosed
run's own settings; the number of trees is still found by stopping on the train-dev rows.

Example:
    >>> from engine.project.run_record import RunRecord
    >>> run = RunRecord("r", "boosted", "Boosted trees", "finished", "",
    ...                 {"num_leaves": 15, "min_rows_per_leaf": 10, "l2": 1.0})
    >>> tree_params("variance", run)["num_leaves"], tree_params("bias", run)["num_leaves"]
    (7, 30)
"""

from __future__ import annotations

from typing import Any

from engine.core.texts import text
from engine.models import boosted_trees
from engine.project.run_record import RunRecord

LEAVES = (4, 255)
ROWS_PER_LEAF = (2, 500)
L2_MOST = 1000.0


def tree_params(verdict: str, run: RunRecord) -> dict[str, Any]:
    """The settings of the next trees for ``verdict`` (``bias`` or ``variance``)."""
    base = boosted_trees.settings(run.params)
    if verdict == "bias":
        leaves = int(base["num_leaves"]) * 2
        rows = int(base["min_rows_per_leaf"]) // 2
        l2 = float(base["l2"])
    else:
        leaves = int(base["num_leaves"]) // 2
        rows = int(base["min_rows_per_leaf"]) * 2
        l2 = min(L2_MOST, max(float(base["l2"]), 0.1) * 10)
    return {**base, "num_leaves": min(max(leaves, LEAVES[0]), LEAVES[1]),
            "min_rows_per_leaf": min(max(rows, ROWS_PER_LEAF[0]), ROWS_PER_LEAF[1]),
            "l2": l2}


def tree_move_texts(verdict: str, params: dict[str, Any], run: RunRecord) -> tuple[str, str]:
    """The button label and the explanation of the trees move."""
    # text keys: move.trees_bias, move.trees_variance
    # text keys: move.trees_bias_why, move.trees_variance_why
    why = text(f"move.trees_{verdict}_why", leaves=params["num_leaves"],
               rows=params["min_rows_per_leaf"], l2=params["l2"])
    return text(f"move.trees_{verdict}"), f"{why} {text('move.from_run', label=run.label)}"
