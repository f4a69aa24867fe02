"""Augmentation layers for recordings: waveforms ``(batch, samples, channels)`` changed in
ways that keep what a clip is, differently for every clip and every batch, in training only.

- ``SoundNoise``: adds Gaussian noise at a random share (up to ``level``) of each clip's
  own root-mean-square level, so a quiet clip is not drowned;
- ``RandomStretch``: plays each clip up to ``fraction`` faster or slower *without* moving
  its pitch (overlapping windowed grains read at another pace and added back); a slower
  clip runs past the end and is cut there, a faster one ends early and is padded with
  silence, as the reader cuts and pads;
- ``RandomPitch``: moves each clip's pitch up or down by up to ``semitones`` *without*
  changing its length (every grain is read faster or slower at its own place);
- ``RandomExcerpt``: keeps a random excerpt of each clip, at least ``1 - fraction`` of
  it, and silences the rest in place (a crop that keeps the length).

The time shift of sounds is ``engine.models.augmentation.RandomTimeShift``. Each layer is
the identity outside training, so a saved model predicts as without it; all use
``keras.ops`` and ``keras.random`` only (every backend), have ``get_config`` and are
registered under the package ``practica``.

Use:
    RandomPitch(2.0, seed=1)(waves, training=True)  # waves: (batch, samples, 1)
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops


def grain_length(samples: int) -> int:
    """The grain of stretching and pitch shifting for clips of ``samples``: the smallest
    power of two at least ``samples / 16``, between 64 and 2048 (256 for half a second at
    8 kHz: 32 ms, a few periods of a low hum).

    Example:
        >>> grain_length(4000), grain_length(16000), grain_length(100)
        (256, 1024, 64)
    """
    grain = 64
    while grain < 2048 and grain * 16 < samples:
        grain *= 2
    return grain


def regrained(x: Any, pace: Any, pitch: Any, grain: int) -> Any:
    """``x`` (batch, samples, channels) rebuilt from Hann-windowed grains, half overlapping.

    The grain that lands at output time ``t`` reads the input from ``pace * t`` on, at
    ``pitch`` input samples per output sample (linear interpolation); reads outside the
    clip are silence. ``pace`` = ``pitch`` = 1 gives ``x`` back (the windows sum to one).

    Args:
        x: the waveforms, with a known length.
        pace, pitch: per clip, shaped (batch, 1, 1).
        grain: the grain length in samples (even).
    """
    n, hop = int(x.shape[1]), grain // 2
    frames = -(-n // hop) + 1  # the first starts half a grain before the clip
    dtype = x.dtype
    start = (ops.arange(frames, dtype=dtype) - 1.0) * hop  # output time of each grain
    j = ops.arange(grain, dtype=dtype)
    where = pace * start[None, :, None] + pitch * j[None, None, :]  # (batch, frames, grain)
    low = ops.floor(where)
    frac = where - low
    low = ops.cast(low, "int32")

    def read(index: Any) -> Any:
        inside = ops.cast(ops.logical_and(index >= 0, index < n), dtype)
        index = ops.reshape(ops.clip(index, 0, n - 1), (-1, frames * grain))
        taken = ops.take_along_axis(x, ops.expand_dims(index, -1) * ops.ones_like(
            x[:, :1, :], dtype="int32"), axis=1)
        return ops.reshape(taken, (-1, frames, grain, x.shape[2])) * inside[..., None]

    values = read(low) * (1.0 - frac[..., None]) + read(low + 1) * frac[..., None]
    window = 0.5 - 0.5 * ops.cos(2.0 * math.pi * j / grain)  # periodic Hann: sums to 1
    values = values * window[None, None, :, None]
    first = ops.reshape(values[:, :, :hop], (-1, frames * hop, x.shape[2]))
    second = ops.reshape(values[:, :, hop:], (-1, frames * hop, x.shape[2]))
    added = first + ops.pad(second, [[0, 0], [hop, 0], [0, 0]])[:, :frames * hop]
    return added[:, hop:hop + n]


class _ClipLayer(keras.layers.Layer):
    """A layer drawing one random number per clip, the identity outside training."""

    def __init__(self, amount: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.amount = float(amount)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.amount <= 0 or inputs.shape[1] is None:
            return inputs
        return self.change(inputs)

    def draw(self, inputs: Any, low: float = 0.0, high: float = 1.0) -> Any:
        """One uniform number per clip, shaped (batch, 1, 1)."""
        return keras.random.uniform((ops.shape(inputs)[0], 1, 1), low, high,
                                    dtype=inputs.dtype, seed=self.seed_generator)

    def change(self, inputs: Any) -> Any:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "amount": self.amount, "seed": self.seed}


@keras.saving.register_keras_serializable(package="practica")
class SoundNoise(_ClipLayer):
    """Add noise at up to ``amount`` times each clip's root-mean-square level.

    Use:
        SoundNoise(0.2, seed=1)(waves, training=True)
    """

    def change(self, inputs: Any) -> Any:
        rms = ops.sqrt(ops.mean(ops.square(inputs), axis=(1, 2), keepdims=True))
        level = self.draw(inputs, 0.0, self.amount) * rms
        return inputs + level * keras.random.normal(ops.shape(inputs), dtype=inputs.dtype,
                                                    seed=self.seed_generator)


@keras.saving.register_keras_serializable(package="practica")
class RandomStretch(_ClipLayer):
    """Play each clip at a pace up to ``1 + amount`` times faster or slower, pitch kept.

    Use:
        RandomStretch(0.2, seed=1)(waves, training=True)
    """

    def change(self, inputs: Any) -> Any:
        most = math.log1p(self.amount)
        pace = ops.exp(self.draw(inputs, -most, most))
        return regrained(inputs, pace, ops.ones_like(pace), grain_length(inputs.shape[1]))


@keras.saving.register_keras_serializable(package="practica")
class RandomPitch(_ClipLayer):
    """Move each clip's pitch by up to ``amount`` semitones either way, length kept.

    Use:
        RandomPitch(3.0, seed=1)(waves, training=True)
    """

    def change(self, inputs: Any) -> Any:
        pitch = ops.power(2.0, self.draw(inputs, -self.amount, self.amount) / 12.0)
        return regrained(inputs, ops.ones_like(pitch), pitch, grain_length(inputs.shape[1]))


@keras.saving.register_keras_serializable(package="practica")
class RandomExcerpt(_ClipLayer):
    """Keep a random excerpt of each clip (at least ``1 - amount`` of it), silence the rest.

    Use:
        RandomExcerpt(0.3, seed=1)(waves, training=True)
    """

    def change(self, inputs: Any) -> Any:
        n = int(inputs.shape[1])
        kept = (1.0 - self.draw(inputs, 0.0, min(self.amount, 0.9))) * n
        begin = self.draw(inputs) * (n - kept)
        t = ops.arange(n, dtype=inputs.dtype)[None, :, None]
        inside = ops.logical_and(t >= begin, t < begin + kept)
        return inputs * ops.cast(inside, inputs.dtype)
