"""The data side of the sanity checks: plain arrays, and the loss of knowing nothing.

The checks compare losses with two reference values that depend on the targets only:

* the loss of *uniform* predictions: ``ln C`` for ``C`` classes (every class given
  probability ``1/C``), whatever the class shares are. For a regression on a standardized
  target it is ``mean(y**2)`` (predicting 0), which is about 1;
* the loss of *guessing from the targets alone*, without looking at the inputs: the entropy
  of the class shares ``-sum p_k ln p_k`` (equal to ``ln C`` only when the classes are
  balanced), or the variance of the target for a regression (predicting its mean).

A model that learned anything from its inputs gets below the second value.

Use:
    round(uniform_loss(np.array([0, 1, 1, 1]), "binary", 2), 3)
    round(prior_loss(np.array([0, 1, 1, 1]), "binary"), 3)
"""

from __future__ import annotations

import math

import keras
import numpy as np

CLASSIFICATION = ("binary", "multiclass")


def is_classification(task: str) -> bool:
    """True for ``binary`` and ``multiclass``; False for ``regression``.

    Raises:
        ValueError: ``task`` is none of the three.
    """
    if task == "regression":
        return False
    if task in CLASSIFICATION:
        return True
    raise ValueError(f"unknown task {task!r}; expected binary, multiclass or regression")


def as_arrays(X, y, task: str | None) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``y`` as numpy arrays Keras takes: float32 inputs, int or float targets.

    Args:
        X: one row per example, of any shape (a table, images, sequences); whole numbers
            (token numbers of a text model) keep their type, other numbers become float32.
        y: class indices (0 .. C-1) for classification, numbers for regression.
        task: ``binary``, ``multiclass`` or ``regression``; None keeps whole-number targets
            as int32 and turns the others into float32.

    Returns:
        ``(X, y)``: ``X`` as float32 (or whole numbers), ``y`` as a 1-D int32
        (classification) or float32 array.

    Raises:
        ValueError: the numbers of rows differ, or there are no rows.
    """
    X = np.asarray(X)
    if not np.issubdtype(X.dtype, np.integer):
        X = X.astype("float32")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    if len(X) == 0:
        raise ValueError("no rows to check")
    whole = np.issubdtype(y.dtype, np.integer) if task is None else is_classification(task)
    y = y.astype("int32") if whole else y.astype("float32")
    return X, y


def uniform_loss(y: np.ndarray, task: str, n_classes: int) -> float:
    """The loss of uniform predictions: ``ln C``, or ``mean(y**2)`` for a regression.

    This is the loss a model should show before training: its outputs do not depend on the
    targets yet, and a well-initialised model spreads its bets evenly (or predicts about 0).
    """
    if is_classification(task):
        return math.log(max(int(n_classes), 2))
    return float(np.mean(np.square(np.asarray(y, dtype="float64"))))


def prior_loss(y: np.ndarray, task: str) -> float:
    """The loss of guessing from the targets alone, never looking at the inputs.

    Classification: the entropy of the class shares in ``y``. Regression: the variance of
    ``y`` (the squared error of always predicting its mean).
    """
    y = np.asarray(y)
    if is_classification(task):
        _, counts = np.unique(y, return_counts=True)
        shares = counts / counts.sum()
        return float(-(shares * np.log(shares)).sum())
    return float(np.var(y.astype("float64")))


def loss_of(measured: float, X: np.ndarray) -> float:
    """The loss Keras measured on ``X``, or NaN when ``X`` holds missing or infinite values.

    A loss computed from inputs that are not numbers means nothing, but it need not come out
    as NaN: TensorFlow 2.21's ReLU turns NaN into 0, so a network can hide a missing value
    and report a plausible loss. The sanity checks say "not a number" either way.
    """
    if np.issubdtype(X.dtype, np.floating) and not bool(np.isfinite(X).all()):
        return math.nan
    return measured


def outputs(model, X: np.ndarray) -> np.ndarray:
    """The model's outputs for a few rows, as numpy (an inference call, no compiled graph:
    for a handful of rows this is faster than ``predict_on_batch``, which compiles one)."""
    return np.asarray(keras.ops.convert_to_numpy(model(X, training=False)), dtype="float64")


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose most probable class is the right one (classification only)."""
    return float(np.mean(np.argmax(outputs(model, X), axis=-1) == y))


def sample_rows(n_rows: int, n: int, seed: int = 0) -> np.ndarray:
    """Up to ``n`` distinct row indices drawn at random (all rows, shuffled, if fewer).

    Use:
        sorted(sample_rows(5, 10).tolist())
    """
    rng = np.random.default_rng(seed)
    return rng.permutation(n_rows)[:n]
