"""Data augmentation as Keras layers placed right after a model's input, active in training only.

``augmentation_layers(data_kind, strength)`` gives the layers for one data kind; strength 0
gives none, 1 is strong. Every change it makes by default keeps an example's label. Every
layer is the identity outside training (``predict``, ``evaluate``), so a saved model
predicts exactly as without them. Layer names start with ``augment_``.

- tables: ``GaussianNoise(0.1 * strength)`` on the standardized inputs;
- images: zoom (20 %), shift with zero fill like a padded crop (15 % of each side) and
  contrast (40 %); contrast is not clipped, so it suits standardized pixels as well as 0..1
  or 0..255 ones. A horizontal flip only with ``flip=True`` and a rotation (up to 29
  degrees at strength 1) only with ``rotate=True``: the user says a mirrored (turned)
  picture keeps its label, which is false for letters and digits (a mirrored 2 is no 2, a
  turned 6 may read as a 9);
- sequences (steps x channels): jitter ``GaussianNoise(0.1 * strength)``, scaling of each
  example by a random factor ~ N(1, 0.1 * strength) (``RandomScaling``) and a circular
  shift in time of up to 10 % * strength of the length (``RandomTimeShift``);
- sounds (waveforms, samples x 1): the changes switched on (``TrainParams.sound_*``):
  noise up to 20 % * strength of each clip's level, a circular time shift of up to
  20 % * strength of the length, a stretch up to 20 % * strength faster or slower (pitch
  kept), a pitch shift of up to 3 semitones * strength (length kept) and a crop that
  silences up to 30 % * strength of the clip (``engine.models.sound_augmentation``);
- text: none (changing words changes meaning; no layer is added).

The two custom layers use ``keras.ops`` and ``keras.random`` with a ``SeedGenerator``, have
``get_config`` and are registered under the package ``practica``: a saved model loads back
with ``keras.saving.load_model(path, safe_mode=True)`` once this module is imported.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from engine.kinds.registry import data_kind as kind_named
from engine.models.sound_augmentation import (RandomExcerpt, RandomPitch, RandomStretch,
                                              SoundNoise)
from engine.models.train_params import SOUND_CHANGES

TABLE_NOISE = 0.1
SEQUENCE_JITTER = 0.1
SEQUENCE_SCALE = 0.1
SEQUENCE_SHIFT = 0.1
IMAGE_ROTATION = 0.08  # fraction of a full turn
IMAGE_ZOOM = 0.2
IMAGE_SHIFT = 0.15
IMAGE_CONTRAST = 0.4
UNCLIPPED = (-1.0e6, 1.0e6)  # RandomContrast clips to this range: in effect, not at all
SOUND_NOISE = 0.2  # of each clip's root-mean-square level
SOUND_SHIFT = 0.2
SOUND_STRETCH = 0.2
SOUND_PITCH = 3.0  # semitones
SOUND_CROP = 0.3
SOUND_DEFAULT = ("noise", "shift")


@keras.saving.register_keras_serializable(package="practica")
class RandomScaling(keras.layers.Layer):
    """Multiply each example by one random factor drawn from N(1, ``stddev``) in training.

    Args:
        stddev: standard deviation of the factor (0 turns the layer off).
        seed: seed of the draws (None: from Keras' global seed).

    Use:
        RandomScaling(0.1, seed=1)(x, training=True)  # each row scaled by ~1 +- 0.1
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stddev = float(stddev)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.stddev <= 0:
            return inputs
        shape = (ops.shape(inputs)[0],) + (1,) * (len(inputs.shape) - 1)
        factor = keras.random.normal(shape, mean=1.0, stddev=self.stddev,
                                     dtype=self.compute_dtype, seed=self.seed_generator)
        return inputs * factor

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@keras.saving.register_keras_serializable(package="practica")
class RandomTimeShift(keras.layers.Layer):
    """Roll each example along its time axis (axis 1) by its own random number of steps.

    The shift is drawn uniformly from ``-max_shift .. max_shift`` with ``max_shift`` =
    ``round(fraction * steps)``; steps pushed off one end come back at the other. Inputs
    whose length is unknown when the model is built are left as they are.

    Args:
        fraction: the largest shift as a fraction of the length (0 turns the layer off).
        seed: seed of the draws (None: from Keras' global seed).

    Use:
        RandomTimeShift(0.1, seed=1)(x, training=True)  # x: (batch, steps, channels)
    """

    def __init__(self, fraction: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fraction = float(fraction)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        steps = inputs.shape[1]
        if not training or steps is None:
            return inputs
        max_shift = int(round(self.fraction * steps))
        if max_shift < 1:
            return inputs
        batch = ops.shape(inputs)[0]
        shift = keras.random.randint((batch, 1), -max_shift, max_shift + 1,
                                     seed=self.seed_generator, dtype="int32")
        index = (ops.expand_dims(ops.arange(steps, dtype="int32"), 0) - shift + steps) % steps
        for _ in range(len(inputs.shape) - 2):
            index = ops.expand_dims(index, -1)
        index = ops.broadcast_to(index, ops.shape(inputs))
        return ops.take_along_axis(inputs, index, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "fraction": self.fraction, "seed": self.seed}


def augmentation_layers(data_kind: str, strength: float, seed: int | None = None,
                        flip: bool = False, rotate: bool = False,
                        sound: tuple[str, ...] = SOUND_DEFAULT) -> list[keras.layers.Layer]:
    """The augmentation layers for ``data_kind`` at ``strength``, in the order to apply them.

    Args:
        data_kind: ``table``, ``images``, ``sequence`` or ``text``.
        strength: 0 (none: no layer) to 1 (strong).
        seed: base seed; layer k uses ``seed + k`` (None: from Keras' global seed).
        flip: images: mirror left and right too (only when a mirrored picture keeps its
            label); ignored for other kinds.
        rotate: images: turn a little too (only when a turned picture keeps its label).
        sound: sounds: the changes to make, among ``SOUND_CHANGES`` (applied in the
            order stretch, pitch, crop, shift, noise); ignored for other kinds.

    Returns:
        New, unbuilt layers named ``augment_*`` (an empty list for text or strength 0).

    Use:
        [layer.name for layer in augmentation_layers("table", 0.5)]
    """
    s = float(strength)
    if not 0.0 <= s <= 1.0:
        raise ValueError("augmentation strength must be between 0 and 1")
    if s == 0.0:
        return []
    style = kind_named(data_kind).augmentation  # what the kind takes: none, noise, ...

    def seeded(k: int) -> int | None:
        return None if seed is None else int(seed) + k

    L = keras.layers
    if style == "noise":
        return [L.GaussianNoise(TABLE_NOISE * s, seed=seeded(0), name="augment_noise")]
    if style == "series":
        return [L.GaussianNoise(SEQUENCE_JITTER * s, seed=seeded(0), name="augment_jitter"),
                RandomScaling(SEQUENCE_SCALE * s, seed=seeded(1), name="augment_scale"),
                RandomTimeShift(SEQUENCE_SHIFT * s, seed=seeded(2), name="augment_time_shift")]
    if style == "image":
        changes_label = [  # only where the user said the label stays
            L.RandomFlip("horizontal", seed=seeded(0), name="augment_flip")] if flip else []
        if rotate:
            changes_label.append(L.RandomRotation(IMAGE_ROTATION * s, seed=seeded(1),
                                                  name="augment_rotation"))
        return [*changes_label,
                L.RandomZoom(IMAGE_ZOOM * s, seed=seeded(2), name="augment_zoom"),
                L.RandomTranslation(IMAGE_SHIFT * s, IMAGE_SHIFT * s, fill_mode="constant",
                                    seed=seeded(3), name="augment_shift"),
                L.RandomContrast(IMAGE_CONTRAST * s, value_range=UNCLIPPED, seed=seeded(4),
                                 name="augment_contrast")]
    if style == "sound":
        unknown = set(sound) - set(SOUND_CHANGES)
        if unknown:
            raise ValueError(f"unknown sound changes: {', '.join(sorted(unknown))}")
        made = {"stretch": lambda: RandomStretch(SOUND_STRETCH * s, seed=seeded(0),
                                                 name="augment_stretch"),
                "pitch": lambda: RandomPitch(SOUND_PITCH * s, seed=seeded(1),
                                             name="augment_pitch"),
                "crop": lambda: RandomExcerpt(SOUND_CROP * s, seed=seeded(2),
                                              name="augment_crop"),
                "shift": lambda: RandomTimeShift(SOUND_SHIFT * s, seed=seeded(3),
                                                 name="augment_sound_shift"),
                "noise": lambda: SoundNoise(SOUND_NOISE * s, seed=seeded(4),
                                            name="augment_sound_noise")}
        return [make() for change, make in made.items() if change in sound]
    return []  # "none": the kind takes no augmentation (text)


def augmentation_names(model: keras.Model) -> tuple[str, ...]:
    """Names of the augmentation layers of ``model`` (those named ``augment_*``).

    Args:
        model: a Keras model.

    Returns:
        The names, in layer order.

    Use:
        augmentation_names(model)
    """
    return tuple(layer.name for layer in model.layers if layer.name.startswith("augment_"))
