"""A Keras multilayer perceptron for tables: dense layers, dropout, L2, optional batch norm.

The seeds' recipe for a first deep model on vectors without structure: start simple, use
piecewise linear units and some regularization. The model comes back uncompiled: the fit
code picks the optimizer and the loss.

Layers: ``input`` -> (``augment_noise``) -> (``flatten`` when the input is not a vector) ->
``dense_1`` .. ``dense_<depth>`` (each with ``dense_<i>_dropout``) -> ``head``. With batch
normalisation each dense layer is linear and followed by ``dense_<i>_bn`` and
``dense_<i>_act``.
"""

from __future__ import annotations

import keras

from engine.models.blocks import dense_stack, model_input, output_head
from engine.models.mlp_params import MlpParams


def build_mlp(input_shape: tuple[int, ...] | int, task: str, n_classes: int, p: MlpParams,
              augment: float = 0.0, seed: int | None = None) -> keras.Model:
    """An uncompiled MLP: softmax over the classes, or one linear output for regression.

    Args:
        input_shape: one example's shape without the batch axis, or the number of inputs.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture.
        augment: strength of the input noise while training (0: none).
        seed: seed of the augmentation's draws.

    Returns:
        An uncompiled ``keras.Model`` named ``mlp``.

    Use:
        build_mlp(5, "multiclass", 3, MlpParams(width=8)).output.shape
    """
    inputs, x = model_input(input_shape, "table", augment, seed)
    if len(x.shape) > 2:
        x = keras.layers.Flatten(name="flatten")(x)
    x = dense_stack(x, p, p.depth, p.width)
    return keras.Model(inputs, output_head(x, task, n_classes), name="mlp")
