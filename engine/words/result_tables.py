"""The result tables both the pages and the report show: test metrics and the error ladder.

Each is a pandas DataFrame built from a ``Project`` alone, with its columns even when the
step behind it has not been done yet (then it has no rows). Numbers stay as the project
stores them (errors as shares in [0, 1]); the ``formatting`` functions turn them into text.

Use:
    list(error_ladder_table(project).columns)
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from engine.project.project import Project
from engine.words.formatting import error_is_share, is_number
from engine.project.parts.goal import Goal

TEST_COLUMNS = ("metric", "value", "low", "high", "confidence", "method")
LADDER_COLUMNS = ("step", "error", "error_percent", "gap_name", "gap_value")
# Which gap ends at which rung of the ladder (engine/diagnosis/ladder.py names them the same way).
GAP_AT_RUNG = {"train": "avoidable_bias", "train_dev": "variance", "dev": "mismatch",
               "test": "dev_overfit"}


def _number(value: Any) -> float:
    return float(value) if is_number(value) else math.nan


def test_metrics_table(project: Project) -> pd.DataFrame:
    """Test value and interval of every metric; no rows while the vault is locked."""
    final = project.final_test
    if not project.vault_open or final is None or not final.metrics:
        return pd.DataFrame(columns=list(TEST_COLUMNS))
    confidence = _number(final.confidence)
    metrics = final.metrics
    first = final.metric or (project.goal or Goal()).metric
    order = ([first] if first in metrics else []) + [m for m in metrics if m != first]
    rows = []
    for name in order:
        entry = metrics[name]
        rows.append({"metric": name, "value": _number(entry.value),
                     "low": _number(entry.low), "high": _number(entry.high),
                     "confidence": confidence, "method": entry.method})
    return pd.DataFrame(rows, columns=list(TEST_COLUMNS))


def error_ladder_table(project: Project) -> pd.DataFrame:
    """The diagnosis' error ladder: each rung's error and the gap that ends at it."""
    diagnosis = project.diagnosis
    ladder = diagnosis.ladder if diagnosis is not None else ()
    if not ladder:
        return pd.DataFrame(columns=list(LADDER_COLUMNS))
    share = error_is_share((project.goal or Goal()).metric)
    gaps = diagnosis.gaps
    names = [r.name for r in ladder]
    rows = []
    previous = None
    for row in ladder:
        name = row.name
        error = _number(row.error)
        gap = GAP_AT_RUNG.get(name) if previous is not None else None
        if name == "dev" and "train_dev" not in names:
            gap = "variance"  # without a train-dev set, dev - train is the variance
        if gap == "dev_overfit" and "dev_overfit" in gaps and gaps["dev_overfit"] is None:
            gap = None  # not read: the test rung is a model trained again on the dev rows
        gap_value = math.nan
        if gap:
            given = gaps.get(gap)
            gap_value = float(given) if is_number(given) else error - previous
        rows.append({"step": name, "error": error,
                     "error_percent": 100 * error if share and is_number(error) else math.nan,
                     "gap_name": gap or "", "gap_value": gap_value})
        previous = error
    return pd.DataFrame(rows, columns=list(LADDER_COLUMNS))
