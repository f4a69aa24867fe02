"""The goal's metric per epoch equals scikit-learn's on the same predictions."""

import math

import numpy as np
import pytest
from sklearn import metrics as skm

from engine.split.datasets import split_frame, target_values
from engine.training.epoch_metric import EpochMetric, goal_metric, subsample
from engine.core.jobs import EpochEnded
from engine.training.predictor import load_predictor
from engine.kinds.preprocess import Preprocessor, TargetCoding
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training
from engine.project.parts.goal import Goal


def test_subsample_is_capped_sorted_and_repeatable():
    assert subsample(50, 2000).tolist() == list(range(50))
    rows = subsample(10_000, 2000, seed=4)
    assert len(rows) == 2000 == len(set(rows.tolist()))
    assert np.all(np.diff(rows) > 0) and rows.max() < 10_000
    assert np.array_equal(rows, subsample(10_000, 2000, seed=4))
    assert not np.array_equal(rows, subsample(10_000, 2000, seed=5))


def test_run_history_holds_the_metric_and_the_best_epoch_matches_the_run(split_project):
    events = []
    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"epochs": 3, "width": 8}), events.append)
    project = open_project(split_project.root)
    run = project.run(result.run_id)
    goal = project.goal
    assert len(run.history) == 3
    for row in run.history:
        assert {"metric", "val_metric"} <= set(row)
        assert 0.0 <= row["metric"] <= 1.0 and 0.0 <= row["val_metric"] <= 1.0
    ends = [e for e in events if isinstance(e, EpochEnded)]
    assert [e.logs["val_metric"] for e in ends] == [r["val_metric"] for r in run.history]
    # Early stopping keeps the weights of the best epoch; that model is the one saved.
    best = run.history[run.params["best_epoch"] - 1]
    assert best["val_metric"] == pytest.approx(run.metrics["dev"][goal.metric])
    # ... and scikit-learn agrees on the saved model's own predictions.
    assert goal.metric == "accuracy"
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    proba = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(dev))
    y_pred = np.array(goal.labels)[proba.argmax(axis=1)]
    expected = skm.accuracy_score(target_values(project, dev).to_numpy(), y_pred)
    assert best["val_metric"] == pytest.approx(expected)


def _fit_with(scorer, X, y, loss, outputs):
    import keras

    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(outputs)])
    if outputs > 1:
        model.add(keras.layers.Softmax())
    model.compile(optimizer="adam", loss=loss)
    history = model.fit(X, y, epochs=2, batch_size=32, verbose=0, callbacks=[scorer])
    return model, history.history


def test_regression_metric_is_scored_in_target_units():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)).astype("float32")
    values = 50 + 10 * X[:, 0] + rng.normal(size=300)
    prep = Preprocessor((), (), TargetCoding("regression", (), mean=50.0, scale=10.0))
    goal = Goal(task="regression", metric="r2", labels=(), positive_label=None)
    z = ((values - 50) / 10).astype("float32")
    scorer = EpochMetric.for_goal(goal, prep, {"train": X[:200], "dev": X[200:]},
                                  {"train": z[:200], "dev": z[200:]})
    model, history = _fit_with(scorer, X[:200], z[:200], "mse", 1)
    decoded = np.asarray(model.predict(X[200:], verbose=0)).reshape(-1) * 10 + 50
    assert history["val_metric"][-1] == pytest.approx(skm.r2_score(values[200:], decoded),
                                                      abs=1e-5)
    assert len(history["metric"]) == 2


def test_binary_f1_of_a_subsample_equals_sklearn_on_those_rows():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 4)).astype("float32")
    codes = (X[:, 0] + 0.5 * rng.normal(size=3000) > 0.3).astype("int64")
    labels = ["no", "yes"]
    goal = Goal(task="binary", metric="f1", labels=tuple(labels), positive_label="yes")
    prep = Preprocessor((), (), TargetCoding("binary", tuple(labels)))
    scorer = EpochMetric.for_goal(goal, prep, {"train": X, "dev": X[:500]},
                                  {"train": codes, "dev": codes[:500]}, max_rows=1000, seed=7)
    model, history = _fit_with(scorer, X, codes, "sparse_categorical_crossentropy", 2)
    rows = subsample(3000, 1000, seed=7)
    y_pred = np.array(labels)[model.predict(X[rows], verbose=0).argmax(axis=1)]
    expected = skm.f1_score(np.array(labels)[codes[rows]], y_pred, pos_label="yes")
    assert history["metric"][-1] == pytest.approx(expected)
    assert len(scorer.rows["metric"].X) == 1000 and len(scorer.rows["val_metric"].X) == 500


def test_outputs_that_are_not_numbers_give_nan():
    goal = Goal(task="binary", metric="accuracy", labels=("a", "b"), positive_label="b")
    metric_of = goal_metric(goal, np.array(["a", "b"], dtype=object))
    assert metric_of(np.array([[0.9, 0.1], [0.2, 0.8]])) == 1.0
    assert math.isnan(metric_of(np.array([[np.nan, np.nan], [0.2, 0.8]])))
