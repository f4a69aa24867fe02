"""The runs a tuning search trains, marked as such in their ``run.json``.

A trial's run is an ordinary run (it shows with the others and can be chosen), but its
label starts with the trial number, and a run the pruner stopped is saved with status
``pruned`` and without its checkpoint: it was stopped on purpose as a poor setting, so
it is neither "stopped by you" nor offered for resuming.

Use:
    mark_trial_run(project_dir, "20261122-101010-mlp", trial=7, pruned=True)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from engine.training.checkpoint_store import remove_checkpoint
from engine.project.run_record import RUN_FILE, RunRecord
from engine.core.texts import text

PRUNED = "pruned"


def mark_trial_run(project_dir: str | os.PathLike, run_id: str, trial: int,
                   pruned: bool) -> None:
    """Label run ``run_id`` with its trial number (counted from 1) and, when the search
    stopped it, mark it ``pruned`` and drop its checkpoint. A missing run is left alone."""
    folder = Path(project_dir) / "runs" / run_id
    path = folder / RUN_FILE
    if not run_id or not path.is_file():
        return
    record = RunRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
    prefix = text("tuning.run_label", trial=trial, label="")
    label = record.label if record.label.startswith(prefix) else \
        text("tuning.run_label", trial=trial, label=record.label)
    status, message = record.status, record.message
    if pruned:
        status, message = PRUNED, text("tuning.run_pruned", trial=trial)
        remove_checkpoint(folder)
    record = RunRecord.from_dict({**record.to_dict(), "label": label, "status": status,
                                  "message": message})
    record.save(folder)
