"""Per-batch losses recovered from Keras' running epoch mean, and their smoothed line."""

import math

import numpy as np
import pytest

from engine.training.monitor.batch_loss import BatchLossTracker
from engine.split.datasets import split_frame
from engine.core.jobs import BatchEnded, CancelToken, EpochEnded
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training


def running_means(losses, sizes):
    """What Keras reports after each batch: the row-weighted mean since the epoch began."""
    sizes = np.asarray(sizes, dtype=float)
    return np.cumsum(np.asarray(losses) * sizes) / np.cumsum(sizes)


def ema(values, beta):
    out, s = [], 0.0
    for t, v in enumerate(values, start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta ** t))
    return out


def test_equal_batches_give_back_each_batch_loss_and_the_bias_corrected_average():
    epochs = [[2.0, 1.5, 1.8, 1.1, 0.9], [0.8, 1.2, 0.7]]
    tracker = BatchLossTracker(smoothing=0.9)
    got, smooth = [], []
    for losses in epochs:
        for k, m in enumerate(running_means(losses, [1] * len(losses))):
            b, s = tracker.update(k, float(m))
            got.append(b)
            smooth.append(s)
    flat = [v for losses in epochs for v in losses]
    assert got == pytest.approx(flat, rel=1e-12)
    # The average runs across epochs; the differencing restarts at each epoch.
    assert smooth == pytest.approx(ema(flat, 0.9), rel=1e-12)
    assert smooth[0] == pytest.approx(2.0)  # bias correction: no pull towards 0 at start


def test_the_smaller_last_batch_is_exact_when_sizes_are_known():
    losses, sizes = [0.9, 0.7, 0.2], [4, 4, 2]  # 10 rows, batches of 4
    means = running_means(losses, sizes)
    exact = BatchLossTracker(batch_size=4, n_samples=10)
    assert [exact.update(k, m)[0] for k, m in enumerate(means)] == pytest.approx(losses)
    naive = BatchLossTracker()  # treats every batch as equal: the last one comes out wrong
    assert [naive.update(k, m)[0] for k, m in enumerate(means)][-1] != pytest.approx(0.2)


def test_a_non_finite_loss_is_reported_but_does_not_poison_the_average():
    tracker = BatchLossTracker(smoothing=0.5)
    assert tracker.update(0, 1.0) == (1.0, 1.0)
    loss, smoothed = tracker.update(1, math.inf)
    assert not math.isfinite(loss) and smoothed == 1.0
    with pytest.raises(ValueError):
        BatchLossTracker(smoothing=1.0)


def test_keras_batches_match_losses_computed_independently():
    """With a learning rate of 0 the weights stay put, so each batch's loss can be
    recomputed from the model; the callback must report exactly those."""
    import keras

    from engine.training.monitor.callbacks import ProgressAndCancel

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4)).astype("float32")
    y = (X[:, 0] > 0).astype("int32")  # class indices as the engine codes them
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss="sparse_categorical_crossentropy")
    events = []
    watcher = ProgressAndCancel("r", 2, events.append, CancelToken(), batch_size=16,
                                n_samples=50, min_interval=0.0)  # every batch is sent
    history = model.fit(X, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                        callbacks=[watcher])
    expected = []
    for start in range(0, 50, 16):
        proba = model.predict_on_batch(X[start:start + 16])
        losses = keras.losses.sparse_categorical_crossentropy(y[start:start + 16], proba)
        expected.append(float(np.mean(keras.ops.convert_to_numpy(losses))))
    batches = [e for e in events if isinstance(e, BatchEnded)]
    assert [e.step for e in batches] == list(range(1, 9))  # steps run on across epochs
    assert [e.batch_loss for e in batches] == pytest.approx(expected * 2, rel=1e-4)
    sizes = [16, 16, 16, 2]
    for epoch in range(2):
        part = [e.batch_loss for e in batches[4 * epoch:4 * epoch + 4]]
        assert np.average(part, weights=sizes) == pytest.approx(
            history.history["loss"][epoch], rel=1e-5)
    # The learning rate is read at each epoch's first batch and every 10th step.
    assert [(e.step, e.learning_rate) for e in batches if e.learning_rate is not None] == [
        (1, 0.0), (5, 0.0)]


def test_training_events_carry_batch_losses_whose_epoch_mean_is_the_epoch_loss(
        split_project, monkeypatch):
    monkeypatch.setattr("engine.training.monitor.callbacks.MIN_EVENT_INTERVAL", 0.0)  # send every batch
    events = []
    batch_size = 16
    run_training(TrainingSpec(str(split_project.root), "mlp",
                              {"epochs": 2, "batch_size": batch_size, "dropout": 0.3}),
                 events.append)
    n_train = len(split_frame(open_project(split_project.root), "train"))
    sizes = [min(batch_size, n_train - start) for start in range(0, n_train, batch_size)]
    epochs, current = [], []
    for event in events:
        if isinstance(event, BatchEnded):
            current.append(event)
        elif isinstance(event, EpochEnded):
            epochs.append((event, current))
            current = []
    assert len(epochs) == 2
    for ended, batches in epochs:
        assert len(batches) == len(sizes)
        losses = [b.batch_loss for b in batches]
        assert np.average(losses, weights=sizes) == pytest.approx(ended.logs["loss"], rel=1e-5)
        # Keras' running mean is what ``loss`` still carries.
        assert batches[-1].loss == pytest.approx(ended.logs["loss"], rel=1e-6)
        assert all(math.isfinite(b.smoothed) for b in batches)
    assert len({round(b.batch_loss, 6) for _, bs in epochs for b in bs}) > len(sizes)
    lrs = [b.learning_rate for _, bs in epochs for b in bs if b.learning_rate is not None]
    assert lrs and lrs[0] == pytest.approx(1e-3)
