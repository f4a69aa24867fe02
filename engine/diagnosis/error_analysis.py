"""Error analysis (step 4): the chosen model's mistakes on the dev rows, ready to look at.

The chosen run predicts the dev rows. For classification a mistake is a row whose predicted
class is not its true class; for regression the mistakes are the largest absolute errors
(the worst 10%, at most 100). Up to 100 mistakes are sampled, in proportion to their true
class (every class with a mistake gets at least one, seeded so the same mistakes give the
same sample), for the user to look at and tag (``engine.diagnosis.error_tags``). Beside them: the
most confident mistakes, the confusion matrix with the row numbers of each cell (so the
GUI can show a cell's examples), and suspected label errors (``engine.diagnosis.label_issues``).

Row numbers are those of the file the dev rows come from (the main file, or the data you
care about when there is one): they stay the same when the analysis is made again.

Use:
    analysis = analyse_errors(project)
    analysis.mistakes, len(analysis.examples)
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.split.datasets import split_frame, split_rows, target_values
from engine.project.decisions import now_iso
from engine.core.errors import JobCancelled, ProjectError
from engine.goal.decision import decided, rule_for
from engine.kinds.input_coding import data_kind
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.data.sound_picture import SPECTROGRAMS_DIR, spectrogram_png
from engine.diagnosis.label_issues import find_label_issues
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.parts.error_analysis import (ConfusionCells, ErrorAnalysisRecord, ErrorCase,
                                                 SuspectCheck)
from engine.project.parts.goal import Goal
from engine.project.project import Project
from engine.project.fingerprints import judging_key, split_key
from engine.core.texts import text
from engine.kinds.registry import kind_of

MAX_EXAMPLES = 100
MOST_CONFIDENT = 10
REGRESSION_SHARE = 0.10
CELL_ROWS = 100      # row numbers kept per confusion cell
CELL_SHOWN = 10      # examples kept per off-diagonal cell, beyond the sample
MAX_CELL_EXAMPLES = 200


def analyse_errors(project: Project, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                   seed: int = 0) -> ErrorAnalysisRecord:
    """Collect the chosen run's dev mistakes and store them as ``project.error_analysis``.

    Args:
        project: a project with a chosen run (see ``engine.diagnosis.step``).
        progress: receives ``StageStarted`` events.
        cancel: checked between stages.
        seed: for the sample of mistakes and the label check.

    Returns:
        The analysis (also saved in the project).

    Raises:
        ProjectError: no run is chosen yet.
    """
    if not project.chosen_run:
        raise ProjectError(text("error_analysis.no_choice"))
    run = project.run(project.chosen_run)
    goal = project.goal or Goal()
    task = goal.task
    progress(StageStarted("predict", text("error_analysis.stage_predict", label=run.label)))
    prep = load_preprocessor(project)
    frame = split_frame(project, "dev")
    y_true = target_values(project, frame)
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    # The mistakes are those of the decision rule (calibration, threshold) the model answers by.
    preds = decided(goal, rule_for(project.decision_rule, run.id), y_true,
                    predictor.scores(prep.transform(frame)))
    if cancel.is_set():
        raise JobCancelled()
    rows = frame.index.to_numpy(dtype=np.int64)
    shown = _Shower(project, frame)
    fields: dict[str, Any] = {
        "run": run.id, "label": run.label, "judged_by": judging_key(project),
        "split": split_key(project), "created": now_iso(), "task": task,
        "data_kind": data_kind(project), "source": str(split_rows(project)["dev"]["source"] or ""),
        "seed": seed, "rows": int(len(rows)), "metric": goal.metric,
        "metric_error": run.errors.get("dev"),
    }
    if task == "regression":
        fields.update(_regression_part(preds, rows, shown))
        issues = find_label_issues(project, rows, None, y_true)
    else:
        labels = [str(v) for v in goal.labels]
        fields.update(_classification_part(preds, rows, labels, shown, seed))
        if cancel.is_set():
            raise JobCancelled()
        issues = find_label_issues(project, rows, preds.proba, y_true, progress, cancel, seed)
    check = SuspectCheck.from_dict({k: v for k, v in issues.to_dict().items()
                                    if k != "suspects"})
    analysis = ErrorAnalysisRecord(**fields, suspects=tuple(issues.suspects),
                                   suspect_check=check)
    project.error_analysis = analysis
    project.log("error_analysis", text("error_analysis.decision", label=run.label,
                                       mistakes=analysis.mistakes, rows=analysis.rows,
                                       shown=len(analysis.examples)))
    project.save()
    return analysis


def analysis_state(project: Project) -> str:
    """``missing``, ``stale`` (another run is chosen, or the split changed) or ``current``.

    How runs are judged (metric, target error) does not matter here: the mistakes of a run
    stay the same."""
    analysis = project.error_analysis
    if not analysis:
        return "missing"
    if (analysis.run != project.chosen_run
            or analysis.split != split_key(project)
            or analysis.run not in {r.id for r in project.runs}):
        return "stale"
    return "current"


# ----- choosing the mistakes
def allocate(counts: Sequence[int], limit: int = MAX_EXAMPLES) -> np.ndarray:
    """How many mistakes to take from each class: in proportion to ``counts``, at least one
    from each class that has any, ``limit`` in all (largest remainders get the rest).

    With more classes than ``limit``, the ``limit`` classes with most mistakes get one each.

    Example:
        >>> allocate([50, 30, 0, 1], limit=10).tolist()
        [5, 4, 0, 1]
    """
    counts = np.asarray(counts, dtype=int)
    total = int(counts.sum())
    if total <= limit:
        return counts.copy()
    having = np.flatnonzero(counts > 0)
    out = np.zeros(len(counts), dtype=int)
    if len(having) >= limit:
        top = having[np.argsort(-counts[having], kind="stable")[:limit]]
        out[top] = 1
        return out
    out[having] = 1
    spare = limit - len(having)
    rest = counts - out
    exact = rest * spare / rest.sum()
    extra = np.floor(exact).astype(int)
    left = spare - int(extra.sum())
    order = np.argsort(-(exact - extra), kind="stable")
    extra[order[:left]] += 1
    return out + np.minimum(extra, rest)


def stratified_sample(groups: Sequence, limit: int = MAX_EXAMPLES, seed: int = 0) -> np.ndarray:
    """Positions of at most ``limit`` items, drawn per group by ``allocate`` (seeded).

    Args:
        groups: the group (true class) of each item.

    Returns:
        The chosen positions, sorted.
    """
    groups = np.asarray(list(groups), dtype=object)
    names = list(dict.fromkeys(groups.tolist()))
    members = [np.flatnonzero(groups == name) for name in names]
    take = allocate([len(m) for m in members], limit)
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(m, k, replace=False) for m, k in zip(members, take) if k]
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=int)


def worst_errors(abs_errors: np.ndarray, share: float = REGRESSION_SHARE,
                 cap: int = MAX_EXAMPLES) -> np.ndarray:
    """Positions of the largest absolute errors: the worst ``share`` (at least one, at most
    ``cap``), largest first."""
    abs_errors = np.asarray(abs_errors, dtype=float)
    if len(abs_errors) == 0:
        return np.zeros(0, dtype=int)
    k = min(cap, max(1, math.ceil(share * len(abs_errors))))
    return np.argsort(-abs_errors, kind="stable")[:k]


def confusion_cells(y_true, y_pred, labels: list[str], rows: np.ndarray,
                    cap: int = CELL_ROWS) -> ConfusionCells:
    """The confusion matrix (rows = true class, columns = predicted), each count as a share
    of its true class (``shares``, 0 for a class without rows) and, for each cell with
    examples, their row numbers (at most ``cap``) keyed ``"i,j"``."""
    # Imported here to keep scikit-learn out of start-up (the GUI shows stored analyses).
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = confusion_matrix(y_true, y_pred, labels=labels, normalize="true")
    index = {label: i for i, label in enumerate(labels)}
    cells: dict[str, list[int]] = {}
    for truth, guess, row in zip(y_true, y_pred, rows):
        i, j = index.get(str(truth)), index.get(str(guess))
        if i is None or j is None:
            continue
        cell = cells.setdefault(f"{i},{j}", [])
        if len(cell) < cap:
            cell.append(int(row))
    return ConfusionCells.from_dict({"labels": labels, "matrix": matrix.tolist(),
                                     "shares": np.nan_to_num(shares).round(6).tolist(),
                                     "cells": cells})


def _classification_part(preds, rows: np.ndarray, labels: list[str], shown: "_Shower",
                         seed: int) -> dict[str, Any]:
    y_true = np.array([str(v) for v in preds.y_true], dtype=object)
    y_pred = np.array([str(v) for v in preds.y_pred], dtype=object)
    proba = np.asarray(preds.proba, dtype=float)
    index = {label: i for i, label in enumerate(labels)}
    wrong = np.flatnonzero(y_true != y_pred)
    # The probability of the answer given (with a threshold, not always the largest one).
    cols = np.array([index.get(p, -1) for p in y_pred], dtype=int)
    confidence = np.where(cols >= 0, proba[np.arange(len(proba)), np.clip(cols, 0, None)],
                          proba.max(axis=1)) if len(proba) else np.zeros(0)
    p_true = np.array([proba[k, index[t]] if t in index else np.nan
                       for k, t in enumerate(y_true)])

    def case(k: int) -> ErrorCase:
        return ErrorCase(row=int(rows[k]), true=y_true[k], predicted=y_pred[k],
                         confidence=float(confidence[k]),
                         p_true=None if math.isnan(p_true[k]) else float(p_true[k]),
                         **shown(int(rows[k])))

    picked = wrong[stratified_sample(y_true[wrong], MAX_EXAMPLES, seed)]
    order = {label: i for i, label in enumerate(labels)}
    picked = sorted(picked, key=lambda k: (order.get(y_true[k], len(order)), -confidence[k]))
    confident = wrong[np.argsort(-confidence[wrong], kind="stable")[:MOST_CONFIDENT]]
    confusion = confusion_cells(y_true, y_pred, labels, rows)
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.metrics import accuracy_score

    error_rate = 1.0 - float(accuracy_score(y_true, y_pred)) if len(y_true) else math.nan
    in_sample = {int(rows[k]) for k in picked}
    extra: list[int] = []
    position = {int(r): k for k, r in enumerate(rows)}
    for key, cell_rows in confusion.cells.items():
        i, j = (int(v) for v in key.split(","))
        if i == j:
            continue
        for row in [r for r in cell_rows if r not in in_sample][:CELL_SHOWN]:
            if len(extra) < MAX_CELL_EXAMPLES:
                extra.append(position[row])
    return {"mistakes": int(len(wrong)),
            "mistake_rows": tuple(sorted(int(rows[k]) for k in wrong)),
            "dev_error": error_rate, "mistakes_error": error_rate,
            "examples": tuple(case(k) for k in picked),
            "confident": tuple(case(k) for k in confident),
            "cell_examples": tuple(case(k) for k in extra), "confusion": confusion}


def _regression_part(preds, rows: np.ndarray, shown: "_Shower") -> dict[str, Any]:
    y_true = np.asarray(preds.y_true, dtype=float)
    y_pred = np.asarray(preds.y_pred, dtype=float)
    signed = y_pred - y_true
    worst = worst_errors(np.abs(signed))

    def case(k: int) -> ErrorCase:
        return ErrorCase(row=int(rows[k]), true=float(y_true[k]), predicted=float(y_pred[k]),
                         error=float(signed[k]), **shown(int(rows[k])))

    # Imported here to keep scikit-learn out of start-up.
    from sklearn.metrics import mean_absolute_error

    n = len(y_true)
    return {"mistakes": int(len(worst)),
            "mistake_rows": tuple(sorted(int(rows[k]) for k in worst)),
            "dev_error": float(mean_absolute_error(y_true, y_pred)) if n else math.nan,
            "mistakes_error": float(np.abs(signed[worst]).sum() / n) if n else math.nan,
            "examples": tuple(case(k) for k in worst),
            "confident": tuple(case(k) for k in worst[:MOST_CONFIDENT]),
            "cell_examples": (), "confusion": None}


# ----- what a person sees of a row
class _Shower:
    """Turns a dev row into what is shown of it, as its data kind shows an example: short
    feature values, the text, a series' first steps, the image's path, or a recording's path
    and the picture of its spectrogram (drawn once into the project's ``spectrograms/``)."""

    def __init__(self, project: Project, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.pictures = Path(project.root) / SPECTROGRAMS_DIR
        goal = project.goal or Goal()
        source = project.source(split_rows(project)["dev"]["source"]) or project.source("main")
        root = Path(source.path) if source is not None else Path(".")
        features = [c for c in project.features if c in frame.columns]
        self.show = kind_of(project).example_shower(features, goal.text_column, root)

    def __call__(self, row: int) -> dict[str, Any]:
        shown = self.show(self.frame.loc[row])
        if shown.get("sound"):
            picture = spectrogram_png(shown["sound"], self.pictures)
            shown["image"] = str(picture) if picture is not None else None
        return shown


# ----- reading an analysis
def case_lookup(analysis: ErrorAnalysisRecord | None) -> dict[int, ErrorCase]:
    """Every example the analysis can show, by row number."""
    out: dict[int, ErrorCase] = {}
    if analysis is None:
        return out
    for cases in (analysis.cell_examples, analysis.confident, analysis.examples):
        for case in cases:
            out[case.row] = case
    return out


def cell_examples(analysis: ErrorAnalysisRecord | None, i: int, j: int) -> list[ErrorCase]:
    """The examples of confusion cell (true class ``i``, predicted ``j``) that can be
    shown: the sampled ones first, then the others kept for that cell."""
    if analysis is None or analysis.confusion is None:
        return []
    rows = analysis.confusion.rows_of(i, j)
    wanted = set(rows)
    lookup = case_lookup(analysis)
    sampled = [c for c in analysis.examples if c.row in wanted]
    seen = {c.row for c in sampled}
    others = [lookup[r] for r in rows if r in lookup and r not in seen]
    return sampled + others


def cell_count(analysis: ErrorAnalysisRecord | None, i: int, j: int) -> int:
    """How many dev rows fall in confusion cell (``i``, ``j``)."""
    if analysis is None or analysis.confusion is None:
        return 0
    return analysis.confusion.count(i, j)


def case_line(case: ErrorCase, limit: int = 6) -> str:
    """The example in one line of text: its text, its file, or ``name=value`` pairs."""
    if case.text is not None:
        return " ".join(str(case.text).split())
    if case.image:
        return str(case.values.get("file") or Path(case.image).name)
    pairs = [f"{k}={v}" for k, v in list(case.values.items())[:limit]]
    return ", ".join(pairs) + (", \u2026" if len(case.values) > limit else "")


def case_details(case: ErrorCase) -> str:
    """Everything stored about an example, one ``name: value`` per line (for a tooltip)."""
    lines = [f"{k}: {v}" for k, v in case.values.items()]
    if case.text is not None:
        lines.append(str(case.text))
    return "\n".join(lines)
