"""Class weights and class-balanced batches (engine.training.imbalance, engine.training.resampled_batches)."""

import keras
import numpy as np
import pytest

from engine.core.errors import DataError
from engine.training.imbalance import class_weights, explain
from engine.training.resampled_batches import ResampledBatches

Y_90_10 = np.array([0] * 90 + [1] * 10)


def test_class_weights_on_a_90_10_split():
    weights = class_weights(Y_90_10, 2)
    assert weights[0] == pytest.approx(100 / (2 * 90))  # 0.5556
    assert weights[1] == pytest.approx(5.0)
    # Each class weighs the same in total and the mean weight over the rows is 1.
    assert 90 * weights[0] == pytest.approx(10 * weights[1])
    assert np.mean([weights[c] for c in Y_90_10]) == pytest.approx(1.0)


def test_class_without_rows_gets_weight_zero_and_others_keep_mean_one():
    y = np.array([0, 0, 0, 2])
    weights = class_weights(y.reshape(-1, 1), 3)
    assert list(weights) == [0, 1, 2]
    assert weights[1] == 0.0
    assert weights[0] == pytest.approx(4 / 6) and weights[2] == pytest.approx(2.0)
    assert np.mean([weights[c] for c in y]) == pytest.approx(1.0)


@pytest.mark.parametrize("y", [np.array([0, 3]), np.array([0.5, 1.0]), np.array([-1, 0]),
                               np.array([]), np.array(["a", "b"])])
def test_class_weights_refuse_labels_that_are_not_class_indices(y):
    with pytest.raises(DataError):
        class_weights(y, 2)


def test_each_strategy_has_an_explanation():
    assert "Oversampling" in explain("oversample")
    with pytest.raises(ValueError):
        explain("smote")


def _data(n_major=45, n_minor=5):
    y = np.array([0] * n_major + [1] * n_minor)
    X = np.arange(len(y) * 6, dtype=np.float32).reshape(len(y), 2, 3)  # rank 3 inputs
    return X, y


def _epochs(batches, n):
    """The indices of ``n`` epochs, moving on the way ``fit`` does."""
    out = []
    for _ in range(n):
        batches.on_epoch_begin()
        out.append(batches.epoch_indices())
        batches.on_epoch_end()
    return out


def test_oversample_balances_and_keeps_every_minority_row():
    X, y = _data()
    batches = ResampledBatches(X, y, batch_size=8, strategy="oversample", seed=0)
    minority = set(np.flatnonzero(y == 1))
    first, second = _epochs(batches, 2)
    for indices in (first, second):
        assert np.bincount(y[indices]).tolist() == [45, 45]
        assert minority <= set(indices.tolist())
        assert set(np.flatnonzero(y == 0)) == set(indices[y[indices] == 0].tolist())
    assert not np.array_equal(first, second)  # reshuffled every epoch


def test_undersample_takes_a_fresh_majority_subset_each_epoch():
    X, y = _data()
    batches = ResampledBatches(X, y, batch_size=4, strategy="undersample", seed=0)
    majority_sets = []
    for indices in _epochs(batches, 2):
        assert np.bincount(y[indices]).tolist() == [5, 5]
        assert sorted(indices[y[indices] == 1].tolist()) == list(range(45, 50))
        assert len(set(indices.tolist())) == 10  # no row twice
        majority_sets.append(set(indices[y[indices] == 0].tolist()))
    assert majority_sets[0] != majority_sets[1]


def test_batches_cover_the_epoch_in_order():
    X, y = _data()
    batches = ResampledBatches(X, y, batch_size=8, strategy="undersample", seed=1)
    assert len(batches) == 2  # 10 rows: 8 + 2
    indices = batches.epoch_indices()
    xb, yb = batches[1]
    assert xb.shape == (2, 2, 3)
    np.testing.assert_array_equal(xb, X[indices[8:]])
    np.testing.assert_array_equal(yb, y[indices[8:]])
    with pytest.raises(IndexError):
        batches[2]


def test_the_rows_of_an_epoch_depend_only_on_seed_and_epoch():
    X, y = _data()
    straight = _epochs(ResampledBatches(X, y, 8, "undersample", seed=7), 3)
    resumed = ResampledBatches(X, y, 8, "undersample", seed=7, start_epoch=2)
    np.testing.assert_array_equal(straight[2], resumed.epoch_indices())
    other_seed = ResampledBatches(X, y, 8, "undersample", seed=8)
    assert not np.array_equal(straight[0], other_seed.epoch_indices())


def test_unusable_inputs_are_refused():
    X, y = _data()
    with pytest.raises(DataError):
        ResampledBatches(X, np.zeros(len(y), dtype=int))  # one class only
    with pytest.raises(DataError):
        ResampledBatches(X[:-1], y)
    with pytest.raises(ValueError):
        ResampledBatches(X, y, strategy="smote")


class _Recorder(keras.layers.Layer):
    """Passes its input on and keeps the row numbers (column 0) of every training batch."""

    def __init__(self, seen, **kwargs):
        super().__init__(**kwargs)
        self.record = seen.append  # a list attribute would be copied by Keras' tracking

    def call(self, x, training=None):
        if training:
            self.record(keras.ops.convert_to_numpy(x)[:, 0].astype(int))
        return x


def test_fit_with_resampled_batches_trains_on_each_epochs_rows():
    y = np.array([0] * 36 + [1] * 6)
    X = np.stack([np.arange(len(y)), y], axis=1).astype(np.float32)  # column 0: row number
    seen: list[np.ndarray] = []
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), _Recorder(seen),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=True)
    batches = ResampledBatches(X, y, batch_size=5, strategy="undersample", seed=4)
    history = model.fit(batches, validation_data=(X, y), epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and "val_loss" in history.history
    assert len(seen) == 2 * len(batches)  # 12 rows a epoch: 3 batches
    for epoch in range(2):
        rows = np.concatenate(seen[epoch * 3:(epoch + 1) * 3])
        expected = ResampledBatches(X, y, 5, "undersample", seed=4, start_epoch=epoch)
        assert sorted(rows.tolist()) == sorted(expected.epoch_indices().tolist())
