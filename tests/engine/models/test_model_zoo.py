"""The model zoo: architecture dataclasses, each family's builder, and augmentation layers."""

import subprocess
import sys

import keras
import numpy as np
import pytest

from engine.core.errors import ProjectError
from engine.models import zoo
from engine.models.augmentation import RandomScaling, RandomTimeShift, augmentation_names
from engine.models.cnn import pooled_blocks
from engine.models.mlp_params import MlpParams
from engine.models.sequence_params import SequenceParams
from engine.models.text_params import TextParams

RNG = np.random.default_rng(0)
VOCAB = 30
SHAPES = {"mlp": (5,), "cnn": (12, 12, 3), "conv1d": (16, 2), "gru": (12,), "lstm": (10, 2),
          "text_pool": (8,), "text_conv": (8,)}


def _inputs(kind, n=12):
    shape = SHAPES[kind]
    if kind.startswith("text"):
        return RNG.integers(0, VOCAB, size=(n,) + shape, dtype=np.int32)
    return RNG.normal(size=(n,) + shape).astype("float32")


def test_params_keep_known_keys_and_label_in_plain_words():
    p = MlpParams.from_dict({"width": 8, "depth": 3, "epochs": 5, "learning_rate": 0.1})
    assert p.label() == "Keras MLP, 3 x 8"
    assert set(p.to_dict()) == {"width", "depth", "activation", "dropout", "l2", "batch_norm",
                                "init"}
    assert MlpParams.from_dict(p.to_dict()) == p
    with pytest.raises(ValueError, match="activation"):
        MlpParams(activation="swish")
    arch = zoo.arch_params("lstm", {"cell": "gru", "width": 16, "batch_size": 8})
    assert isinstance(arch, SequenceParams) and arch.cell == "lstm" and arch.width == 16
    assert zoo.arch_params("text_conv", {}).encoder == "conv1d"
    assert "GRU" in SequenceParams(cell="gru").label()
    assert "average" in TextParams().label()


def test_registry_by_data_kind_and_no_keras_import():
    assert zoo.kinds_for("sequence") == ("conv1d", "gru", "lstm")
    assert zoo.kinds_for("text") == ("text_pool", "text_conv")
    assert [zoo.default_kind(k) for k in ("table", "images", "sequence", "text")] == \
        ["mlp", "cnn", "conv1d", "text_pool"]
    assert zoo.is_keras_kind("cnn") and not zoo.is_keras_kind("linear")
    assert all(zoo.FAMILIES[k].describe() for k in zoo.FAMILIES)
    with pytest.raises(ProjectError, match="not a model family"):
        zoo.build_model("transformer", (5,), "binary", 2, {})
    code = ("import sys, engine.models.zoo as z; z.kinds_for('table'); "
            "sys.exit(1 if 'keras' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@pytest.mark.parametrize("kind,batch_norm", [
    ("mlp", True), ("cnn", False), ("conv1d", True), ("gru", False), ("lstm", False),
    ("text_pool", False), ("text_conv", True)])
def test_each_family_trains_and_predicts_the_same_twice(kind, batch_norm):
    X, y = _inputs(kind), RNG.integers(0, 3, size=12, dtype=np.int32)
    model = zoo.build_model(kind, SHAPES[kind], "multiclass", 3,
                            {"width": 8, "depth": 1, "filters": 4, "batch_norm": batch_norm,
                             "seed": 3}, augment=0.5, vocab_size=VOCAB)
    assert not model.compiled
    assert model.layers[0].name == "input" and model.layers[-1].name == "head"
    assert ("dense_1_bn" in [layer.name for layer in model.layers]) == batch_norm
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(X, y, epochs=2, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    first, again = model.predict(X, verbose=0), model.predict(X, verbose=0)
    assert first.shape == (12, 3)
    np.testing.assert_allclose(first.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(first, again)  # augmentation is off at inference


def test_regression_has_one_linear_output_and_activations_stay_in_dense_layers():
    X, y = _inputs("mlp"), RNG.normal(size=12).astype("float32")
    model = zoo.build_model("mlp", (5,), "regression", 0, {"width": 8, "depth": 2})
    assert model.get_layer("dense_1").get_config()["activation"] == "relu"
    assert model.get_layer("head").get_config()["activation"] == "linear"
    model.compile(optimizer="adam", loss="mean_squared_error")
    model.fit(X, y, epochs=1, verbose=0)
    assert model.predict(X, verbose=0).shape == (12, 1)
    bn = zoo.build_model("mlp", (5,), "binary", 2, {"width": 8, "batch_norm": True,
                                                    "activation": "tanh"})
    assert bn.get_layer("dense_1").get_config()["activation"] == "linear"
    assert bn.get_layer("dense_1_act").get_config()["activation"] == "tanh"


def test_augmentation_layers_only_when_asked_and_never_for_text():
    for kind in ("mlp", "cnn", "gru"):
        assert augmentation_names(zoo.build_model(kind, SHAPES[kind], "binary", 2, {})) == ()
    assert augmentation_names(zoo.build_model("mlp", (5,), "binary", 2, {}, augment=0.3)) == \
        ("augment_noise",)
    assert len(augmentation_names(zoo.build_model("cnn", (12, 12, 3), "binary", 2, {},
                                                  augment=0.3))) == 3  # no flip, no turn
    seq = zoo.build_model("conv1d", (16, 2), "binary", 2, {}, augment=0.3)
    assert augmentation_names(seq) == ("augment_jitter", "augment_scale", "augment_time_shift")
    assert seq.layers[1].name == "augment_jitter"  # right after the input
    text = zoo.build_model("text_pool", (8,), "binary", 2, {}, augment=1.0, vocab_size=VOCAB)
    assert augmentation_names(text) == ()


def test_sequence_augmentation_shifts_and_scales_each_example_in_training_only():
    x = np.tile(np.arange(20, dtype="float32")[None, :, None], (6, 1, 2))
    shift = RandomTimeShift(0.2, seed=1)
    np.testing.assert_array_equal(np.asarray(shift(x, training=False)), x)
    rolled = np.asarray(shift(x, training=True))
    for row in rolled:
        k = int(-row[0, 0]) % 20  # the shift that moved step 0's value to row[0]
        np.testing.assert_array_equal(row[:, 0], np.roll(np.arange(20), k))
        np.testing.assert_array_equal(row[:, 1], row[:, 0])
        assert min(k, 20 - k) <= 4
    assert len({tuple(r[:, 0]) for r in rolled}) > 1  # each example its own shift
    scale = RandomScaling(0.5, seed=1)
    scaled = np.asarray(scale(x + 1.0, training=True))
    ratios = scaled / (x + 1.0)
    assert np.allclose(ratios, ratios[:, :1, :1], rtol=1e-5)  # one factor per example
    assert ratios[:, 0, 0].std() > 0.01
    np.testing.assert_array_equal(np.asarray(scale(x, training=False)), x)


def test_model_with_augmentation_saves_and_loads_in_safe_mode(tmp_path):
    model = zoo.build_model("conv1d", (16, 2), "regression", 0, {"width": 4}, augment=1.0)
    X = _inputs("conv1d", 4)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert augmentation_names(loaded) == augmentation_names(model)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0),
                               rtol=1e-6)


def test_cnn_blocks_stop_before_the_side_drops_below_four():
    assert pooled_blocks(28, 3) == 2 and pooled_blocks(8, 3) == 1 and pooled_blocks(6, 2) == 0
    model = zoo.build_model("cnn", (8, 8), "binary", 2, {"blocks": 3, "filters": 4})
    names = [layer.name for layer in model.layers]
    assert "channels" in names and "pool_1" in names and "pool_2" not in names
    assert model.get_layer("conv_1").output.shape[-1] == 4


def test_text_pool_ignores_padding_and_word_order():
    model = zoo.build_model("text_pool", (6,), "binary", 2, {"width": 4}, vocab_size=VOCAB)
    a = np.array([[5, 9, 0, 0, 0, 0]])
    b = np.array([[0, 0, 0, 9, 5, 0]])
    np.testing.assert_allclose(model.predict(a, verbose=0), model.predict(b, verbose=0),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="vocab_size"):
        zoo.build_model("text_conv", (6,), "binary", 2, {})
