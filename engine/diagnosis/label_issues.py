"""Suspected label errors: rows whose given class looks wrong to a model that never saw them.

This follows the idea of confident learning (Northcutt, Jiang and Chuang, 2021). Each row
needs class probabilities from a model that did not learn from that row:

* the training rows get them by 5-fold cross-validation (scikit-learn's
  ``cross_val_predict``) of a logistic regression on the project's coded inputs, flattened
  the way the linear baseline sees them;
* the dev rows get the chosen model's own probabilities: it never trained on them.

Per class j the threshold is the mean probability of j over the rows labelled j (how sure
the model usually is of that class). A row is suspect when the probability of its given
label is under that label's threshold while another class is over its own threshold; the
suggested label is the most probable such class. Suspects are ranked by the margin
(probability of the suggested label minus that of the given one). Thresholds are computed
within each group of rows (train, dev), because the two models are not calibrated alike.

Use:
    flagged = flag_issues(proba, given)
    flagged.positions[:3], flagged.suggested[:3]
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from engine.project.parts.error_analysis import Suspect
from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.project.parts.goal import Goal
from engine.kinds.preprocess_store import load_preprocessor
from engine.split.datasets import split_frame, target_values

N_FOLDS = 5
MAX_SUSPECTS = 30
MAX_CELLS = 4_000_000  # rows x inputs the training check may use; more rows are sampled
MIN_ROWS = 50          # fewer training rows than this (after sampling): no training check


@dataclass(frozen=True)
class LabelIssues:
    """The suspects (best first), how many rows each split had checked and flagged, and
    plain notes on any part that was skipped or sampled."""

    suspects: tuple[Suspect, ...] = ()
    checked: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"suspects": [s.to_dict() for s in self.suspects], "checked": dict(self.checked),
                "flagged": dict(self.flagged), "checked_total": sum(self.checked.values()),
                "flagged_total": sum(self.flagged.values()), "notes": list(self.notes)}


@dataclass(frozen=True)
class Flagged:
    """Output of ``flag_issues``: positions of suspect rows (in input order), the suggested
    class index of each, and the margins."""

    positions: np.ndarray
    suggested: np.ndarray
    margin: np.ndarray


def class_thresholds(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Per class j: the mean probability of j over the rows labelled j (NaN with none).

    Example:
        >>> class_thresholds(np.array([[.9, .1], [.6, .4], [.2, .8]]), np.array([0, 0, 1]))
        array([0.75, 0.8 ])
    """
    proba = np.asarray(proba, dtype=float)
    given = np.asarray(given, dtype=int)
    out = np.full(proba.shape[1], np.nan)
    for j in range(proba.shape[1]):
        mine = given == j
        if mine.any():
            out[j] = float(proba[mine, j].mean())
    return out


def flag_issues(proba: np.ndarray, given: np.ndarray) -> Flagged:
    """The rows whose given label is doubtful, by the rule in the module docstring.

    Args:
        proba: out-of-sample class probabilities (n, C).
        given: the given class index of each row (n,).

    Returns:
        ``Flagged`` with the suspect rows ordered by margin, largest first.
    """
    proba = np.asarray(proba, dtype=float)
    given = np.asarray(given, dtype=int)
    if proba.ndim != 2 or len(proba) == 0:
        empty = np.zeros(0, dtype=int)
        return Flagged(empty, empty, np.zeros(0))
    thresholds = class_thresholds(proba, given)
    limit = np.where(np.isfinite(thresholds), thresholds, np.inf)
    p_given = proba[np.arange(len(given)), given]
    above = proba >= limit[None, :]
    above[np.arange(len(given)), given] = False
    doubtful = (p_given < limit[given]) & above.any(axis=1)
    candidates = np.where(above, proba, -np.inf)
    suggested = np.argmax(candidates, axis=1)
    margin = proba[np.arange(len(given)), suggested] - p_given
    positions = np.flatnonzero(doubtful)
    order = positions[np.argsort(-margin[positions], kind="stable")]
    return Flagged(order, suggested[order], margin[order])


def out_of_sample_proba(X: np.ndarray, y: np.ndarray, n_classes: int, seed: int = 0,
                        folds: int = N_FOLDS) -> np.ndarray:
    """Class probabilities of each row from a logistic regression that never saw it.

    Args:
        X: flat inputs (n, d).
        y: class indices (n,); every class present needs at least ``folds`` rows.
        n_classes: the number of classes of the task (columns of the result).
        seed: for the shuffled, stratified folds.

    Returns:
        (n, n_classes) probabilities; a class absent from ``y`` gets 0.
    """
    # Imported here to keep scikit-learn out of start-up (the GUI shows stored findings).
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    y = np.asarray(y, dtype=int)
    present = np.unique(y)
    model = LogisticRegression(max_iter=1000)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        part = cross_val_predict(model, X, y, cv=cv, method="predict_proba")
    full = np.zeros((len(y), n_classes))
    full[:, present] = part
    return full


def find_label_issues(project, dev_rows: np.ndarray, dev_proba: np.ndarray | None,
                      dev_labels: pd.Series, progress: ProgressFn = ignore,
                      cancel: CancelFlag = NEVER, seed: int = 0,
                      limit: int = MAX_SUSPECTS) -> LabelIssues:
    """Suspected label errors among the training rows and the dev rows of ``project``.

    Args:
        project: the project (classification; its input coding is fitted).
        dev_rows: the row numbers of the dev rows, in the order of ``dev_proba``.
        dev_proba: the chosen model's probabilities on those rows (n, C).
        dev_labels: the given label of each dev row (text).
        seed: for the folds and for sampling a large training set.
        limit: how many suspects to keep (best first).

    Returns:
        ``LabelIssues``; for regression it has no suspects and a note saying why.
    """
    goal = project.goal or Goal()
    if goal.task == "regression":
        return LabelIssues(notes=(text("error_analysis.suspects.regression"),))
    labels = [str(v) for v in goal.labels]
    found: list[Suspect] = []
    checked: dict[str, int] = {}
    flagged: dict[str, int] = {}
    notes: list[str] = []
    if cancel.is_set():
        raise JobCancelled()
    progress(StageStarted("label_check", text("error_analysis.stage_labels")))
    train = _train_part(project, labels, seed, notes)
    if cancel.is_set():
        raise JobCancelled()
    if train is not None:
        rows, proba, given = train
        checked["train"] = len(rows)
        flagged["train"] = _collect(found, "train", rows, proba, given, labels)
    if dev_proba is not None and len(dev_rows):
        index = {label: i for i, label in enumerate(labels)}
        coded = np.array([index.get(str(v), -1) for v in dev_labels], dtype=int)
        known = coded >= 0
        rows = np.asarray(dev_rows, dtype=int)[known]
        checked["dev"] = int(known.sum())
        flagged["dev"] = _collect(found, "dev", rows, np.asarray(dev_proba)[known],
                                  coded[known], labels)
    found.sort(key=lambda s: -s.margin)
    return LabelIssues(tuple(found[:limit]), checked, flagged, tuple(notes))


def _collect(found: list, split: str, rows, proba, given, labels) -> int:
    """Add the suspects among ``rows`` to ``found``; return how many there were."""
    hits = flag_issues(proba, given)
    for pos, sug, margin in zip(hits.positions, hits.suggested, hits.margin):
        found.append(Suspect(int(rows[pos]), split, labels[given[pos]], labels[sug],
                             float(proba[pos, sug]), float(proba[pos, given[pos]]),
                             float(margin)))
    return len(hits.positions)


def _train_part(project, labels: list[str], seed: int, notes: list[str]):
    """(rows, out-of-sample probabilities, given class indices) of the training rows, or
    None with the reason added to ``notes``."""

    prep = load_preprocessor(project)
    frame = split_frame(project, "train")
    y_text = target_values(project, frame)
    index = {label: i for i, label in enumerate(labels)}
    given = np.array([index.get(str(v), -1) for v in y_text], dtype=int)
    keep = given >= 0
    frame, given = frame[keep], given[keep]
    width = max(int(getattr(prep, "n_inputs", 1) or 1), 1)
    room = MAX_CELLS // width
    if room < MIN_ROWS:
        notes.append(text("error_analysis.suspects.too_wide", inputs=width))
        return None
    if len(frame) > room:
        picked = np.sort(np.random.default_rng(seed).choice(len(frame), room, replace=False))
        notes.append(text("error_analysis.suspects.sampled", checked=room, rows=len(frame)))
        frame, given = frame.iloc[picked], given[picked]
    counts = np.bincount(given, minlength=len(labels))
    present = counts[counts > 0]
    if len(present) < 2 or present.min() < N_FOLDS:
        small = labels[int(np.flatnonzero(counts == present.min())[0])] if len(present) else "-"
        notes.append(text("error_analysis.suspects.too_few", label=small,
                          count=int(present.min()) if len(present) else 0, folds=N_FOLDS))
        return None
    X = prep.flat(prep.transform(frame))
    proba = out_of_sample_proba(np.asarray(X, dtype=float), given, len(labels), seed)
    return frame.index.to_numpy(dtype=int), proba, given
