"""The report's tables as pandas DataFrames, built from a ``Project`` alone.

The same frames feed the CSV files and the PDF. Every function returns a frame with its
columns even when the step behind it has not been done yet (then it has no rows), and keeps
the project's numbers untouched: errors stay shares in [0, 1] as the project stores them.

Use:
    runs_table(project)[["id", "dev_error"]]
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from engine.project.project import Project
from engine.words.formatting import is_number
from engine.words.result_tables import error_ladder_table, test_metrics_table
from engine.report.comparison_table import comparisons_table
from engine.report.per_class_table import per_class_table
from engine.report.trial_tables import trials_table

SPLITS = ("train", "train_dev", "dev", "test")
MEASURED = ("params", "size_mb", "latency_ms", "batch_latency_ms", "throughput_per_s")
RUN_COLUMNS = ("id", "model", "label", "status", "created", "after_vault",
               "train_error", "train_dev_error", "dev_error")
CURVE_COLUMNS = ("run", "fraction", "rows", "seed", "train_error", "dev_error", "epochs")
DECISION_COLUMNS = ("time", "kind", "text")
SPLIT_COLUMNS = ("split", "source", "rows", "fraction")


def _number(value: Any) -> float:
    return float(value) if is_number(value) else math.nan


def runs_table(project: Project) -> pd.DataFrame:
    """One row per run: errors per split, the dev value of every metric, measured sizes."""
    metric_names: list[str] = []
    for run in project.runs:
        for name in (run.metrics.get("dev") or {}):
            if name not in metric_names:
                metric_names.append(name)
    metric_columns = [f"dev_{name}" for name in metric_names]
    columns = [*RUN_COLUMNS, *metric_columns, *MEASURED]
    rows = []
    for run in project.runs:
        dev = run.metrics.get("dev") or {}
        row: dict[str, Any] = {
            "id": run.id, "model": run.model, "label": run.label, "status": run.status,
            "created": run.created, "after_vault": bool(run.after_vault),
        }
        for split in ("train", "train_dev", "dev"):
            row[f"{split}_error"] = _number(run.errors.get(split))
        for name in metric_names:
            row[f"dev_{name}"] = _number(dev.get(name))
        for name in MEASURED:
            row[name] = _number(run.measured.get(name))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    frame["after_vault"] = frame["after_vault"].astype(bool)
    return frame


def confusion_table(project: Project) -> pd.DataFrame:
    """Counts with rows = true class, columns = predicted class; no rows while locked."""
    confusion = project.final_test.confusion if project.final_test else None
    labels = [str(label) for label in confusion.labels] if confusion else []
    matrix = confusion.matrix if confusion else ()
    if not project.vault_open or not labels or len(matrix) != len(labels):
        return pd.DataFrame(columns=["true_class", *labels])
    rows = [{"true_class": label, **{p: int(c) for p, c in zip(labels, counts)}}
            for label, counts in zip(labels, matrix)]
    return pd.DataFrame(rows, columns=["true_class", *labels])


def decisions_table(project: Project) -> pd.DataFrame:
    """The decisions log, in the order it was written."""
    rows = [{"time": d.time, "kind": d.kind, "text": d.text} for d in project.decisions]
    return pd.DataFrame(rows, columns=list(DECISION_COLUMNS))


def splits_table(project: Project) -> pd.DataFrame:
    """Each split's source file, size, asked-for share and class counts."""
    split = project.split
    sizes = split.sizes if split is not None else {}
    balance = (split.class_balance if split is not None else None) or {}
    classes: list[str] = []
    for name in SPLITS:
        for label in (balance.get(name) or {}):
            if str(label) not in classes:
                classes.append(str(label))
    class_columns = [f"class_{label}" for label in classes]
    columns = [*SPLIT_COLUMNS, *class_columns]
    if not sizes:
        return pd.DataFrame(columns=columns)
    sources = split.sources
    fractions = split.fractions.to_dict() if split.fractions is not None else {}
    rows = []
    for name in SPLITS:
        if name not in sizes:
            continue
        counts = {str(k): v for k, v in (balance.get(name) or {}).items()}
        row = {"split": name, "source": sources.get(name, "main"),
               "rows": int(sizes[name]), "fraction": _number(fractions.get(name))}
        row.update({f"class_{label}": int(counts.get(label, 0)) for label in classes})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def learning_curve_table(project: Project) -> pd.DataFrame:
    """Every fit of the learning curve: share and number of training rows, seed, both errors."""
    curve = project.learning_curve
    points = curve.points if curve is not None else ()
    rows = [{"run": curve.run, "fraction": _number(p.fraction), "rows": int(p.rows),
             "seed": int(p.seed), "train_error": _number(p.train_error),
             "dev_error": _number(p.dev_error), "epochs": int(p.epochs)}
            for p in points]
    return pd.DataFrame(rows, columns=list(CURVE_COLUMNS))


# File name (without .csv) -> builder, in the order the README lists them.
TABLES = {
    "runs": runs_table,
    "trials": trials_table,
    "test_metrics": test_metrics_table,
    "error_ladder": error_ladder_table,
    "confusion_matrix": confusion_table,
    "per_class": per_class_table,
    "comparisons": comparisons_table,
    "decisions": decisions_table,
    "splits": splits_table,
    "learning_curve": learning_curve_table,
}


def all_tables(project: Project) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by its CSV file name (without ``.csv``)."""
    return {name: build(project) for name, build in TABLES.items()}
