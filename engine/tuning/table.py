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
FOLD_COLUMNS = ("fold_mean_error", "fold_spread", "fold_errors")
"""After ``dev_error`` in a search with k-fold: the trial's score (the mean over the folds),
its spread and the errors themselves; ``dev_error`` is then its own run's dev error."""


def trials_frame(summary: TuningSummary | None) -> pd.DataFrame:
    """The trials of ``summary`` in trial order (numbered from 1): the fixed ``COLUMNS`` (with
    ``FOLD_COLUMNS`` in a search with k-fold), then one column per setting any trial
    searched (empty where a trial did not search it)."""
    folds = bool(summary and summary.settings and summary.settings.kfold)
    trials = sorted(summary.trials if summary else (), key=lambda t: t.number)
    best = summary.best_number if summary else None
    params: list[str] = []
    for t in trials:
        params += [p for p in t.params if p not in params]
    rows = []
    for t in trials:
        row = {"trial": t.number + 1, "round": t.round, "state": t.state,
               "dev_error": t.run_dev_error if folds else t.value, "best": t.number == best,
               "feasible": t.feasible, "broken_limits": "; ".join(t.broken),
               "epochs": t.epochs, "seconds": t.seconds,
               "run_id": t.run_id, "worker": t.worker}
        if folds:
            row.update(fold_mean_error=t.value, fold_spread=t.fold_spread,
                       fold_errors=" ".join(f"{e:.6g}" for e in t.fold_errors))
        row.update({p: t.params.get(p) for p in params})
        rows.append(row)
    at = COLUMNS.index("dev_error") + 1
    fixed = [*COLUMNS[:at], *FOLD_COLUMNS, *COLUMNS[at:]] if folds else list(COLUMNS)
    return pd.DataFrame(rows, columns=[*fixed, *params])


def write_trials_csv(summary: TuningSummary | None, path: str | os.PathLike) -> None:
    """Write the trial table to ``path`` atomically (a header only when no trial ran)."""
    buffer = io.StringIO()
    trials_frame(summary).to_csv(buffer, index=False)
    write_text(path, buffer.getvalue())
