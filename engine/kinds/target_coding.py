"""The coding of the target, the same for every data kind.

Classification: class indices in label order. Regression: the target standardized with the
training mean and standard deviation (models learn better on a unit scale), decoded back
into the target's own units for every number a user sees. Fitted on the training rows only
and saved as JSON with the input coding.

Example:
    >>> coding = fit_target_coding("regression", None, [1.0, 3.0])
    >>> encode_target(coding, pd.Series([3.0])).tolist()
    [1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TargetCoding:
    """Classification: the class labels in output order. Regression: the scale of the target."""

    task: str
    labels: tuple[str, ...] = ()
    mean: float = 0.0
    scale: float = 1.0



def fit_target_coding(task: str, labels: Iterable[str] | None,
                      y_train: Iterable[float] | None) -> TargetCoding:
    """The target coding fitted on the training targets.

    Args:
        task: ``binary``, ``multiclass`` or ``regression``.
        labels: the class labels in output order (classification only).
        y_train: the training targets (needed for regression).

    Returns:
        A ``TargetCoding``: labels for classification, mean and scale for regression.

    Example:
        >>> fit_target_coding("binary", ["no", "yes"], None).labels
        ('no', 'yes')
    """
    if task == "regression":
        y = np.asarray(list(y_train if y_train is not None else []), dtype=float).reshape(-1, 1)
        # Imported here to keep scikit-learn out of start-up.
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(y)
        return TargetCoding(task, (), float(scaler.mean_[0]), float(scaler.scale_[0]))
    return TargetCoding(task, tuple(labels or ()))


def encode_target(coding: TargetCoding, y: pd.Series) -> np.ndarray:
    """Training targets: class indices (int32, which every Keras backend keeps without
    truncating), or the standardized value (float32).

    Args:
        coding: the fitted target coding.
        y: the targets (text labels for classification, numbers for regression).

    Returns:
        One value per row.

    Example:
        >>> encode_target(TargetCoding("binary", ("no", "yes")), pd.Series(["yes"])).tolist()
        [1]
    """
    if coding.task == "regression":
        values = pd.Series(y).to_numpy(dtype=float)
        return ((values - coding.mean) / coding.scale).astype(np.float32)
    index = {label: i for i, label in enumerate(coding.labels)}
    return np.array([index[v] for v in y], dtype=np.int32)


def decode_regression(coding: TargetCoding, z: np.ndarray) -> np.ndarray:
    """Model outputs on the standardized scale back in the target's own units.

    Args:
        coding: the fitted (regression) target coding.
        z: standardized predictions.

    Returns:
        float64 values in the units of the target.

    Example:
        >>> decode_regression(TargetCoding("regression", (), 2.0, 1.0), np.array([1.0]))
        array([3.])
    """
    return np.asarray(z, dtype=float) * coding.scale + coding.mean


def target_to_dict(coding: TargetCoding) -> dict[str, Any]:
    """The target coding as JSON-able data.

    Args:
        coding: the target coding.

    Returns:
        ``{"task", "labels", "mean", "scale"}``.

    Example:
        >>> target_to_dict(TargetCoding("binary", ("a", "b")))["labels"]
        ['a', 'b']
    """
    return {"task": coding.task, "labels": list(coding.labels), "mean": coding.mean,
            "scale": coding.scale}


def target_from_dict(d: dict[str, Any]) -> TargetCoding:
    """The target coding saved by ``target_to_dict``.

    Args:
        d: the saved data.

    Returns:
        The same ``TargetCoding``.

    Example:
        >>> target_from_dict({"task": "binary", "labels": ["a"], "mean": 0, "scale": 1}).task
        'binary'
    """
    return TargetCoding(d["task"], tuple(d["labels"]), float(d["mean"]), float(d["scale"]))
