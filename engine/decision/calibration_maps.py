"""Fitting the three calibration maps, and measuring them on rows they were not fitted on.

* ``temperature`` (any number of classes): one number T; the log-probabilities are divided
  by T (T > 1 softens an over-confident model, T < 1 sharpens a timid one). T minimises the
  log loss of the fitting rows (SciPy's bounded scalar search over log T, T from 0.2 to
  20). The most likely class never changes.
* ``platt`` (yes/no): a logistic regression on the logit s of P(last class):
  p = 1 / (1 + exp(a s + b)), fitted by scikit-learn (weak regularisation, C = 100).
* ``isotonic`` (yes/no): scikit-learn's ``IsotonicRegression`` from P(last class) to the
  share of that class, a rising step function stored as its corner points.

Every map is applied by ``engine.goal.decision.calibrated``, the same function the final
test, the predictions and the export use, so what is measured here is what they answer.

Cross-fitting (``cross_fitted``): the rows are cut into K folds (stratified by class when
every class has at least K rows); the map fitted on K-1 folds calibrates the fold left out.
Every row's calibrated score thus comes from a map that never saw it, and the error
measured on them is honest; the map kept afterwards is fitted on all the rows.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> p = np.clip(0.5 + (2 * y - 1) * rng.uniform(0, 0.5, 400) + rng.normal(0, .3, 400), .01, .99)
    >>> scores = np.column_stack([1 - p, p])
    >>> params = fit_params("temperature", scores, y)
    >>> params["temperature"] > 0
    True
    >>> oof = cross_fitted("platt", scores, y, k=5)
    >>> oof.shape
    (400, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.decision.reliability import log_loss
from engine.goal.decision import calibrated
from engine.project.parts.decision_rule import CalibrationFit

FOLDS = 5
T_RANGE = (0.2, 20.0)
PLATT_C = 100.0
_EPS = 1e-7


def apply(method: str, params: dict[str, Any], scores: np.ndarray) -> np.ndarray:
    """``scores`` mapped through ``method`` with ``params`` (``engine.goal.decision``)."""
    return calibrated(scores, CalibrationFit(method, params))


def fit_params(method: str, scores: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The parameters of ``method`` fitted on class probabilities ``scores`` (n, C) and the
    true classes ``y`` (column numbers). Platt and isotonic need two columns."""
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=int)
    if method == "temperature":
        return {"temperature": _temperature(scores, y)}
    positive = scores[:, -1]
    is_last = (y == scores.shape[1] - 1).astype(float)
    if method == "platt":
        return _platt(positive, is_last)
    if method == "isotonic":
        return _isotonic(positive, is_last)
    raise ValueError(f"unknown calibration method {method!r}")


def _temperature(scores: np.ndarray, y: np.ndarray) -> float:
    # Imported here to keep SciPy out of start-up.
    from scipy.optimize import minimize_scalar

    def loss(log_t: float) -> float:
        return log_loss(apply("temperature", {"temperature": float(np.exp(log_t))}, scores), y)

    found = minimize_scalar(loss, bounds=tuple(np.log(T_RANGE)), method="bounded",
                            options={"xatol": 1e-4})
    return round(float(np.exp(found.x)), 6)


def _platt(p: np.ndarray, is_last: np.ndarray) -> dict[str, float]:
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(is_last)) < 2:  # one class only: nothing to fit, keep the scores
        return {"a": -1.0, "b": 0.0}
    s = np.log(np.clip(p, _EPS, 1 - _EPS) / np.clip(1 - p, _EPS, 1 - _EPS))
    model = LogisticRegression(C=PLATT_C).fit(s.reshape(-1, 1), is_last.astype(int))
    # sklearn: p = 1 / (1 + exp(-(w s + c))), so a = -w and b = -c.
    return {"a": -float(model.coef_[0][0]), "b": -float(model.intercept_[0])}


def _isotonic(p: np.ndarray, is_last: np.ndarray) -> dict[str, list[float]]:
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, is_last)
    return {"x": [float(v) for v in model.X_thresholds_],
            "y": [float(v) for v in model.y_thresholds_]}


def folds(y: np.ndarray, k: int = FOLDS, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` pairs (rows to fit on, rows to measure on): the measuring rows of the folds
    are disjoint and cover every row once; a pair never shares a row.

    Example:
        >>> pairs = folds(np.array([0, 1] * 10), k=5)
        >>> sorted(np.concatenate([m for _, m in pairs]).tolist()) == list(range(20))
        True
        >>> any(set(f) & set(m) for f, m in pairs)
        False
    """
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.model_selection import KFold, StratifiedKFold

    y = np.asarray(y)
    counts = np.unique(y, return_counts=True)[1]
    if len(counts) > 1 and counts.min() >= k:
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    else:
        splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return [(fit, measure) for fit, measure in splitter.split(np.zeros(len(y)), y)]


def cross_fitted(method: str, scores: np.ndarray, y: np.ndarray, k: int = FOLDS,
                 seed: int = 0) -> np.ndarray:
    """Every row's calibrated scores, each from the map fitted on the other folds."""
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=int)
    out = np.empty_like(scores)
    for fit, measure in folds(y, k, seed):
        params = fit_params(method, scores[fit], y[fit])
        out[measure] = apply(method, params, scores[measure])
    return out
