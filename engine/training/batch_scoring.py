"""Scoring many rows a batch at a time, with progress and cancel between batches.

The file's rows are coded a batch at a time too (a large file is never coded whole), and
every batch is scored at the same padded size (see ``Predictor.scores``), so the model is
traced for one shape.

Use:
    scores = score_in_batches(predictor, coding, frame, progress, cancel)
    scores.shape
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.kinds.registry import data_kind as kind_named
from engine.training.predictor import BATCH_ROWS, IMAGE_BATCH_ROWS
from engine.core.texts import text

PROGRESS_INTERVAL_S = 0.1


def score_in_batches(predictor, coding, frame: pd.DataFrame, progress: ProgressFn = ignore,
                     cancel: CancelFlag = NEVER) -> np.ndarray:
    """The model's scores for every row of ``frame``, coded and scored a batch at a time.

    Args:
        predictor: an ``engine.training.predictor.Predictor``.
        coding: the input coding that reads ``frame`` (usually ``predictor.preprocessor``).
        frame: the rows.
        progress, cancel: ``Progress`` events (at most ~10 a second), stop request in.

    Returns:
        (n, classes) probabilities, or (n,) values in the target's units for a regression.

    Raises:
        JobCancelled: ``cancel`` was set.
    """
    n = len(frame)
    pictures = kind_named(getattr(coding, "kind", None) or "table").image_inputs
    step = IMAGE_BATCH_ROWS if pictures else BATCH_ROWS
    words = text("use.progress_one") if n == 1 else text("use.progress", rows=f"{n:,}")
    parts = []
    last = None
    for start in range(0, n, step):
        if cancel.is_set():
            raise JobCancelled("prediction cancelled")
        now = time.monotonic()
        if last is None or now - last >= PROGRESS_INTERVAL_S:
            progress(Progress(start, n, words))
            last = now
        X = coding.transform(frame.iloc[start:start + step])
        parts.append(predictor.scores(X, pad_to=step if n > step else None))
    progress(Progress(n, n, words))
    if parts:
        return np.concatenate(parts, axis=0)
    if predictor.task == "regression":
        return np.zeros(0)
    return np.zeros((0, len(predictor.preprocessor.target.labels)))


