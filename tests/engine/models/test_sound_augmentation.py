"""Sound augmentation: each change keeps a clip's shape and really does what it says (a
pitch shift moves a pure tone's frequency, a time shift rolls it, a stretch changes its
duration before the clip is cut or padded, a crop silences the rest, noise follows the
clip's level); every layer draws afresh per batch in training and is the identity outside
it, so a sound model's training batches change but its dev rows do not."""

import keras
import numpy as np
import pytest

from engine.models.augmentation import RandomTimeShift, augmentation_layers
from engine.models.safe_model_check import check_model_file
from engine.models.sound_augmentation import (RandomExcerpt, RandomPitch, RandomStretch,
                                              SoundNoise, grain_length, regrained)
from engine.models.train_params import TrainParams, label_keeping, sound_changes
from engine.models.zoo import build_model

RATE, N = 8000, 4000  # half a second at 8 kHz, as the bundled machine sounds


def tone(hz, seconds=N / RATE, level=0.3, clips=4):
    t = np.arange(int(seconds * RATE)) / RATE
    one = np.zeros(N, np.float32)
    one[:len(t)] = level * np.sin(2 * np.pi * hz * t)
    return np.repeat(one[None, :, None], clips, axis=0)


def peak_hz(clip):
    return float(np.argmax(np.abs(np.fft.rfft(clip))) * RATE / len(clip))


def last_sound(clip):
    return int(np.nonzero(np.abs(clip) > 1e-3)[0].max())


def per_clip(value, clips=4):
    return keras.ops.convert_to_tensor(np.full((clips, 1, 1), value, np.float32))


def test_grains_at_pace_and_pitch_one_give_the_clip_back():
    x = np.random.default_rng(0).normal(size=(2, N, 1)).astype(np.float32)
    back = np.asarray(regrained(x, per_clip(1.0, 2), per_clip(1.0, 2), grain_length(N)))
    np.testing.assert_allclose(back, x, atol=1e-5)


def test_a_pitch_shift_moves_a_tone_and_keeps_its_length():
    x = tone(500)
    up = np.asarray(regrained(x, per_clip(1.0), per_clip(1.2), grain_length(N)))
    down = np.asarray(regrained(x, per_clip(1.0), per_clip(0.8), grain_length(N)))
    assert up.shape == x.shape
    assert abs(peak_hz(up[0, :, 0]) - 600) <= 32  # the grains' hop (62.5 Hz) is the grid
    assert abs(peak_hz(down[0, :, 0]) - 400) <= 32
    assert last_sound(up[0, :, 0]) > N - 200  # still sounds to the end: length kept
    shifted = np.asarray(RandomPitch(3.0, seed=1)(tone(500, clips=16), training=True))
    peaks = [peak_hz(c) for c in shifted[:, :, 0]]
    assert max(peaks) > 530 and min(peaks) < 470  # drawn up and down per clip
    assert all(500 * 2 ** (-3 / 12) - 32 <= p <= 500 * 2 ** (3 / 12) + 32 for p in peaks)


def test_a_stretch_changes_the_duration_before_the_cut_and_keeps_the_pitch():
    burst = tone(500, seconds=0.25)  # a quarter second of tone, then silence
    faster = np.asarray(regrained(burst, per_clip(1.25), per_clip(1.0), grain_length(N)))
    slower = np.asarray(regrained(burst, per_clip(0.8), per_clip(1.0), grain_length(N)))
    assert faster.shape == slower.shape == burst.shape
    assert last_sound(burst[0, :, 0]) == pytest.approx(2000, abs=2)
    assert last_sound(faster[0, :, 0]) == pytest.approx(2000 / 1.25, abs=grain_length(N))
    assert last_sound(slower[0, :, 0]) == pytest.approx(2000 / 0.8, abs=grain_length(N))
    assert abs(peak_hz(faster[0, :, 0]) - 500) <= 32 and abs(peak_hz(slower[0, :, 0]) - 500) <= 32
    # a slower whole clip runs past the end and is cut there: the shape stays
    stretched = np.asarray(RandomStretch(0.2, seed=3)(burst, training=True))
    assert stretched.shape == burst.shape
    assert len({last_sound(c) for c in stretched[:, :, 0]}) > 1


def test_a_time_shift_rolls_the_clip():
    click = np.zeros((8, N, 1), np.float32)
    click[:, 1000] = 1.0
    shifted = np.asarray(RandomTimeShift(0.2, seed=2)(click, training=True))
    moved = [int(np.argmax(c)) - 1000 for c in shifted[:, :, 0]]
    assert any(moved) and all(abs(m) <= 0.2 * N for m in moved)
    for clip, m in zip(shifted[:, :, 0], moved):
        np.testing.assert_array_equal(clip, np.roll(click[0, :, 0], m))


def test_a_crop_keeps_one_excerpt_and_silences_the_rest():
    x = tone(500)
    cropped = np.asarray(RandomExcerpt(0.3, seed=4)(x, training=True))
    for clip, original in zip(cropped[:, :, 0], x[:, :, 0]):
        kept = np.nonzero(clip)[0]
        assert kept.max() - kept.min() + 1 >= 0.7 * N - 1
        np.testing.assert_array_equal(clip[kept.min():kept.max() + 1],
                                      original[kept.min():kept.max() + 1])
        assert not clip[:kept.min()].any() and not clip[kept.max() + 1:].any()
    assert (cropped == 0).sum() > 0


def test_noise_follows_each_clip_level():
    loud, quiet = tone(500, level=0.5), tone(500, level=0.005)
    layer = SoundNoise(0.2, seed=5)
    for x in (loud, quiet):
        noise = np.asarray(layer(x, training=True)) - x
        rms = float(np.sqrt(np.mean(x ** 2)))
        assert 0 < noise.std() <= 0.2 * rms * 1.1


@pytest.mark.parametrize("layer", [SoundNoise(0.2, seed=1), RandomStretch(0.2, seed=1),
                                   RandomPitch(3.0, seed=1), RandomExcerpt(0.3, seed=1),
                                   RandomTimeShift(0.2, seed=1)], ids=lambda l: l.name)
def test_each_change_keeps_the_shape_draws_afresh_and_is_off_outside_training(layer):
    x = tone(440, clips=6) + tone(1300, clips=6)
    first, second = layer(x, training=True), layer(x, training=True)
    assert first.shape == x.shape
    assert np.abs(np.asarray(first) - x).max() > 1e-3
    assert np.abs(np.asarray(first) - np.asarray(second)).max() > 1e-3  # a new batch, new draws
    np.testing.assert_array_equal(np.asarray(layer(x, training=False)), x)
    again = type(layer).from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


def test_the_switches_pick_the_changes():
    assert TrainParams().sound_noise and TrainParams().sound_shift
    assert not (TrainParams().sound_stretch or TrainParams().sound_pitch
                or TrainParams().sound_crop)
    assert [l.name for l in augmentation_layers("sound", 0.5)] == [
        "augment_sound_shift", "augment_sound_noise"]
    every = sound_changes({"sound_stretch": True, "sound_pitch": True, "sound_crop": True})
    assert [l.name for l in augmentation_layers("sound", 0.5, sound=every)] == [
        "augment_stretch", "augment_pitch", "augment_crop", "augment_sound_shift",
        "augment_sound_noise"]
    assert augmentation_layers("sound", 0.0, sound=every) == []
    assert label_keeping({"sound_noise": False, "augment": 0.5}) == {"sound_noise": False}
    with pytest.raises(Exception, match="sound_crop"):
        TrainParams(sound_crop="yes")


def test_training_batches_change_but_dev_rows_do_not(tmp_path):
    """With a learning rate of 0 the weights stay put: without augmentation the loss fit
    reports equals the loss on the same rows outside training; with it, it differs (the
    batches were changed); predictions (dev rows) are those of the same weights without it."""
    rng = np.random.default_rng(0)
    short = 1024  # an eighth of a second: a small, quick model
    X = (tone(300, clips=24)[:, :short] * rng.uniform(0.5, 1.5, (24, 1, 1))
         + 0.01 * rng.normal(size=(24, short, 1))).astype(np.float32)
    y = (np.arange(24) % 3).astype(np.int32)  # class indices as the engine codes them
    every = {"seed": 0, "dropout": 0.0, "filters": 4, "width": 8, "mels": 16,
             "sound_stretch": True, "sound_pitch": True, "sound_crop": True}
    losses, models = {}, {}
    for strength in (0.0, 1.0):
        keras.utils.set_random_seed(0)
        model = build_model("sound_cnn", (short, 1), "multiclass", 3, every,
                            augment=strength)
        model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
        fit = model.fit(X, y, batch_size=24, epochs=2, shuffle=False, verbose=0)
        losses[strength] = (fit.history["loss"], model.evaluate(X, y, verbose=0))
        models[strength] = model
    plain_fit, plain_eval = losses[0.0]
    aug_fit, aug_eval = losses[1.0]
    assert plain_fit[0] == pytest.approx(plain_eval, rel=1e-4)
    assert abs(aug_fit[0] - aug_eval) > 1e-3 and abs(aug_fit[0] - aug_fit[1]) > 1e-4
    augmented, twin = models[1.0], models[0.0]
    twin.set_weights(augmented.get_weights())  # the same weights, no augmentation layers
    np.testing.assert_allclose(augmented.predict(X, verbose=0), twin.predict(X, verbose=0),
                               atol=1e-6)
    path = tmp_path / "augmented.keras"
    augmented.save(path)
    check_model_file(path)  # Practica's own layers are accepted by the safe check
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), twin.predict(X, verbose=0),
                               atol=1e-6)
