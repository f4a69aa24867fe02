"""Hard-example mining (engine.training.hard_examples) on real tiny Keras training."""

import keras
import numpy as np
import pytest

from engine.models.train_params import TrainParams
from engine.training.hard_examples import (MAX_WEIGHT, HardExampleBatches, HardExampleMining,
                                           hard_weights, per_row_loss)
from engine.training.keras_fit import training_feed


def test_weights_follow_the_loss_keep_mean_one_and_are_capped():
    losses = np.array([0.1] * 99 + [50.0])
    w = hard_weights(losses, 1.0)
    assert w.mean() == pytest.approx(1.0)
    assert w[-1] == pytest.approx(MAX_WEIGHT)  # one row cannot drown all the others
    assert np.all(w[:-1] < 1.0)
    # Half the strength: half way between the loss ratio and 1.
    assert hard_weights(np.array([1.0, 1.0, 1.0, 5.0]), 0.5).tolist() == [0.75] * 3 + [1.75]
    assert np.all(hard_weights(losses, 0.0) == 1.0)
    assert np.all(hard_weights(np.zeros(4), 1.0) == 1.0)  # nothing wrong: all alike


def test_per_row_loss_is_the_training_loss_per_row():
    proba = np.array([[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]], dtype="float32")
    y = np.array([0, 0, 1])
    mean = float(keras.losses.SparseCategoricalCrossentropy()(y, proba))
    assert per_row_loss(proba, y, "binary").mean() == pytest.approx(mean, rel=1e-5)
    assert per_row_loss(np.array([[1.0], [3.0]]), np.array([2.0, 3.0]),
                        "regression").tolist() == [1.0, 0.0]


def _planted(n=300, seed=0):
    """Label = x0 > 0, except a planted tenth of rows (x1 > 1.2) where it is turned round."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)).astype("float32")
    minority = X[:, 1] > 1.2
    y = ((X[:, 0] > 0) ^ minority).astype("int64")
    return X, y, minority


def test_mining_weighs_up_the_rows_the_model_gets_wrong_and_only_training_rows():
    X, y, minority = _planted()
    X_dev, y_dev, _ = _planted(80, seed=1)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
    feed, y_fit, class_weight, steps = training_feed(
        X, y, "binary", 2, TrainParams(hard_examples=1.0, batch_size=32))
    assert isinstance(feed, HardExampleBatches) and y_fit is None and class_weight is None
    mining = HardExampleMining(feed, 1.0, "binary")
    scored = []  # every set of rows the mining scores
    predict = model.predict
    model.predict = lambda rows, **kw: scored.append(np.asarray(rows)) or predict(rows, **kw)
    model.fit(feed, validation_data=(X_dev, y_dev), epochs=6, verbose=0, callbacks=[mining])
    # One weight per training row and none for a dev row: the mined rows are the training rows.
    assert feed.weights.shape == (len(X),)
    assert len(scored) == 5 and all(np.array_equal(rows, X) for rows in scored)
    model.predict = predict
    assert [h["epoch"] for h in mining.history] == [2, 3, 4, 5, 6]  # all but the first
    mining.on_epoch_begin(6)  # the weights the final model would give the next epoch
    wrong = model.predict(X, verbose=0).argmax(1) != y
    assert wrong.sum() >= 10  # a linear model cannot learn the planted pattern
    assert feed.weights[wrong].mean() > 1.3 > 1.0 > feed.weights[~wrong].mean()
    assert feed.weights[minority].mean() > 1.2
    assert mining.history[-1]["top_tenth_share"] > 0.15  # 0.1 when all rows count alike
    # The batches carry those weights.
    x0, y0, w0 = feed[0]
    rows = feed._indices[:len(x0)]
    assert np.allclose(w0, feed.weights[rows])


def test_without_the_option_the_feed_is_unchanged():
    X, y, _ = _planted(40)
    x_fit, y_fit, _w, _steps = training_feed(X, y, "binary", 2, TrainParams())
    assert x_fit is X and y_fit is y


def test_class_weights_still_apply_under_hard_examples():
    X, y, _ = _planted(40)
    y = np.array([0] * 30 + [1] * 10)
    feed, *_ = training_feed(X, y, "binary", 2,
                             TrainParams(hard_examples=0.5, imbalance="class_weights"))
    assert feed.base[y == 1][0] == pytest.approx(2.0)
    assert feed.base[y == 0][0] == pytest.approx(40 / 60)


def test_strength_outside_zero_to_one_is_refused():
    from engine.core.errors import ProjectError
    with pytest.raises(ProjectError):
        TrainParams(hard_examples=1.5)


def test_a_run_with_hard_examples_keeps_the_setting_and_what_it_did(split_project):
    from engine.project.project import open_project
    from engine.training.job import TrainingSpec, run_training

    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"epochs": 3, "width": 8, "hard_examples": 0.7}))
    assert result.status == "finished"
    params = open_project(split_project.root).run(result.run_id).params
    assert params["hard_examples"] == 0.7
    assert params["hard_examples_max_weight"] > 1.0
    assert 0.1 < params["hard_examples_top_tenth_share"] < 1.0
