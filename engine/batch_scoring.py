"""Scoring many rows a batch at a time, with progress and cancel between batches.

A Keras model answers through ``predict_on_batch``: ``predict`` builds a data pipeline on
every call, which costs tens of milliseconds whatever the number of rows. Every batch of a
long file has the same number of rows (the last one is padded and the padding dropped), so
TensorFlow traces the model once per call instead of once per new batch size.

Example:
    >>> scores = score_in_batches(predictor, coding, frame, progress, cancel)
    >>> scores.shape
    (10000, 2)
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from engine.errors import JobCancelled
from engine.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.models import simple_baselines
from engine.texts import text

BATCH_ROWS = 1024
IMAGE_BATCH_ROWS = 128
PROGRESS_INTERVAL_S = 0.1


def score_in_batches(predictor, coding, frame: pd.DataFrame, progress: ProgressFn = ignore,
                     cancel: CancelFlag = NEVER) -> np.ndarray:
    """The model's scores for every row of ``frame``, coded and scored a batch at a time.

    Args:
        predictor: an ``engine.predictor.Predictor``.
        coding: the input coding that reads ``frame`` (usually ``predictor.preprocessor``).
        frame: the rows.
        progress, cancel: ``Progress`` events (at most ~10 a second), stop request in.

    Returns:
        (n, classes) probabilities, or (n,) values in the target's units for a regression.

    Raises:
        JobCancelled: ``cancel`` was set.
    """
    n = len(frame)
    step = IMAGE_BATCH_ROWS if getattr(coding, "kind", "") == "images" else BATCH_ROWS
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
        parts.append(scores_on_batch(predictor, X, pad_to=step if n > step else None))
    progress(Progress(n, n, words))
    if parts:
        return np.concatenate(parts, axis=0)
    if predictor.task == "regression":
        return np.zeros(0)
    return np.zeros((0, len(predictor.preprocessor.target.labels)))


def scores_on_batch(predictor, X: np.ndarray, pad_to: int | None = None) -> np.ndarray:
    """``predictor.scores(X)`` for one batch; a Keras model answers through
    ``predict_on_batch``, on ``X`` padded with zeros to ``pad_to`` rows when given."""
    if predictor.kind in simple_baselines.KINDS:
        return predictor.scores(X)
    rows = len(X)
    if pad_to is not None and rows < pad_to:
        X = np.concatenate([X, np.zeros((pad_to - rows, *X.shape[1:]), dtype=X.dtype)])
    raw = np.asarray(predictor.model.predict_on_batch(X), dtype=float)[:rows]
    if predictor.task == "regression":
        return predictor.preprocessor.decode_regression(raw.reshape(-1))
    return raw
