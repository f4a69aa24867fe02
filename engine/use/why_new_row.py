"""Why the model answered one row of the user's new data as it did (the Use page).

The new data is read as for predicting (``engine.use.new_data``: while the vault is closed,
the project's test rows are left out, so row numbers are those of the predictions table);
the chosen model then explains its answer for the row the user picked
(``engine.diagnosis.why_example.why_of_row``), reading no other row. A picture's overlay
goes to the project's ``predictions/why/`` folder.

Use:
    why = explain_new_row(project, "new_customers.csv", 0)
    why.lines
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from engine.core.errors import DataError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.diagnosis.why_example import WhyExample, why_of_row
from engine.goal.decision import rule_for
from engine.kinds.registry import data_kind
from engine.project.project import Project
from engine.use.new_data import read_new_data
from engine.use.prediction_job import PREDICTIONS_DIR
from engine.use.usable_model import load_usable


def explain_new_row(project: Project, path: str | Path, row: int, run_id: str | None = None,
                    progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> WhyExample:
    """Explain the answer for row ``row`` (0 = the first row of the predictions) of the new
    data at ``path``.

    Raises:
        DataError: the file cannot be read (see ``read_new_data``) or has no such row.
        ProjectError: no model is chosen or it cannot be used (see ``load_usable``).
    """
    started = time.perf_counter()
    usable = load_usable(project, run_id)
    progress(StageStarted("explain", text("why.stage", label=usable.label, row=int(row) + 1)))
    data = read_new_data(usable, path, cancel)
    if not 0 <= int(row) < len(data.frame):
        raise DataError(text("why.not_new_row", row=int(row) + 1, rows=len(data.frame)))
    predictor = dataclasses.replace(usable.predictor, preprocessor=data.coding)
    out = project.root / PREDICTIONS_DIR / "why" / f"{Path(path).stem}-row-{int(row) + 1}.png"
    return why_of_row(predictor, data_kind(usable.data_kind).explained_by,
                      data.frame.iloc[[int(row)]], usable.run, usable.label,
                      overlay_to=out, progress=progress, cancel=cancel, started=started,
                      rule=rule_for(project.decision_rule, usable.run), goal=project.goal)
