"""Class weights for unbalanced classes: rare classes count more in the loss.

When one class is much rarer than the others, a model can get a low loss by mostly
ignoring it. Weighting every training row by the inverse frequency of its class makes
each class contribute the same total weight to the loss. The weights are normalised so the
weighted mean over the training rows is 1: the loss keeps its usual scale and the learning
rate chosen for unweighted training still fits.

Classes that have no training row get weight 0: Keras wants a weight for every class index
from 0 to ``n_classes - 1``, and no row will ever use it.

Example:
    >>> w = class_weights(np.array([0] * 90 + [1] * 10), 2)
    >>> round(w[0], 4), w[1]
    (0.5556, 5.0)

Then ``model.fit(X, y, class_weight=w)``.
"""

from __future__ import annotations

import numpy as np

from engine.core.errors import DataError
from engine.core.texts import text

STRATEGIES = ("weights", "oversample", "undersample")


def class_indices(y: np.ndarray) -> np.ndarray:
    """Check ``y`` holds class indices and return them as a 1-D ``int64`` array.

    Args:
        y: class indices, shape ``(n,)`` or ``(n, 1)``, integers (or whole floats) >= 0.

    Returns:
        The indices as a flat ``int64`` array.

    Raises:
        DataError: ``y`` is empty, not one index per row, negative or fractional.

    Example:
        >>> class_indices(np.array([[1], [0]]))
        array([1, 0])
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.size == 0:
        raise DataError(text("imbalance.bad_labels"))
    if np.issubdtype(y.dtype, np.floating):
        if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
            raise DataError(text("imbalance.bad_labels"))
    elif y.dtype.kind not in "iub":
        raise DataError(text("imbalance.bad_labels"))
    flat = y.astype(np.int64)
    if flat.min() < 0:
        raise DataError(text("imbalance.bad_labels"))
    return flat


def class_weights(y: np.ndarray, n_classes: int) -> dict[int, float]:
    """Inverse-frequency weight of each class, with mean 1 over the training rows.

    A class with ``count_c`` of the ``n`` rows, among ``k`` classes that have rows, gets
    ``n / (k * count_c)``; so every present class carries the same total weight ``n / k``
    and ``sum(count_c * w_c) / n == 1``. Classes without rows get 0 (see the module text).

    Args:
        y: the training rows' class indices (``0 .. n_classes - 1``).
        n_classes: how many classes the model predicts.

    Returns:
        ``{class_index: weight}`` for every index ``0 .. n_classes - 1``, ready for
        ``model.fit(class_weight=...)``.

    Raises:
        DataError: ``y`` is not usable class indices, or an index is ``>= n_classes``.

    Example:
        >>> class_weights(np.array([0, 0, 0, 1]), 3)
        {0: 0.6666666666666666, 1: 2.0, 2: 0.0}
    """
    flat = class_indices(y)
    if flat.max() >= n_classes:
        raise DataError(text("imbalance.too_many_classes", found=int(flat.max()) + 1,
                             expected=n_classes))
    counts = np.bincount(flat, minlength=n_classes)
    present = int(np.count_nonzero(counts))
    n = len(flat)
    return {c: (n / (present * int(counts[c])) if counts[c] else 0.0)
            for c in range(n_classes)}


def explain(strategy: str) -> str:
    """The plain-language explanation of a way to handle unbalanced classes.

    Args:
        strategy: one of ``STRATEGIES``: ``"weights"``, ``"oversample"``, ``"undersample"``.

    Returns:
        A short paragraph for the user (from ``resources/help/imbalance.toml``).

    Example:
        >>> explain("undersample").startswith("Undersampling")
        True
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {strategy!r}")
    return text(f"imbalance.{strategy}")
