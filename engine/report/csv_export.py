"""The report's tables as CSV files, with a README that explains every column in plain words.

Numbers keep every digit (pandas writes the shortest text that reads back as the same
float), so a spreadsheet or a script gets exactly the project's values. Each file is
written atomically: a reader sees the old file or the new one, never half of one.

Use:
    export_csv(project, project.reports_dir / "csv")
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from engine.core import atomic
from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag
from engine.goal.decision import rule_for
from engine.project.project import Project, chosen_run
from engine.words.formatting import t
from engine.report.prediction_csv import PREDICTION_FILES, export_predictions
from engine.report.tables import TABLES, all_tables
from engine.report.vault_checks import check_notes
from engine.diagnosis.error_tags import tags_frame
from engine.diagnosis.importance import load_importance, shares

README = "README.txt"


def export_csv(project: Project, folder: str | Path,
               cancel: CancelFlag = NEVER) -> tuple[Path, ...]:
    """Write one CSV per report table and ``README.txt`` into ``folder``.

    Args:
        project: the project to describe.
        folder: where the files go; made if missing. Existing files are replaced.
        cancel: checked before each file; a stop leaves every file whole (old or new).

    Returns:
        The paths written: the CSV files in the README's order, then the README.
        ``predictions_test.csv`` is written only once the vault is open.
    """
    folder = Path(folder)
    written = []
    for name, frame in all_tables(project).items():
        _check(cancel)
        path = folder / f"{name}.csv"
        atomic.write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)

    path = folder / "error_tags.csv"
    atomic.write_text(path, tags_frame(project).to_csv(index=False, lineterminator="\n"))
    written.append(path)
    _check(cancel)
    paths, notes = export_predictions(project, folder)  # dev rows; test rows once seen
    written += paths
    importance = importance_frame(project)  # only when it was measured
    if importance is not None:
        atomic.write_text(folder / "importance.csv",
                          importance.to_csv(index=False, lineterminator="\n"))
        written.append(folder / "importance.csv")
        notes = (*notes, t("csv.importance"))
    costs = costs_frame(project)  # only when the goal has a cost table
    if costs is not None:
        atomic.write_text(folder / "costs.csv", costs.to_csv(index=False, lineterminator="\n"))
        written.append(folder / "costs.csv")
        notes = (*notes, t("csv.costs"))
    threshold = threshold_frame(project)  # only when a decision threshold was chosen
    if threshold is not None:
        atomic.write_text(folder / "threshold.csv",
                          threshold.to_csv(index=False, lineterminator="\n"))
        written.append(folder / "threshold.csv")
        notes = (*notes, t("csv.threshold"))
    atomic.write_text(folder / README, readme_text((*check_notes(project), *notes)))
    written.append(folder / README)
    return tuple(written)


def importance_frame(project: Project) -> pd.DataFrame | None:
    """The chosen run's saved input importance, most important first; None when it was
    never measured (``practica explain``)."""
    result = load_importance(project)
    if result is None:
        return None
    return pd.DataFrame({
        "rank": range(1, len(result.inputs) + 1),
        "input": [i.name for i in result.inputs], "part": [i.part for i in result.inputs],
        "mean": [i.mean for i in result.inputs], "low": [i.low for i in result.inputs],
        "high": [i.high for i in result.inputs], "share": shares(result.inputs),
        "run": result.run, "metric": result.metric, "method": result.method,
        "repeats": result.repeats})


def costs_frame(project: Project) -> pd.DataFrame | None:
    """The goal's cost table, one row per (truth, answer) pair; None without one."""
    goal = project.goal
    if goal is None or goal.costs is None:
        return None
    table = goal.costs
    return pd.DataFrame([{"truth": truth, "answer": answer, "cost": float(table.matrix[i][j]),
                          "unit": table.unit}
                         for i, truth in enumerate(table.labels)
                         for j, answer in enumerate(table.labels)])


def threshold_frame(project: Project) -> pd.DataFrame | None:
    """The decision threshold the chosen model answers by (the one the final test used,
    once tested), one row per figure with its dev value and its test value and interval;
    None without a threshold."""
    run = chosen_run(project)
    final = project.final_test
    tested = final is not None and run is not None and final.run == run.id
    rule = final.decision if tested else rule_for(project.decision_rule,
                                                  run.id if run else None)
    if rule is None or rule.threshold is None:
        return None
    choice = rule.threshold
    rows = []
    for name, dev in choice.dev.items():
        entry = final.metrics.get(name) if tested else None
        rows.append({"figure": name, "dev": dev,
                     "test": entry.value if entry else None,
                     "test_low": entry.low if entry else None,
                     "test_high": entry.high if entry else None})
    frame = pd.DataFrame(rows, columns=["figure", "dev", "test", "test_low", "test_high"])
    frame["threshold"] = choice.value
    frame["rule"] = choice.rule
    frame["constraint"] = choice.constraint
    frame["run"] = rule.run
    frame["calibration"] = rule.calibration.method if rule.calibration else ""
    frame["after_test_seen"] = rule.after_test_seen
    return frame


def _check(cancel: CancelFlag) -> None:
    if cancel.is_set():
        raise JobCancelled("report cancelled")


def readme_text(notes: tuple[str, ...] = ()) -> str:
    """The README: what the files are, then each file's columns, then remarks on this export."""
    parts = [t("csv.readme")] + [t(f"csv.{name}") for name in TABLES] + [t("csv.error_tags")]
    # text keys: report.csv.{decisions,runs,splits,trials}, report.csv.confusion_matrix
    # text keys: report.csv.error_ladder, report.csv.learning_curve, report.csv.per_class
    # text keys: report.csv.comparisons
    # text keys: report.csv.predictions_{dev,test}, report.csv.test_metrics
    parts += [t(f"csv.{name}") for name in PREDICTION_FILES] + list(notes)
    return "\n\n".join(parts) + "\n"
