"""Non-deep baselines: the majority class (or mean), a linear model (scikit-learn) and, for
tables, gradient-boosted trees (``engine.models.boosted_trees``).

They answer "how good is doing almost nothing?", "how good is a straight line?" and, on
tables, "how good are the trees a data scientist would try first?" before any deep model
is trained. Their fitted numbers are saved as JSON (never pickled) and the
scikit-learn estimator is rebuilt from them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.models import boosted_trees

KINDS = ("majority", "linear", "boosted")

TREES = "boosted"
"""The kind that is only offered where the data kind allows it (``DataKind.tree_baseline``)."""


def fit(baseline: str, task: str, X: np.ndarray, y: np.ndarray, seed: int = 0,
        stop: tuple[np.ndarray, np.ndarray] | None = None,
        params: dict[str, Any] | None = None):
    """Fit ``baseline`` (one of ``KINDS``) on encoded inputs ``X`` and targets ``y`` (class
    indices). ``stop`` (inputs, targets) are the rows boosted trees stop growing on;
    ``params`` their settings (``boosted_trees.DEFAULTS``)."""
    if baseline == TREES:
        X_stop, y_stop = stop if stop is not None else (None, None)
        return boosted_trees.fit(task, X, y, X_stop, y_stop, params, seed)
    # Imported here to keep scikit-learn out of start-up (the GUI reads KINDS and TREES).
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.linear_model import LogisticRegression, Ridge

    majority = baseline == "majority"
    if task == "regression":
        model = DummyRegressor(strategy="mean") if majority else Ridge(alpha=1.0)
    elif majority:
        model = DummyClassifier(strategy="prior")
    else:
        model = LogisticRegression(max_iter=1000, random_state=seed)
    return model.fit(X, y)


def to_dict(model) -> dict[str, Any]:
    """The fitted numbers of ``model`` as JSON-able data."""
    # Imported here to keep scikit-learn out of start-up .
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.linear_model import LogisticRegression
    if isinstance(model, boosted_trees.BoostedTrees):
        return boosted_trees.to_dict(model)
    if isinstance(model, DummyClassifier):
        return {"type": "prior", "classes": model.classes_.tolist(),
                "prior": model.class_prior_.tolist()}
    if isinstance(model, DummyRegressor):
        return {"type": "mean", "constant": float(np.ravel(model.constant_)[0])}
    if isinstance(model, LogisticRegression):
        return {"type": "logistic", "classes": model.classes_.tolist(),
                "coef": model.coef_.tolist(), "intercept": model.intercept_.tolist()}
    return {"type": "ridge", "coef": np.ravel(model.coef_).tolist(),
            "intercept": float(np.ravel(model.intercept_)[0])}


def from_dict(d: dict[str, Any], n_inputs: int):
    """Rebuild a fitted scikit-learn estimator from ``to_dict`` output."""
    # Imported here to keep scikit-learn out of start-up .
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    fitted = d["type"]
    if fitted == "lightgbm":
        return boosted_trees.from_dict(d)
    if fitted == "prior":
        classes = np.array(d["classes"])
        prior = np.array(d["prior"])
        model = DummyClassifier(strategy="prior")
        model.fit(np.zeros((len(classes), n_inputs)), classes)
        model.class_prior_ = prior
        return model
    if fitted == "mean":
        model = DummyRegressor(strategy="mean").fit(np.zeros((1, n_inputs)), [d["constant"]])
        return model
    if fitted == "logistic":
        model = LogisticRegression()
        model.classes_ = np.array(d["classes"])
        model.coef_ = np.array(d["coef"])
        model.intercept_ = np.array(d["intercept"])
        model.n_features_in_ = n_inputs
        return model
    model = Ridge()
    model.coef_ = np.array(d["coef"])
    model.intercept_ = float(d["intercept"])
    model.n_features_in_ = n_inputs
    return model


def predict_scores(model, task: str, X: np.ndarray) -> np.ndarray:
    """Class probabilities (n, C) for classification, predicted values (n,) for regression."""
    if task == "regression":
        return np.asarray(model.predict(X), dtype=float)
    return np.asarray(model.predict_proba(X), dtype=float)


def parameter_count(model) -> int:
    """The numbers a fitted baseline holds (for trees: every node of every tree)."""
    if isinstance(model, boosted_trees.BoostedTrees):
        return boosted_trees.node_count(model)
    d = to_dict(model)
    if d["type"] in ("logistic", "ridge"):
        return int(np.size(d["coef"]) + np.size(d["intercept"]))
    return int(np.size(d.get("prior", [0])))
