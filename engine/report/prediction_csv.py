"""Writing the prediction files of the CSV report: ``predictions_dev.csv`` always,
``predictions_test.csv`` only once the vault is open.

While the vault is locked no test row is read and no test file is written; a test file
left in the folder by an earlier export of another project is removed, so the folder never
shows test predictions of a project whose test set is still locked. When the model or the
data file cannot be read, the file gets its columns but no rows and the README says why.

Use:
    paths, notes = export_predictions(project, project.reports_dir / "csv")
"""

from __future__ import annotations

from pathlib import Path

from engine.core import atomic
from engine.core.errors import PracticaError
from engine.project.project import Project
from engine.words.formatting import t
from engine.report.prediction_tables import empty_table, prediction_run, predictions_table

PREDICTION_FILES = ("predictions_dev", "predictions_test")


def export_predictions(project: Project, folder: Path) -> tuple[list[Path], tuple[str, ...]]:
    """Write the prediction files into ``folder``.

    Returns:
        The paths written, and plain remarks for the README (a file left without rows).
    """
    written, notes = [], []
    for split in ("dev", "test"):
        path = folder / f"predictions_{split}.csv"
        if split == "test" and not project.vault_open:
            path.unlink(missing_ok=True)
            continue
        try:
            frame = predictions_table(project, split)
        except (PracticaError, OSError, ValueError, KeyError) as error:
            frame = empty_table(project)
            notes.append(t("csv.predictions_failed", file=path.name, reason=error))
        else:
            if prediction_run(project, split) is None:
                notes.append(t(f"csv.predictions_none_{split}", file=path.name))
        atomic.write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    return written, tuple(notes)
