"""What the hidden layers output on a fixed probe batch: mean, spread, dead and saturated units.

A ReLU unit that outputs 0 for every probe row is *dead*: it passes no gradient and has
stopped learning. A tanh output beyond +-0.97, or a sigmoid output below 0.03 or above 0.97,
is *saturated*: the curve is flat there, so almost no gradient flows back through it.
``probe_model`` builds, once, a model that returns the outputs of every hidden layer whose
activation is one of ``KINDS``; ``layer_stats`` summarises one such output with numpy.

Use:
    layer_stats(np.array([[0.0, 1.0], [0.0, 3.0]]), "relu")
"""

from __future__ import annotations

import keras
import numpy as np

KINDS = ("relu", "elu", "gelu", "tanh", "sigmoid")
SATURATION = 0.97
"""``|a| > 0.97`` saturates tanh; sigmoid saturates below ``1 - 0.97`` and above 0.97."""


def activation_kind(layer) -> str | None:
    """The activation a layer applies to its output, if it is one of ``KINDS``.

    Args:
        layer: a Keras layer (Dense, Conv, Activation, ReLU, ELU ...).

    Returns:
        ``"relu"``, ``"elu"``, ``"gelu"``, ``"tanh"``, ``"sigmoid"`` or None.

    Use:
        activation_kind(keras.layers.Dense(3, activation="tanh"))
    """
    if isinstance(layer, keras.layers.ReLU):
        plain = (layer.max_value is None and float(layer.negative_slope) == 0.0
                 and float(layer.threshold) == 0.0)
        return "relu" if plain else None
    if isinstance(layer, keras.layers.ELU):
        return "elu"
    name = getattr(getattr(layer, "activation", None), "__name__", None)
    return name if name in KINDS else None


def probe_model(model: keras.Model) -> tuple[keras.Model | None, list]:
    """A model returning the outputs of ``model``'s hidden layers with a known activation.

    Only the top-level layers of a functional or Sequential model are looked at (a nested
    model counts as one layer); its output layers are left out, since a confident
    classifier's output is meant to be near 0 or 1.

    Args:
        model: a built Keras model.

    Returns:
        ``(probe, layers)``: the sub-model and the layers it reports, in order, or
        ``(None, [])`` when the model has no such layer or no symbolic graph (a subclassed
        model).
    """
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        return None, []
    if not inputs or not outputs:
        return None, []
    chosen, tensors = [], []
    for layer in model.layers:
        if activation_kind(layer) is None:
            continue
        try:
            output = layer.output
        except (AttributeError, ValueError):  # a layer used twice has no single output
            continue
        if not keras.utils.is_keras_tensor(output) or any(output is o for o in outputs):
            continue
        chosen.append(layer)
        tensors.append(output)
    if not chosen:
        return None, []
    try:
        # One input as a tensor, not a list of one: called with an array, Keras warns.
        single = inputs[0] if len(inputs) == 1 else inputs
        return keras.Model(single, tensors, name="telemetry_probe"), chosen
    except ValueError:
        return None, []


def channel_axis(layer, ndim: int) -> int:
    """The axis of an output that holds the units (features or channels)."""
    if ndim > 2 and getattr(layer, "data_format", "channels_last") == "channels_first":
        return 1
    return ndim - 1


def layer_stats(values: np.ndarray, activation: str, axis: int = -1) -> dict[str, float]:
    """Summary of one layer's outputs on the probe rows.

    Args:
        values: the outputs, rows first (``(rows, units)`` or ``(rows, h, w, channels)``).
        activation: the layer's activation (see ``activation_kind``).
        axis: the axis of the units; a convolution's unit is a channel, dead when it is 0
            at every position of every row.

    Returns:
        ``mean`` and ``std`` of all outputs; for ReLU also ``dead`` (the fraction of units
        that are 0 for every row); for tanh and sigmoid ``saturated`` (the fraction of
        outputs in the flat part of the curve).
    """
    a = np.asarray(values)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    # Accumulate in float64 without copying the (float32) outputs.
    stats = {"mean": float(a.mean(dtype=np.float64)), "std": float(a.std(dtype=np.float64))}
    if activation == "relu":
        axis = axis % a.ndim
        units = a if axis == a.ndim - 1 else np.moveaxis(a, axis, -1)
        alive = (units.reshape(-1, a.shape[axis]) > 0.0).any(axis=0)
        stats["dead"] = float(1.0 - alive.mean())
    elif activation == "tanh":
        stats["saturated"] = float(np.mean(np.abs(a) > SATURATION))
    elif activation == "sigmoid":
        stats["saturated"] = float(np.mean((a < 1.0 - SATURATION) | (a > SATURATION)))
    return stats


def probe_stats(probe: keras.Model, layers: list, x) -> dict[str, dict[str, float]]:
    """Run ``probe`` on the rows ``x`` (inference mode) and summarise each layer.

    The probe is called directly rather than through ``predict_on_batch``: nothing to
    compile (no tracing, no one-off pause in the first epoch), at the price of a slower
    call, which the telemetry's time budget makes rarer.

    Args:
        probe, layers: what ``probe_model`` returned.
        x: the fixed probe rows.

    Returns:
        ``{layer name: layer_stats(...)}``.
    """
    outputs = probe(x, training=False)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    found = {}
    for layer, out in zip(layers, outputs):
        values = np.asarray(keras.ops.convert_to_numpy(out))
        found[layer.name] = layer_stats(values, activation_kind(layer),
                                        channel_axis(layer, values.ndim))
    return found
