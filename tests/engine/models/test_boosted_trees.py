"""Boosted trees on their own: binary, multiclass (with a class missing from training) and
regression fits stop early on the train-dev rows, go through JSON text unchanged, and count
their nodes; only tables offer them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.kinds.registry import DATA_KINDS, data_kind
from engine.models import boosted_trees, simple_baselines


def _rows(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4))


def _through_json(model):
    return simple_baselines.from_dict(json.loads(json.dumps(simple_baselines.to_dict(model))),
                                      4)


def test_multiclass_trees_know_only_the_classes_they_saw():
    X = _rows()
    y = np.digitize(X[:, 0] + X[:, 1], [-0.7, 0.7]) * 2  # classes 0, 2, 4 of five
    model = simple_baselines.fit("boosted", "multiclass", X[:300], y[:300],
                                 stop=(X[300:], y[300:]))
    assert model.classes_.tolist() == [0, 2, 4]
    proba = simple_baselines.predict_scores(model, "multiclass", X[300:])
    assert proba.shape == (100, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    right = np.mean(model.classes_[proba.argmax(1)] == y[300:])
    assert right > 0.8
    assert 1 <= model.rounds < boosted_trees.MAX_ROUNDS  # stopped early
    again = _through_json(model)
    np.testing.assert_allclose(simple_baselines.predict_scores(again, "multiclass", X),
                               simple_baselines.predict_scores(model, "multiclass", X))
    leaves_per_tree = model.booster.dump_model()["tree_info"][0]["num_leaves"]
    assert simple_baselines.parameter_count(again) >= 2 * leaves_per_tree - 1


def test_regression_trees_fit_a_step_a_line_cannot():
    X = _rows(seed=1)
    y = np.where(X[:, 2] > 0, 3.0, -3.0) + 0.1 * X[:, 3]
    trees = simple_baselines.fit("boosted", "regression", X[:300], y[:300],
                                 stop=(X[300:], y[300:]), params={"num_leaves": 4})
    line = simple_baselines.fit("linear", "regression", X[:300], y[:300])
    error = {name: np.mean(np.abs(simple_baselines.predict_scores(m, "regression", X[300:])
                                  - y[300:])) for name, m in (("trees", trees), ("line", line))}
    assert error["trees"] < 0.5 * error["line"]
    again = _through_json(trees)
    assert again.classes_ is None
    np.testing.assert_allclose(again.predict(X), trees.predict(X))


def test_settings_come_from_the_run_params_and_one_class_still_answers():
    assert boosted_trees.settings({"num_leaves": 31.0, "epochs": 3}) == {
        **boosted_trees.DEFAULTS, "num_leaves": 31}
    X = _rows(50)
    model = boosted_trees.fit("binary", X, np.ones(50, dtype=int))
    assert model.classes_.tolist() == [1]
    assert _through_json(model).predict_proba(X).tolist() == [[1.0]] * 50


@pytest.mark.parametrize("name", DATA_KINDS)
def test_only_tables_offer_trees(name):
    assert data_kind(name).tree_baseline == (name == "table")


def test_without_stop_rows_the_trees_a_run_kept_are_grown():
    X = _rows(seed=2)
    y = (X[:, 0] > 0).astype(int)
    assert boosted_trees.fit("binary", X, y, params={"rounds": 7}).rounds == 7
    assert boosted_trees.fit("binary", X, y).rounds == boosted_trees.ROUNDS_WITHOUT_STOP_ROWS
