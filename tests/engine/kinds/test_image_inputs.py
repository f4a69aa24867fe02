"""The image coding: size and channel rules, training-only statistics, memo, JSON round trip."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from engine.core.errors import DataError
from engine.data.image_folder import read_image_folder
from engine.kinds.image_inputs import (ImageInputs, _decoded, decode_images, fit_image_inputs,
                                 fitted_size)
from tests.engine.data.test_image_folder import make_image_folder, save_image


@pytest.fixture
def pets(tmp_path):
    root = make_image_folder(tmp_path / "pets")
    return root, read_image_folder(root).frame


def test_size_is_shrunk_median_with_sides_of_at_least_8():
    assert fitted_size(480, 640, 64) == (48, 64)
    assert fitted_size(14, 20, 64) == (14, 20)  # never enlarged
    assert fitted_size(14, 20, 10) == (8, 10)  # 7 would be below 8
    assert fitted_size(1000, 10, 64) == (64, 8)


def test_channels_rule_and_shapes(pets):
    root, frame = pets
    y = frame["class"]
    colour = fit_image_inputs(frame, root, "binary", ["cats", "dogs"], y)
    assert colour.channels == 3 and colour.input_shape == (14, 20, 3)
    X = colour.transform(frame)
    assert X.shape == (7, 14, 20, 3) and X.dtype == np.float32
    grey_rows = frame[frame["file"].isin(["cats/c.png", "dogs/c.jpg"])]
    grey = fit_image_inputs(grey_rows, root, "binary", ["cats", "dogs"], None, max_side=10)
    assert grey.channels == 1 and grey.input_shape == (8, 10, 1)
    assert grey.transform(frame).shape == (7, 8, 10, 1)  # colour images become grey
    assert colour.encode_target(pd.Series(["dogs", "cats"])).tolist() == [1, 0]


def test_statistics_come_from_training_images_only(pets):
    root, frame = pets
    train = frame[frame["class"] == "cats"]  # red images (and one grey)
    dev = frame[frame["class"] == "dogs"]  # blue images
    coding = fit_image_inputs(train, root, "binary", ["cats", "dogs"], None)
    raw_train = decode_images(str(root), train["file"].tolist(), 14, 20, 3) / 255.0
    assert np.allclose(coding.mean, raw_train.reshape(-1, 3).mean(axis=0))
    assert np.allclose(coding.std, raw_train.reshape(-1, 3).std(axis=0))
    assert coding.mean[0] > 0.5 > coding.mean[2]  # red training pixels
    X_train = coding.transform(train)
    assert np.allclose(X_train.reshape(-1, 3).mean(axis=0), 0.0, atol=1e-5)
    raw_dev = decode_images(str(root), dev["file"].tolist(), 14, 20, 3) / 255.0
    expected = (raw_dev - np.array(coding.mean)) / np.array(coding.std)
    assert np.allclose(coding.transform(dev), expected, atol=1e-5)
    refit_with_dev = fit_image_inputs(frame, root, "binary", ["cats", "dogs"], None)
    assert refit_with_dev.mean != coding.mean  # so the dev pixels really were left out


def test_flat_pools_to_at_most_16_by_16():
    coding = ImageInputs("x", 32, 20, 3, (0.0,) * 3, (1.0,) * 3, None)
    X = np.random.default_rng(0).normal(size=(2, 32, 20, 3)).astype(np.float32)
    flat = coding.flat(X)
    assert flat.shape == (2, 16 * 16 * 3) == (2, coding.n_inputs) and flat.dtype == np.float32
    pooled = flat.reshape(2, 16, 16, 3)
    assert np.allclose(pooled[1, 0, 0], X[1, 0:2, 0:1].mean(axis=(0, 1)))
    assert np.allclose(pooled[0, 15, 15], X[0, 30:32, 18:20].mean(axis=(0, 1)))
    small = ImageInputs("x", 8, 10, 1, (0.0,), (1.0,), None)
    Xs = np.arange(80, dtype=np.float32).reshape(1, 8, 10, 1)
    assert np.array_equal(small.flat(Xs), Xs.reshape(1, -1))


def test_round_trip_through_json_gives_the_same_transform(pets):
    root, frame = pets
    values = pd.Series(np.linspace(1.0, 7.0, len(frame)))
    coding = fit_image_inputs(frame, root, "regression", None, values, max_side=12)
    again = ImageInputs.from_dict(json.loads(json.dumps(coding.to_dict())))
    assert again == coding and again.to_dict()["kind"] == "images"
    assert np.array_equal(again.transform(frame), coding.transform(frame))
    z = coding.encode_target(values)
    assert np.allclose(coding.decode_regression(z), values)


def test_memo_reuses_decoded_images_until_the_file_changes(pets):
    root, frame = pets
    coding = fit_image_inputs(frame, root, "binary", ["cats", "dogs"], None)
    first = coding.transform(frame)
    before = _decoded.cache_info()
    assert np.array_equal(coding.transform(frame), first)
    after = _decoded.cache_info()
    assert after.hits - before.hits == len(frame) and after.misses == before.misses
    path = root / "dogs" / "a.png"
    save_image(path, (250, 250, 250))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed = coding.transform(frame)
    row = frame["file"].tolist().index("dogs/a.png")
    assert not np.allclose(changed[row], first[row])


def test_transparency_orientation_and_16_bit_grey(tmp_path):
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(tmp_path / "clear.png")
    assert decode_images(str(tmp_path), ["clear.png"], 10, 10, 3).min() == 255  # white
    exif = Image.Exif()
    exif[0x0112] = 6
    picture = np.zeros((10, 20, 3), dtype=np.uint8)
    picture[:, :10] = 255  # left half white
    Image.fromarray(picture).save(tmp_path / "turned.jpg", exif=exif.tobytes(), quality=95)
    upright = decode_images(str(tmp_path), ["turned.jpg"], 20, 10, 1)[0, :, :, 0]
    assert upright[:8].mean() > 200 and upright[12:].mean() < 50  # white moved to the top
    deep = np.full((6, 6), 65535 // 2, dtype=np.uint16)
    Image.fromarray(deep).save(tmp_path / "deep.png")
    value = decode_images(str(tmp_path), ["deep.png"], 6, 6, 1)
    assert abs(int(value[0, 0, 0, 0]) - 127) <= 1


def test_missing_images_and_columns_are_plain_errors(pets):
    root, frame = pets
    coding = fit_image_inputs(frame, root, "binary", ["cats", "dogs"], None)
    with pytest.raises(DataError, match="'cats/gone.png'"):
        coding.transform(pd.DataFrame({"file": ["cats/gone.png"]}))
    with pytest.raises(DataError, match="no 'file' column"):
        coding.transform(pd.DataFrame({"path": ["cats/a.png"]}))
    with pytest.raises(DataError, match="no training images"):
        fit_image_inputs(frame.iloc[:0], root, "binary", ["cats", "dogs"], None)
