"""The trial table of a tuning study: one row per trial, one column per setting searched.

Built from the summary (``engine.tuning.summary``), so the Tune page's CSV export, the
report's CSV files and the PDF show the same table.

Use:
    write_trials_csv(read_summary(project_dir), "trials.csv")
"""

from __future__ import annotations

import io
import os

import pandas as pd

from engine.core.atomic import write_text
from engine.tuning.summary_types import TuningSummary

COLUMNS = ("trial", "round", "state", "dev_error", "best", "feasible", "broken_limits",
           "epochs", "seconds", "run_id", "worker")


def trials_frame(summary: TuningSummary | None) -> pd.DataFrame:
    """The trials of ``summary`` in trial order (numbered from 1): the fixed ``COLUMNS``, then one column
    per setting any trial searched (empty where a trial did not search it)."""
    trials = sorted(summary.trials if summary else (), key=lambda t: t.number)
    best = summary.best_number if summary else None
    params: list[str] = []
    for t in trials:
        params += [p for p in t.params if p not in params]
    rows = []
    for t in trials:
        row = {"trial": t.number + 1, "round": t.round, "state": t.state,
               "dev_error": t.value, "best": t.number == best,
               "feasible": t.feasible, "broken_limits": "; ".join(t.broken),
               "epochs": t.epochs, "seconds": t.seconds,
               "run_id": t.run_id, "worker": t.worker}
        row.update({p: t.params.get(p) for p in params})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*COLUMNS, *params])


def write_trials_csv(summary: TuningSummary | None, path: str | os.PathLike) -> None:
    """Write the trial table to ``path`` atomically (a header only when no trial ran)."""
    buffer = io.StringIO()
    trials_frame(summary).to_csv(buffer, index=False)
    write_text(path, buffer.getvalue())
