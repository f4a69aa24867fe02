"""A small Keras CNN for images (and for sounds, over a log-mel spectrogram computed
inside the model): a few convolution blocks, then dense layers.

Each block is ``convs_per_block`` convolutions (``conv_<i>``, same padding) and a 2 x 2
max-pool (``pool_<b>``); the channels double from block to block while the side halves.
Blocks stop once the shorter side would fall below 4 pixels (a picture that small gets one
block without pooling). The last feature maps are flattened (``flatten``) when they hold at
most ``FLATTEN_LIMIT`` numbers, otherwise averaged over the picture (``pool_global``),
which keeps big pictures from making a huge dense layer. Then ``dense_<i>`` layers and
``head``. Image augmentation layers come right after the input.

The sound CNN (``build_sound_cnn``) reads waveforms ``(samples, 1)``: a
``MelSpectrogram`` layer (``spectrogram``) turns them into log-mel bands over time, each
clip is standardised (``standardise``) and the same blocks follow, so an exported model
carries its own preprocessing.
"""

from __future__ import annotations

import keras

from engine.models.blocks import activated, dense_stack, model_input, output_head
from engine.models.cnn_params import CnnParams, SoundCnnParams

FLATTEN_LIMIT = 8192
MIN_SIDE = 4


def pooled_blocks(side: int, blocks: int) -> int:
    """How many pooled blocks fit: each halves ``side``, which must stay ``MIN_SIDE`` or more.

    Args:
        side: the shorter side of the picture, in pixels.
        blocks: the blocks asked for.

    Returns:
        The number of blocks to build with pooling (0: build one block without pooling).

    Use:
        pooled_blocks(28, 3), pooled_blocks(8, 2), pooled_blocks(6, 2)
    """
    n = 0
    while n < blocks and side // 2 >= MIN_SIDE:
        side //= 2
        n += 1
    return n


def build_cnn(input_shape: tuple[int, ...], task: str, n_classes: int, p: CnnParams,
              augment: float = 0.0, seed: int | None = None, flip: bool = False,
              rotate: bool = False) -> keras.Model:
    """An uncompiled CNN for images ``(height, width, channels)`` or ``(height, width)``.

    Args:
        input_shape: one image's shape without the batch axis.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture.
        augment: strength of the image augmentation while training (0: none).
        seed: seed of the augmentation's draws.
        flip, rotate: the augmentation may mirror / turn the pictures too (only when that
            keeps their label; see ``engine.models.augmentation``).

    Returns:
        An uncompiled ``keras.Model`` named ``cnn``.

    Use:
        build_cnn((28, 28, 1), "multiclass", 10, CnnParams()).output.shape
    """
    if len(input_shape) not in (2, 3):
        raise ValueError("a CNN needs images shaped (height, width) or (height, width, channels)")
    inputs, x = model_input(input_shape, "images", augment, seed, min_rank=3, flip=flip,
                            rotate=rotate)
    return keras.Model(inputs, _conv_head(x, task, n_classes, p), name="cnn")


def _conv_head(x, task: str, n_classes: int, p: CnnParams):
    """The convolution blocks, dense layers and output head over pictures ``x``."""
    n_pooled = pooled_blocks(min(int(x.shape[1]), int(x.shape[2])), p.blocks)
    conv = 0
    for block in range(max(1, n_pooled)):
        filters = p.filters * 2 ** block
        for _ in range(p.convs_per_block):
            conv += 1
            x = activated(x, lambda **kw: keras.layers.Conv2D(
                filters, p.kernel_size, padding="same", **kw), f"conv_{conv}", p)
        if block < n_pooled:
            x = keras.layers.MaxPooling2D(2, name=f"pool_{block + 1}")(x)
    height, width, channels = x.shape[1:]
    if height * width * channels <= FLATTEN_LIMIT:
        x = keras.layers.Flatten(name="flatten")(x)
    else:
        x = keras.layers.GlobalAveragePooling2D(name="pool_global")(x)
    x = dense_stack(x, p, p.depth, p.width)
    return output_head(x, task, n_classes)


def spectrogram_frames(samples: int) -> tuple[int, int]:
    """The FFT length and hop of the spectrogram for clips of ``samples``: about 32 FFT
    windows per clip (128 to 1024 samples), hopping a quarter window.

    Example:
        >>> spectrogram_frames(4000), spectrogram_frames(16000)
        ((128, 32), (512, 128))
    """
    fft = 128
    while fft < 1024 and fft * 32 < samples:
        fft *= 2
    return fft, fft // 4


def build_sound_cnn(input_shape: tuple[int, ...], task: str, n_classes: int,
                    p: SoundCnnParams, augment: float = 0.0,
                    seed: int | None = None,
                    sound: tuple[str, ...] = ("noise", "shift")) -> keras.Model:
    """An uncompiled CNN for waveforms ``(samples, 1)`` or ``(samples,)``.

    Args:
        input_shape: one clip's shape without the batch axis.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture.
        augment: strength of the sound augmentation while training (0: none); it changes
            the waveform before the spectrogram.
        seed: seed of the augmentation's draws.
        sound: the sound changes to make (see ``engine.models.augmentation``).

    Returns:
        An uncompiled ``keras.Model`` named ``sound_cnn``.

    Use:
        build_sound_cnn((8000, 1), "multiclass", 3, SoundCnnParams()).output.shape
    """
    samples = int(input_shape[0])
    fft, hop = spectrogram_frames(samples)
    if samples < fft:
        raise ValueError("a sound CNN needs clips of at least 128 samples")
    inputs, x = model_input(input_shape, "sound", augment, seed, min_rank=2, sound=sound)
    x = keras.layers.Reshape((samples,), name="wave")(x)
    x = keras.layers.MelSpectrogram(fft_length=fft, sequence_stride=hop,
                                    num_mel_bins=p.mels, name="spectrogram")(x)
    x = keras.layers.Reshape((int(x.shape[1]), int(x.shape[2]), 1), name="bands")(x)
    x = keras.layers.LayerNormalization(axis=[1, 2, 3], name="standardise")(x)
    return keras.Model(inputs, _conv_head(x, task, n_classes, p), name="sound_cnn")
