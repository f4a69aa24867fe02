"""Layer blocks the zoo's builders share: the input, weighted layers with their activation,
dense stacks and the output head, all with stable readable names.

Naming: the input is ``input``; weighted layers are ``<prefix>_<i>`` (``dense_1``,
``conv_1``, ``gru_1``, counted from 1 within a model); the output layer is ``head``.
Without batch normalisation the activation stays inside the weighted layer
(``Dense(activation="relu")``), so telemetry finds it in the layer's ``activation`` config.
With batch normalisation a block is ``<name>`` (linear, no bias) -> ``<name>_bn`` ->
``<name>_act`` (an ``Activation`` layer whose config also names the function). Dropout
after a layer is ``<name>_dropout``. Everything uses ``keras`` and ``keras.ops`` only.
"""

from __future__ import annotations

from typing import Any, Callable

import keras

from engine.models.augmentation import augmentation_layers


def regularizer(l2: float) -> keras.regularizers.Regularizer | None:
    """An L2 weight penalty, or None when ``l2`` is 0.

    Args:
        l2: the penalty factor.

    Returns:
        ``keras.regularizers.L2(l2)`` or None.

    Use:
        regularizer(0.0) is None
    """
    return keras.regularizers.L2(float(l2)) if l2 > 0 else None


def model_input(input_shape: tuple[int, ...] | int, data_kind: str, augment: float,
                seed: int | None = None, min_rank: int = 1,
                dtype: str = "float32", flip: bool = False,
                rotate: bool = False, sound: tuple[str, ...] = ()) -> tuple[Any, Any]:
    """The model's ``Input`` (named ``input``) and the tensor after its augmentation.

    Inputs with fewer than ``min_rank`` axes get trailing axes of size 1 first (a layer
    named ``channels``), so a sequence ``(steps,)`` becomes ``(steps, 1)`` and a grey
    image ``(height, width)`` becomes ``(height, width, 1)``.

    Args:
        input_shape: one example's shape, without the batch axis (an int for vectors).
        data_kind: ``table``, ``images``, ``sequence`` or ``text`` (picks the augmentation).
        augment: augmentation strength, 0 (none) to 1 (strong).
        seed: seed of the augmentation's random draws (None: from Keras' global seed).
        min_rank: the rank the layers after the input need.
        dtype: the input's dtype (``int32`` for word numbers).
        flip, rotate: images may be mirrored / turned too (see ``augmentation_layers``).
        sound: sounds: the changes to make (see ``augmentation_layers``).

    Returns:
        ``(inputs, x)``: the ``Input`` tensor and the tensor to build on.

    Use:
        inputs, x = model_input((20,), "sequence", 0.0, min_rank=2)
        tuple(x.shape)
    """
    shape = (int(input_shape),) if isinstance(input_shape, int) else tuple(input_shape)
    inputs = keras.Input(shape=shape, dtype=dtype, name="input")
    x = inputs
    if len(shape) < min_rank:
        x = keras.layers.Reshape(shape + (1,) * (min_rank - len(shape)), name="channels")(x)
    for layer in augmentation_layers(data_kind, augment, seed, flip=flip, rotate=rotate,
                                     sound=sound):
        x = layer(x)
    return inputs, x


def activated(x: Any, make: Callable[..., keras.layers.Layer], name: str, p: Any) -> Any:
    """Apply one weighted layer with ``p``'s activation, initialiser, L2 and batch norm.

    Args:
        x: the input tensor.
        make: builds the layer from keyword arguments (``activation``, ``use_bias``,
            ``kernel_initializer``, ``kernel_regularizer``, ``name``), e.g.
            ``functools.partial(keras.layers.Dense, 64)``.
        name: the layer's name (``dense_1``).
        p: the architecture dataclass (``activation``, ``init``, ``l2``, ``batch_norm``).

    Returns:
        The block's output tensor.

    Use:
        y = activated(x, functools.partial(keras.layers.Dense, 8), "dense_1", MlpParams())
    """
    common = dict(kernel_initializer=p.init, kernel_regularizer=regularizer(p.l2), name=name)
    if not p.batch_norm:
        return make(activation=p.activation, **common)(x)
    x = make(activation=None, use_bias=False, **common)(x)
    x = keras.layers.BatchNormalization(name=f"{name}_bn")(x)
    return keras.layers.Activation(p.activation, name=f"{name}_act")(x)


def dense_stack(x: Any, p: Any, depth: int, width: int, start: int = 1) -> Any:
    """``depth`` dense layers of ``width`` units (``dense_<start>`` on), each with dropout.

    Args:
        x: a flat input tensor (batch, features).
        p: the architecture dataclass (activation, init, l2, batch_norm, dropout).
        depth: how many dense layers.
        width: units per layer.
        start: number of the first layer's name.

    Returns:
        The last layer's output (``x`` itself when ``depth`` is 0).

    Use:
        h = dense_stack(x, MlpParams(), depth=2, width=64)
    """
    for i in range(start, start + depth):
        name = f"dense_{i}"
        x = activated(x, lambda **kw: keras.layers.Dense(width, **kw), name, p)
        if p.dropout > 0:
            x = keras.layers.Dropout(p.dropout, name=f"{name}_dropout")(x)
    return x


def output_head(x: Any, task: str, n_classes: int, name: str = "head") -> Any:
    """The output layer: softmax over ``n_classes``, or one linear unit for regression.

    Args:
        x: a flat input tensor.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        name: the layer's name.

    Returns:
        The model's output tensor.

    Use:
        y = output_head(x, "multiclass", 3)
    """
    # float32 whatever the global policy: under mixed precision the last layer's softmax
    # and the loss stay in 32 bits (16-bit softmax over-/underflows).
    if task == "regression":
        return keras.layers.Dense(1, name=name, dtype="float32")(x)
    if int(n_classes) < 2:
        raise ValueError("a classification model needs n_classes >= 2")
    return keras.layers.Dense(int(n_classes), activation="softmax", name=name,
                              dtype="float32")(x)
