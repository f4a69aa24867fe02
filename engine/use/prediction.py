"""Predictions on new data with the very coding the model was trained with.

The new rows are read and checked (``engine.use.new_data``), coded and scored in batches
(``engine.training.batch_scoring``), with progress and cancel between batches. The result keeps the
file's rows in their order and its columns, and adds:

- ``prediction``: the class (or, for a regression, the value in the target's units);
- ``confidence``: the probability the model gives its answer (classification only; after
  the calibration and with the decision threshold of its decision rule, when it has one);
- ``abstain``: True where the model refuses to answer, its confidence being below the
  threshold chosen on the dev rows (only when the goal turns the reject option on);
- ``probability <class>``: each class' probability, for up to ``MAX_PROBABILITY_COLUMNS``
  classes.

A name the file already uses gets `` (Practica)`` added, so no input column is overwritten.

Use:
    frame = predict_file("~/Practica/customers", "new_customers.csv")
    frame[["prediction", "confidence"]].head(2)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.training.batch_scoring import score_in_batches
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.use.new_data import read_new_data
from engine.project.project import Project
from engine.final.reject_option import confidence_of
from engine.goal.decision import answer_confidence, decided
from engine.use.usable_model import UsableModel, load_usable

MAX_PROBABILITY_COLUMNS = 10
PREDICTION, CONFIDENCE, ABSTAIN = "prediction", "confidence", "abstain"
PROBABILITY = "probability {label}"


@dataclass(frozen=True, eq=False)
class Predicted:
    """New rows with their predictions.

    ``frame`` is the file's columns followed by the prediction columns (``added``, in the
    order above, renamed where the file already used the name); ``abstained`` counts the
    rows the model refused; ``notes`` are plain remarks for the user.
    """

    frame: pd.DataFrame
    added: tuple[str, ...]
    abstained: int
    notes: tuple[str, ...]
    usable: UsableModel

    @property
    def rows(self) -> int:
        return int(len(self.frame))


def predict_file(where: Project | str | Path, path: str | Path, run_id: str | None = None,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> pd.DataFrame:
    """Predict the rows of ``path`` with the model of a project or export folder ``where``.

    Args:
        where: a ``Project``, a project folder or a folder written by ``export_model``.
        path: a table file (CSV/TSV, Excel, Parquet) or, for image models, a folder of
            pictures.
        run_id: a project's run to use instead of its chosen one.
        progress, cancel: events out between batches, stop request in.

    Returns:
        The file's rows in their order, its columns, then the prediction columns.

    Raises:
        DataError: the file cannot be read or lacks an input column (named).
        ProjectError: no model chosen, or the run cannot be used.
        JobCancelled: ``cancel`` was set.
    """
    return predict_new(load_usable(where, run_id), path, progress, cancel).frame


def predict_new(usable: UsableModel, path: str | Path, progress: ProgressFn = ignore,
                cancel: CancelFlag = NEVER) -> Predicted:
    """``predict_file`` for a model already loaded; returns the counts and notes too."""
    data = read_new_data(usable, path, cancel)
    scores = score_in_batches(usable.predictor, data.coding, data.frame, progress, cancel)
    columns = prediction_columns(usable, scores)
    out = data.frame.loc[:, list(data.keep)].reset_index(drop=True)
    added = []
    for name, values in columns.items():
        free = name
        while free in out.columns:
            free = f"{free} (Practica)"
        out[free] = values
        added.append(free)
    abstained = int(np.sum(columns[ABSTAIN])) if ABSTAIN in columns else 0
    return Predicted(out, tuple(added), abstained, (*usable.notes, *data.notes), usable)


def prediction_columns(usable: UsableModel, scores: np.ndarray) -> dict[str, np.ndarray]:
    """The prediction columns (by their usual names) for the model's ``scores``."""
    if usable.task == "regression":
        return {PREDICTION: np.asarray(scores, dtype=float).reshape(-1)}
    labels = np.asarray(usable.predictor.preprocessor.target.labels, dtype=object)
    scores = np.asarray(scores, dtype=float).reshape(len(scores), len(labels))
    if usable.decision is not None and len(scores):
        scores, answer, confidence = _decided(usable, scores)
    else:
        answer = (labels[np.argmax(np.nan_to_num(scores, nan=-1.0), axis=1)]
                  if len(scores) else np.zeros(0, dtype=object))
        confidence = confidence_of(scores) if len(scores) else np.zeros(0)
    columns: dict[str, np.ndarray] = {PREDICTION: answer, CONFIDENCE: confidence}
    if usable.reject_on:
        refuse = (confidence < usable.threshold if usable.threshold is not None
                  else np.zeros(len(scores), bool))
        columns[ABSTAIN] = refuse | ~np.isfinite(columns[CONFIDENCE])
    if len(labels) <= MAX_PROBABILITY_COLUMNS:
        for i, label in enumerate(labels):
            columns[PROBABILITY.format(label=label)] = scores[:, i]
    return columns


def _decided(usable: UsableModel, scores: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibrated probabilities, answers and the confidence of each answer under the
    model's decision rule (``engine.goal.decision``); a row the model could not score
    keeps NaN probabilities and confidence."""
    bad = ~np.all(np.isfinite(scores), axis=1)
    blank = pd.Series(np.full(len(scores), None, dtype=object))
    preds = decided(usable.goal, usable.decision, blank, np.nan_to_num(scores, nan=0.0))
    proba = np.asarray(preds.proba, dtype=float).copy()
    confidence = np.asarray(answer_confidence(usable.goal, preds), dtype=float)
    proba[bad], confidence[bad] = np.nan, np.nan
    return proba, np.asarray(preds.y_pred, dtype=object), confidence
