"""The tuning search as the report reads it: the study's summary and its trial table.

The summary (``engine.tuning.summary``) is the small JSON file the search keeps beside its
journal. When trials were added after it was last written (a worker on the command line,
say), it is rebuilt from the journal for the report without being saved, so the PDF and
``trials.csv`` always count every trial. No search at all gives ``None`` and a table with
its columns but no rows.

Use:
    trials_table(project)[["trial", "dev_error", "best"]]
"""

from __future__ import annotations

import pandas as pd

from engine.project.project import Project
from engine.tuning.summary import current_summary, summary_is_stale
from engine.tuning.table import COLUMNS, trials_frame
from engine.tuning.summary import study_summary
from engine.tuning.summary_types import TuningSummary


def report_summary(project: Project) -> TuningSummary | None:
    """The project's study, or None when no search was ever started."""
    # Imported here to keep Optuna out of start-up.
    from engine.tuning.study import journal_path

    summary = current_summary(project.root)  # a database study: rebuilt from it
    if (journal_path(project.root).is_file() and summary_is_stale(project.root)
            and not (summary is not None and summary.storage)):
        try:
            summary = study_summary(project.root)
        except Exception:  # noqa: BLE001 - an unreadable journal: keep the saved summary
            pass
    if summary is None or not summary.exists:
        return None
    return summary


def trials_table(project: Project, summary: TuningSummary | None = None) -> pd.DataFrame:
    """One row per trial (``engine.tuning.table.trials_frame``), plus ``after_vault``: True
    for a trial whose run was made after the test set was seen."""
    summary = summary if summary is not None else report_summary(project)
    frame = trials_frame(summary)
    late = {r.id for r in project.runs if r.after_vault}
    at = list(frame.columns).index("run_id") + 1
    frame.insert(at, "after_vault", frame["run_id"].astype(str).isin(late).astype(bool))
    return frame


TRIAL_COLUMNS = (*COLUMNS[:COLUMNS.index("run_id") + 1], "after_vault",
                 *COLUMNS[COLUMNS.index("run_id") + 1:])
"""The fixed columns of ``trials.csv``, in order; the searched settings follow them."""
