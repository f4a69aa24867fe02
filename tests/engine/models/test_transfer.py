"""Transfer learning from a saved model and from a keras.applications backbone."""

import socket

import h5py
import keras
import numpy as np
import pytest

from engine.core.errors import ProjectError
from engine.models import backbones, zoo
from engine.models.transfer import transfer_model

RNG = np.random.default_rng(1)


@pytest.fixture(scope="module")
def source_path(tmp_path_factory):
    """A tiny MLP on 5 inputs, trained for one epoch and saved."""
    model = zoo.build_model("mlp", (5,), "binary", 2, {"width": 6, "depth": 2}, augment=0.2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(RNG.normal(size=(16, 5)), RNG.integers(0, 2, 16), epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("source") / "source.keras"
    model.save(path)
    return str(path)


def _fit(model, n_classes=3):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(RNG.normal(size=(16, 5)), RNG.integers(0, n_classes, 16), epochs=2,
              batch_size=4, verbose=0)


def test_frozen_layers_keep_their_weights_and_the_head_trains(source_path):
    moved = transfer_model(source_path, (5,), "multiclass", 3, freeze_layers=1)
    model = moved.model
    assert moved.frozen == ("dense_1",) and moved.lr_multipliers == {}
    assert not model.get_layer("dense_1").trainable and model.get_layer("dense_2").trainable
    assert model.output.shape == (None, 3) and model.layers[-1].name == "head"
    source = keras.saving.load_model(source_path, compile=False)
    np.testing.assert_array_equal(model.get_layer("dense_1").get_weights()[0],
                                  source.get_layer("dense_1").get_weights()[0])
    before = {name: model.get_layer(name).get_weights()[0] for name in
              ("dense_1", "dense_2", "head")}
    _fit(model)
    np.testing.assert_array_equal(model.get_layer("dense_1").get_weights()[0],
                                  before["dense_1"])
    assert not np.allclose(model.get_layer("dense_2").get_weights()[0], before["dense_2"])
    assert not np.allclose(model.get_layer("head").get_weights()[0], before["head"])
    assert "1 of 2" in moved.note


def test_freeze_all_and_transfer_rates(source_path):
    frozen_all = transfer_model(source_path, (5,), "regression", 0, freeze_layers=-1)
    assert frozen_all.frozen == ("dense_1", "dense_2")
    assert [v.path for v in frozen_all.model.trainable_variables] == ["head/kernel", "head/bias"]
    rates = transfer_model(source_path, (5,), "multiclass", 3, freeze_layers=2,
                           transfer_rates=True)
    assert rates.frozen == () and all(layer.trainable for layer in rates.model.layers)
    assert rates.lr_multipliers == {"dense_1/kernel": 0.01, "dense_1/bias": 0.01,
                                    "dense_2/kernel": 0.1, "dense_2/bias": 0.1}
    paths = {v.path for v in rates.model.trainable_variables}
    assert set(rates.lr_multipliers) < paths and "head/kernel" in paths
    _fit(rates.model)


def test_augmentation_of_the_new_model_replaces_the_source_s(source_path):
    plain = transfer_model(source_path, (5,), "binary", 2)
    assert not [layer for layer in plain.model.layers if layer.name.startswith("augment_")]
    noisy = transfer_model(source_path, (5,), "binary", 2, augment=0.5)
    assert noisy.model.layers[1].name == "augment_noise"


def test_unusable_sources_are_plain_project_errors(source_path, tmp_path):
    with pytest.raises(ProjectError, match=r"shaped \(5,\).*shaped \(7,\)"):
        transfer_model(source_path, (7,), "binary", 2)
    with pytest.raises(ProjectError, match="no saved model"):
        transfer_model(str(tmp_path / "missing.keras"), (5,), "binary", 2)
    bad = tmp_path / "bad.keras"
    bad.write_text("not a model")
    with pytest.raises(ProjectError, match="cannot be read"):
        transfer_model(str(bad), (5,), "binary", 2)
    with pytest.raises(ProjectError, match="-1"):
        transfer_model(source_path, (5,), "binary", 2, freeze_layers=-2)
    with pytest.raises(ProjectError, match="not a backbone"):
        transfer_model("keras:NoSuchNet", (32, 32, 3), "binary", 2)


def test_backbone_without_cached_weights_says_so_without_network(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    built = []
    monkeypatch.setattr(keras.applications, "MobileNetV2",
                        lambda *a, **k: built.append(k))

    def no_network(*args, **kwargs):
        raise AssertionError("tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(ProjectError, match="weights of MobileNetV2 are not on this computer"):
        transfer_model("keras:MobileNetV2", (32, 32, 3), "binary", 2)
    assert built == []
    with pytest.raises(ProjectError, match="pictures"):
        transfer_model("keras:MobileNetV2", (32,), "binary", 2)


def test_backbone_with_cached_weights_loads_them_and_freezes(tmp_path, monkeypatch):
    from keras.src.legacy.saving import legacy_h5_format  # writes Keras' .h5 weight files

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    reference = keras.applications.MobileNetV2(include_top=False, weights=None,
                                               input_shape=(32, 32, 3))
    (tmp_path / "models").mkdir()
    file = tmp_path / "models" / backbones.weights_file("MobileNetV2", (32, 32))
    with h5py.File(file, "w") as fh:
        legacy_h5_format.save_weights_to_hdf5_group(fh, reference)
    moved = transfer_model("keras:MobileNetV2", (32, 32, 1), "multiclass", 4, freeze_layers=-1)
    model = moved.model
    names = [layer.name for layer in model.layers]
    assert names == ["input", "to_rgb", "base", "pool_global", "head"]
    base = model.get_layer("base")
    np.testing.assert_array_equal(base.get_layer("Conv1").get_weights()[0],
                                  reference.get_layer("Conv1").get_weights()[0])
    assert [v.path for v in model.trainable_variables] == ["head/kernel", "head/bias"]
    assert model.output.shape == (None, 4)
    rates = transfer_model("keras:MobileNetV2", (32, 32, 3), "binary", 2, transfer_rates=True)
    assert rates.lr_multipliers["Conv1/kernel"] == 0.01
    assert rates.lr_multipliers["Conv_1/kernel"] == 0.1  # the backbone's top layer
    assert rates.lr_multipliers["Conv_1_bn/gamma"] == 0.1
