"""Saving a run's progress every epoch and resuming it (engine.training.checkpoint and friends)."""

import json

import keras
import numpy as np
import pytest

import engine.training.checkpoint_store as store
from engine.training.checkpoint import (Checkpointer, load_checkpoint, random_state_variables,
                               remove_checkpoint, restore)
from engine.core.errors import ProjectError
from engine.training.resumable_stopping import ResumableEarlyStopping

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 4)).astype(np.float32)
Y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int32)  # class indices as the engine codes them
BATCH = 16  # 3 steps per epoch


def _model(seed=1, width=8):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(width, activation="relu"),
                              keras.layers.Dropout(0.3),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss="sparse_categorical_crossentropy")
    return model


def _fit(model, epochs, callbacks, initial_epoch=0):
    return model.fit(X, Y, batch_size=BATCH, epochs=epochs, initial_epoch=initial_epoch,
                     validation_data=(X[:16], Y[:16]), shuffle=False, verbose=0,
                     callbacks=callbacks)


def _never_improving():
    """Early stopping for which only the first epoch counts as an improvement."""
    return ResumableEarlyStopping(monitor="val_loss", min_delta=1e6, patience=2,
                                  restore_best_weights=True)


def _assert_same(arrays, others):
    assert len(arrays) == len(others)
    for a, b in zip(arrays, others):
        np.testing.assert_array_equal(a, b)


def test_two_epochs_plus_one_resumed_equal_three_straight(tmp_path):
    straight = _model()
    _fit(straight, 3, [])

    first = _model()
    saver = Checkpointer(tmp_path)
    _fit(first, 2, [saver])
    assert len(saver.copy_seconds) == len(saver.write_seconds) == 2
    checkpoint = load_checkpoint(tmp_path)
    assert checkpoint.epoch == 2 and len(checkpoint.history) == 2
    assert {"loss", "val_loss"} <= set(checkpoint.history[0])
    _assert_same(checkpoint.weights, first.get_weights())
    assert len(checkpoint.random_states) == 1  # the dropout layer's seed state

    resumed = _model(seed=99)  # other initial weights: all must come from the checkpoint
    restore(resumed, checkpoint)
    _assert_same(resumed.get_weights(), checkpoint.weights)
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 6
    _fit(resumed, 3, [Checkpointer(tmp_path, history=checkpoint.history)], initial_epoch=2)
    assert int(keras.ops.convert_to_numpy(resumed.optimizer.iterations)) == 9
    # Same seed-state, optimizer moments and data order: on CPU the very same numbers.
    if keras.backend.backend() == "tensorflow":
        _assert_same(resumed.get_weights(), straight.get_weights())
    else:
        for a, b in zip(resumed.get_weights(), straight.get_weights()):
            np.testing.assert_allclose(a, b, atol=1e-5)
    again = load_checkpoint(tmp_path)
    assert again.epoch == 3 and again.history[:2] == checkpoint.history


def test_early_stopping_state_survives_resume(tmp_path):
    straight = _model()
    history = _fit(straight, 10, [_never_improving()])
    assert len(history.history["loss"]) == 3  # epoch 1 is best; patience 2 stops at 3

    model = _model()
    stopper = _never_improving()
    _fit(model, 2, [stopper, Checkpointer(tmp_path, stopper)])
    checkpoint = load_checkpoint(tmp_path)
    state = checkpoint.stopper_state
    assert (state["wait"], state["best_epoch"]) == (1, 0)
    assert state["best"] == pytest.approx(checkpoint.history[0]["val_loss"])

    resumed, stopper = _model(seed=5), _never_improving()
    restore(resumed, checkpoint, stopper)
    best_weights = [w.copy() for w in state["best_weights"]]
    more = _fit(resumed, 10, [stopper, Checkpointer(tmp_path, stopper)], initial_epoch=2)
    # A reset stopper would have counted from scratch and run 3 more epochs.
    assert len(more.history["loss"]) == 1
    assert (stopper.wait, stopper.best_epoch, stopper.stopped_epoch) == (2, 0, 2)
    assert stopper.best == pytest.approx(state["best"])
    _assert_same(resumed.get_weights(), best_weights)  # the best epoch's weights are back
    _assert_same(resumed.get_weights(), straight.get_weights())


def test_restore_refuses_a_plain_early_stopping_and_a_different_model(tmp_path):
    model = _model()
    stopper = _never_improving()
    _fit(model, 1, [stopper, Checkpointer(tmp_path, stopper)])
    checkpoint = load_checkpoint(tmp_path)
    with pytest.raises(TypeError):
        restore(_model(), checkpoint, keras.callbacks.EarlyStopping(patience=2))
    with pytest.raises(ProjectError):
        restore(_model(width=9), checkpoint)
    with pytest.raises(ProjectError):
        restore(_model(), checkpoint, ResumableEarlyStopping(monitor="loss"))


def test_checkpointer_must_come_after_the_stopper(tmp_path):
    stopper = _never_improving()
    with pytest.raises(RuntimeError, match="after the early stopping"):
        _fit(_model(), 1, [Checkpointer(tmp_path, stopper), stopper])


def test_a_kill_between_the_two_files_leaves_the_previous_checkpoint(tmp_path, monkeypatch):
    model = _model()
    _fit(model, 2, [Checkpointer(tmp_path)])
    saved = load_checkpoint(tmp_path)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies after the npz, before the json

    monkeypatch.setattr(store, "write_json", killed)
    with pytest.raises(KeyboardInterrupt):
        _fit(model, 3, [Checkpointer(tmp_path, background=False)], initial_epoch=2)
    assert (tmp_path / "checkpoint-1.npz").exists()  # epoch 3's arrays landed
    back = load_checkpoint(tmp_path)
    assert back.epoch == 2
    _assert_same(back.weights, saved.weights)
    _assert_same(back.optimizer_variables, saved.optimizer_variables)


def test_damaged_or_mismatched_files_load_as_none(tmp_path):
    assert load_checkpoint(tmp_path) is None  # nothing saved yet
    _fit(_model(), 3, [Checkpointer(tmp_path)])
    meta_path = tmp_path / "checkpoint.json"
    meta = json.loads(meta_path.read_text())
    assert meta["arrays"] == "checkpoint-1.npz" and meta["epoch"] == 3
    assert load_checkpoint(tmp_path).epoch == 3

    # The json names an npz from another epoch: the hash does not match.
    good = (tmp_path / "checkpoint-1.npz").read_bytes()
    (tmp_path / "checkpoint-1.npz").write_bytes((tmp_path / "checkpoint-0.npz").read_bytes())
    assert load_checkpoint(tmp_path) is None
    (tmp_path / "checkpoint-1.npz").write_bytes(good)
    assert load_checkpoint(tmp_path).epoch == 3

    for broken in ({**meta, "arrays": "../checkpoint-1.npz"}, {**meta, "epoch": 2},
                   {k: v for k, v in meta.items() if k != "counts"}):
        meta_path.write_text(json.dumps(broken))
        assert load_checkpoint(tmp_path) is None
    meta_path.write_text(json.dumps(meta)[:-40])  # half a json
    assert load_checkpoint(tmp_path) is None
    meta_path.write_text(json.dumps(meta))
    (tmp_path / "checkpoint-1.npz").unlink()
    assert load_checkpoint(tmp_path) is None


def test_remove_checkpoint_deletes_only_the_checkpoint_files(tmp_path):
    (tmp_path / "model.keras").write_text("kept")
    (tmp_path / ".checkpoint-0.npz.left-by-a-kill.npz").write_text("x")
    _fit(_model(), 2, [Checkpointer(tmp_path)])
    remove_checkpoint(tmp_path)
    assert load_checkpoint(tmp_path) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.keras"]
    remove_checkpoint(tmp_path)  # nothing left to remove: no error


def test_a_failed_background_write_stops_training_with_a_plain_error(tmp_path):
    not_a_folder = tmp_path / "run"
    not_a_folder.write_text("a file where the run folder should be")
    with pytest.raises(ProjectError, match="Could not write"):
        _fit(_model(), 2, [Checkpointer(not_a_folder)])


def test_random_state_variables_are_the_dropout_seeds():
    paths = [v.path for v in random_state_variables(_model())]
    assert len(paths) == 1 and "seed_generator" in paths[0]


def test_files_round_trip_without_pickle(tmp_path):
    import ml_dtypes

    half = np.array([1.5, -2.25], dtype=ml_dtypes.bfloat16)  # numpy cannot store it as is
    saved = store.Checkpoint(
        epoch=4, history=[{"loss": float("nan"), "val_loss": 0.5}],
        weights=[np.arange(6, dtype=np.float32).reshape(2, 3), half],
        optimizer_variables=[np.array(12, dtype=np.int64)],
        stopper_state={"monitor": "val_loss", "best": 0.5, "wait": 1, "best_epoch": 2,
                       "best_weights": [np.ones(3, dtype=np.float32)]})
    store.write_checkpoint(tmp_path, saved)
    back = load_checkpoint(tmp_path)
    assert back.epoch == 4 and np.isnan(back.history[0]["loss"])
    assert back.history[0]["val_loss"] == 0.5
    _assert_same(back.weights[:1], saved.weights[:1])
    assert back.weights[1].dtype == np.float32 and back.weights[1].tolist() == [1.5, -2.25]
    assert back.optimizer_variables[0].dtype == np.int64 and back.random_states == []
    assert {k: v for k, v in back.stopper_state.items() if k != "best_weights"} == {
        "monitor": "val_loss", "best": 0.5, "wait": 1, "best_epoch": 2}
    _assert_same(back.stopper_state["best_weights"], [np.ones(3)])
    with np.load(tmp_path / "checkpoint-0.npz", allow_pickle=False) as data:
        assert all(data[name].dtype != object for name in data.files)


def test_backend_generator_states_round_trip_and_older_checkpoints_load_without(tmp_path):
    state = np.arange(16, dtype=np.uint8)  # PyTorch's generator state is raw bytes
    saved = store.Checkpoint(epoch=1, history=[{"loss": 1.0}], weights=[np.ones(2)],
                             optimizer_variables=[], backend_random_states=[state])
    store.write_checkpoint(tmp_path, saved)
    back = load_checkpoint(tmp_path)
    assert len(back.backend_random_states) == 1
    assert back.backend_random_states[0].dtype == np.uint8
    _assert_same(back.backend_random_states, [state])
    # A checkpoint written before the group existed names no count for it.
    meta = json.loads((tmp_path / store.JSON_FILE).read_text())
    del meta["counts"]["backend_random_states"]
    (tmp_path / store.JSON_FILE).write_text(json.dumps(meta))
    older = load_checkpoint(tmp_path)
    assert older is not None and older.backend_random_states == []
    _assert_same(older.weights, saved.weights)
