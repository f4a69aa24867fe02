"""The trial table of a tuning study: one row per trial, one column per setting searched.

Built from the summary (``engine.tuning.summary``), so the Tune page's CSV export, the
report's CSV files and the PDF show the same table.

Use:
    write_trials_csv(read_summary(project_dir), "trials.csv")
"""

from __future__ import annotations

import io
import os
from typing import Any

import pandas as pd

from engine.core.atomic import write_text

COLUMNS = ("trial", "round", "state", "dev_error", "best", "feasible", "broken_limits",
           "epochs", "seconds", "run_id", "worker")


def trials_frame(summary: dict[str, Any] | None) -> pd.DataFrame:
    """The trials of ``summary`` in trial order (numbered from 1): the fixed ``COLUMNS``, then one column
    per setting any trial searched (empty where a trial did not search it)."""
    trials = sorted((summary or {}).get("trials") or [], key=lambda t: t["number"])
    best = ((summary or {}).get("best") or {}).get("number")
    params: list[str] = []
    for t in trials:
        params += [p for p in t.get("params", {}) if p not in params]
    rows = []
    for t in trials:
        row = {"trial": t["number"] + 1, "round": t.get("round", 1), "state": t["state"],
               "dev_error": t.get("value"), "best": t["number"] == best,
               "feasible": t.get("feasible"), "broken_limits": "; ".join(t.get("broken", [])),
               "epochs": t.get("epochs"), "seconds": t.get("seconds"),
               "run_id": t.get("run_id", ""), "worker": t.get("worker", "")}
        row.update({p: t.get("params", {}).get(p) for p in params})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*COLUMNS, *params])


def write_trials_csv(summary: dict[str, Any] | None, path: str | os.PathLike) -> None:
    """Write the trial table to ``path`` atomically (a header only when no trial ran)."""
    buffer = io.StringIO()
    trials_frame(summary).to_csv(buffer, index=False)
    write_text(path, buffer.getvalue())
