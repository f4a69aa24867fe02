"""The first convolution layer's filters as small images a person can look at.

The first layer of a network trained on images learns edge and colour detectors; drawing its
filters after each epoch shows them form (or stay noise when the model is not learning).
``first_conv2d`` finds that layer; ``filter_images`` turns its kernel into nested lists
scaled to [0, 1] (all filters together, so their strengths stay comparable).

Use:
    kernel = np.zeros((3, 3, 1, 8)); kernel[1, 1, 0, :] = 1.0
    images = filter_images(kernel)
    len(images), images[0][1][1]
"""

from __future__ import annotations

from collections.abc import Iterator

import keras
import numpy as np

MAX_FILTERS = 32


def _walk(layer) -> Iterator:
    for child in getattr(layer, "layers", []):
        yield child
        yield from _walk(child)


def first_conv2d(model: keras.Model):
    """The model's first ``Conv2D`` layer (nested models included), or None."""
    return next((layer for layer in _walk(model) if isinstance(layer, keras.layers.Conv2D)),
                None)


def filter_images(kernel, max_filters: int = MAX_FILTERS, digits: int = 3) -> list:
    """A Conv2D kernel as a list of small images.

    Args:
        kernel: shape ``(height, width, in_channels, filters)`` (Keras' layout on every
            backend and data format).
        max_filters: keep at most this many filters (the first ones).
        digits: decimals kept, so the event stays small.

    Returns:
        One nested list ``[row][column][channel]`` per filter, values in [0, 1]: the
        smallest weight of all kept filters maps to 0, the largest to 1 (all 0.5 when
        every weight is equal).
    """
    k = np.asarray(keras.ops.convert_to_numpy(kernel), dtype=np.float64)
    if k.ndim != 4:
        raise ValueError(f"a Conv2D kernel has 4 axes, this one has shape {k.shape}")
    k = k[..., :max_filters]
    low, high = float(k.min()), float(k.max())
    scaled = (k - low) / (high - low) if high > low else np.full_like(k, 0.5)
    scaled = np.round(scaled, digits)
    return [scaled[..., f].tolist() for f in range(scaled.shape[-1])]
