"""Gradient-boosted trees (LightGBM) as a baseline for tables.

Trees split on one column at a time, so they catch thresholds and interactions a straight
line misses, and on small tables they are the model a neural network has to beat. Trees
are added one by one until the score on the train-dev rows stops getting better
(``STOP_AFTER`` rounds without progress). The fitted trees are kept as LightGBM's own text
format inside the run's JSON file and rebuilt from it (never pickled).

Example:
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(200, 2)); y = (X[:, 0] > 0).astype(int)
    >>> model = fit("binary", X, y)
    >>> rebuilt = from_dict(to_dict(model))
    >>> bool(np.allclose(model.predict_proba(X), rebuilt.predict_proba(X)))
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULTS = {"learning_rate": 0.1, "num_leaves": 15, "min_rows_per_leaf": 10, "l2": 1.0}
"""The settings a run starts from (the tuning step may try others)."""

MAX_ROUNDS = 500
"""The most trees (per class) a model grows."""

STOP_AFTER = 30
"""Rounds without a better train-dev score before growing stops."""

BETTER_BY = 1e-3
"""What counts as better (train-dev loss): on rows the trees already get all right the
loss keeps shrinking by crumbs, and growing would only stop at ``MAX_ROUNDS``."""

ROUNDS_WITHOUT_STOP_ROWS = 100
"""Trees grown when there are no train-dev rows to stop on and ``params`` has no
``rounds`` (the trees a run kept)."""


@dataclass
class BoostedTrees:
    """Fitted trees and what they answer: ``classes_`` (class indices seen in training)
    for classification, ``None`` for regression."""

    booster: Any
    classes_: np.ndarray | None
    rounds: int

    def predict(self, X: np.ndarray) -> np.ndarray:
        # One thread: starting threads costs more than a few rows take (0.12 -> 0.03 ms).
        return np.asarray(self.booster.predict(_rows(X), num_iteration=self.rounds,
                                               num_threads=1), dtype=float)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if self.booster is None:  # a single class in training
            return np.ones((len(X), 1))
        out = self.predict(X)
        if out.ndim == 1:
            return np.column_stack([1.0 - out, out])
        return out


def settings(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """``DEFAULTS`` overridden by the tree settings found in ``params``."""
    params = params or {}
    return {k: type(v)(params.get(k, v)) for k, v in DEFAULTS.items()}


def fit(task: str, X: np.ndarray, y: np.ndarray, X_stop: np.ndarray | None = None,
        y_stop: np.ndarray | None = None, params: dict[str, Any] | None = None,
        seed: int = 0) -> BoostedTrees:
    """Grow trees on ``X``, ``y`` (class indices, or coded values for regression), stopping
    early on ``X_stop``, ``y_stop`` when given."""
    # Imported here to keep LightGBM out of start-up.
    import lightgbm as lgb

    chosen = settings(params)
    options = {"learning_rate": chosen["learning_rate"], "num_leaves": chosen["num_leaves"],
               "min_data_in_leaf": chosen["min_rows_per_leaf"],
               "lambda_l2": chosen["l2"], "seed": seed, "deterministic": True,
               "num_threads": 1, "verbose": -1, "min_data_in_bin": 1}
    classes = None
    target = np.asarray(y, dtype=float)
    stop_target = None if y_stop is None else np.asarray(y_stop, dtype=float)
    if task == "regression":
        options["objective"] = "regression"
    else:
        classes = np.unique(np.asarray(y, dtype=int))
        if len(classes) < 2:
            return BoostedTrees(None, classes, 0)
        position = {c: i for i, c in enumerate(classes)}
        target = np.array([position[int(c)] for c in y], dtype=float)
        if stop_target is not None:  # train-dev rows of a class unseen in training go
            keep = np.isin(np.asarray(y_stop, dtype=int), classes)
            X_stop = np.asarray(X_stop)[keep]
            stop_target = np.array([position[int(c)] for c in np.asarray(y_stop)[keep]],
                                   dtype=float)
        if len(classes) == 2:
            options["objective"] = "binary"
        else:
            options.update(objective="multiclass", num_class=len(classes))
    train = lgb.Dataset(_rows(X), target, params={"verbose": -1})
    if X_stop is not None and len(X_stop):
        stop = lgb.Dataset(_rows(X_stop), stop_target, reference=train)
        booster = lgb.train(options, train, MAX_ROUNDS, valid_sets=[stop],
                            callbacks=[lgb.early_stopping(STOP_AFTER, verbose=False,
                                                               min_delta=BETTER_BY)])
        rounds = int(booster.best_iteration or booster.current_iteration())
    else:
        # Refitting a run (learning curve): as many trees as the run kept.
        booster = lgb.train(options, train,
                            int((params or {}).get("rounds") or ROUNDS_WITHOUT_STOP_ROWS))
        rounds = booster.current_iteration()
    return BoostedTrees(booster, classes, rounds)


def to_dict(model: BoostedTrees) -> dict[str, Any]:
    """The fitted trees as JSON-able data: LightGBM's text format and the classes."""
    return {"type": "lightgbm",
            "classes": None if model.classes_ is None else model.classes_.tolist(),
            "rounds": model.rounds,
            "trees": "" if model.booster is None
            else model.booster.model_to_string(num_iteration=model.rounds)}


def from_dict(d: dict[str, Any]) -> BoostedTrees:
    """Rebuild the trees saved by ``to_dict``."""
    # Imported here to keep LightGBM out of start-up.
    import lightgbm as lgb

    classes = None if d.get("classes") is None else np.asarray(d["classes"], dtype=int)
    booster = lgb.Booster(model_str=d["trees"]) if d.get("trees") else None
    return BoostedTrees(booster, classes, int(d.get("rounds", 0)))


def node_count(model: BoostedTrees) -> int:
    """Every node of every tree (splits and leaves): the model's size in numbers."""
    if model.booster is None:
        return 1
    leaves = [int(line.split("=", 1)[1]) for line in
              model.booster.model_to_string(num_iteration=model.rounds).splitlines()
              if line.startswith("num_leaves=")]
    return int(sum(2 * n - 1 for n in leaves))  # a tree of n leaves has n - 1 splits


def _rows(X: np.ndarray) -> np.ndarray:
    return np.asarray(X, dtype=float).reshape(len(X), -1)
