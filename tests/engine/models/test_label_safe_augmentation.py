"""Image augmentation keeps the label: it never mirrors or turns a picture unless the user
said that a mirrored (turned) picture keeps its right answer. Checked on the layers a model
gets and on what those layers do to a picture."""

import keras
import numpy as np
import pytest

from engine.core.errors import ProjectError
from engine.models import zoo
from engine.models.augmentation import augmentation_layers, augmentation_names
from engine.models.train_params import TrainParams
from engine.models.transfer import transfer_model

SIDE = 32
SAFE = ("augment_zoom", "augment_shift", "augment_contrast")


def _label_changing(model) -> list:
    return [layer for layer in model.layers
            if isinstance(layer, (keras.layers.RandomFlip, keras.layers.RandomRotation))]


@pytest.mark.parametrize("strength", [0.1, 1.0])
def test_a_cnn_never_flips_or_turns_unless_allowed(strength):
    for params in ({}, {"flip_keeps_label": False, "rotate_keeps_label": False},
                   {"flip_keeps_label": "true"}):  # a typed word is not a yes
        model = zoo.build_model("cnn", (12, 12, 1), "multiclass", 10, params, augment=strength)
        assert augmentation_names(model) == SAFE and not _label_changing(model)
    flips = zoo.build_model("cnn", (12, 12, 1), "multiclass", 10,
                            {"flip_keeps_label": True}, augment=strength)
    assert augmentation_names(flips) == ("augment_flip", *SAFE)
    turns = zoo.build_model("cnn", (12, 12, 1), "multiclass", 10,
                            {"rotate_keeps_label": True}, augment=strength)
    assert augmentation_names(turns) == ("augment_rotation", *SAFE)
    assert [type(x) for x in _label_changing(turns)] == [keras.layers.RandomRotation]
    # Other kinds ignore the two settings: nothing of theirs mirrors.
    table = zoo.build_model("mlp", (5,), "binary", 2, {"flip_keeps_label": True}, augment=1.0)
    assert augmentation_names(table) == ("augment_noise",)


def _slopes(layers, seed_images: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``layers`` in training to copies of a left-to-right ramp and fit a plane
    ``a * column + b * row + c`` to each result: a < 0 means it was mirrored, a large
    ``|b / a|`` that it was turned."""
    ramp = np.tile(np.linspace(-1, 1, SIDE, dtype="float32")[None, :], (SIDE, 1))
    x = np.repeat(ramp[None, :, :, None], seed_images, axis=0)
    for layer in layers:
        x = layer(x, training=True)
    out = np.asarray(x)[..., 0].reshape(seed_images, -1)
    rows, cols = np.mgrid[0:SIDE, 0:SIDE]
    plane = np.stack([cols.ravel(), rows.ravel(), np.ones(SIDE * SIDE)], axis=1)
    a, b, _c = np.linalg.lstsq(plane, out.T, rcond=None)[0]
    return a, np.abs(b / a)


def test_the_pictures_are_never_mirrored_or_turned_unless_allowed():
    a, tilt = _slopes(augmentation_layers("images", 1.0, seed=1))
    assert (a > 0).all()  # every copy still rises left to right: none mirrored
    assert tilt.max() < 0.2  # and none turned (shifts alone tilt the fit a little)
    a, tilt = _slopes(augmentation_layers("images", 1.0, seed=1, flip=True))
    assert 0.3 < (a < 0).mean() < 0.7  # allowed: about half are mirrored
    a, tilt = _slopes(augmentation_layers("images", 1.0, seed=1, rotate=True))
    assert (a > 0).all() and (tilt > 0.2).mean() > 0.3  # allowed: many are turned


def test_the_settings_are_off_by_default_and_for_older_runs():
    assert TrainParams().flip_keeps_label is False and TrainParams().rotate_keeps_label is False
    old_run = {"optimizer": "adam", "augment": 0.5, "width": 8, "epochs_run": 3}
    params = TrainParams.from_dict(old_run)
    assert (params.flip_keeps_label, params.rotate_keeps_label) == (False, False)
    assert TrainParams.from_dict({"flip_keeps_label": True}).flip_keeps_label is True
    with pytest.raises(ProjectError, match="true or false"):
        TrainParams(rotate_keeps_label="yes")


def test_a_transferred_picture_model_gets_only_what_is_allowed(tmp_path):
    source = zoo.build_model("cnn", (12, 12, 1), "multiclass", 3,
                             {"flip_keeps_label": True, "rotate_keeps_label": True,
                              "filters": 4}, augment=0.5)
    path = tmp_path / "source.keras"
    source.save(path)
    plain = transfer_model(str(path), (12, 12, 1), "binary", 2, augment=0.5)
    assert augmentation_names(plain.model) == SAFE  # the source's flips are not kept
    flips = transfer_model(str(path), (12, 12, 1), "binary", 2, augment=0.5, flip=True)
    assert augmentation_names(flips.model) == ("augment_flip", *SAFE)
