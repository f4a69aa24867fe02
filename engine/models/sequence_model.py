"""Keras models for sequences (steps x channels): 1D convolutions, GRU or LSTM.

``conv1d``: ``conv_1`` .. ``conv_<depth>`` (same padding), each but the last followed by a
2-step max-pool ``pool_<i>`` while the sequence stays at least ``2 * kernel_size`` long,
then an average over time (``pool_global``). ``gru``/``lstm``: ``gru_1`` .. (or
``lstm_1`` ..), all but the last passing on the whole sequence, the last its final state;
the cells keep Keras' default tanh/sigmoid gates (fast GPU kernels need them) and get no
batch normalisation. Then ``dense_1`` (``width`` units, the chosen activation) with its
dropout, and ``head``. A sequence given as ``(steps,)`` gets a channel axis first
(``channels``); sequence augmentation layers follow the input.
"""

from __future__ import annotations

import keras

from engine.models.blocks import activated, dense_stack, model_input, output_head, regularizer
from engine.models.sequence_params import SequenceParams


def _conv_encoder(x, p: SequenceParams):
    for i in range(1, p.depth + 1):
        x = activated(x, lambda **kw: keras.layers.Conv1D(
            p.width, p.kernel_size, padding="same", **kw), f"conv_{i}", p)
        if i < p.depth and x.shape[1] // 2 >= p.kernel_size:
            x = keras.layers.MaxPooling1D(2, name=f"pool_{i}")(x)
    return keras.layers.GlobalAveragePooling1D(name="pool_global")(x)


def _recurrent_encoder(x, p: SequenceParams):
    cell = keras.layers.GRU if p.cell == "gru" else keras.layers.LSTM
    for i in range(1, p.depth + 1):
        x = cell(p.width, return_sequences=i < p.depth, kernel_initializer="glorot_uniform",
                 kernel_regularizer=regularizer(p.l2), name=f"{p.cell}_{i}")(x)
    return x


def build_sequence_model(input_shape: tuple[int, ...], task: str, n_classes: int,
                         p: SequenceParams, augment: float = 0.0,
                         seed: int | None = None) -> keras.Model:
    """An uncompiled model for sequences ``(steps, channels)`` or ``(steps,)``.

    Args:
        input_shape: one sequence's shape without the batch axis.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture (``p.cell`` picks conv1d, gru or lstm).
        augment: strength of the sequence augmentation while training (0: none).
        seed: seed of the augmentation's draws.

    Returns:
        An uncompiled ``keras.Model`` named after the cell (``conv1d``, ``gru``, ``lstm``).

    Use:
        build_sequence_model((50, 3), "regression", 0, SequenceParams(cell="gru")).output.shape
    """
    if len(input_shape) not in (1, 2):
        raise ValueError("a sequence model needs inputs shaped (steps,) or (steps, channels)")
    inputs, x = model_input(input_shape, "sequence", augment, seed, min_rank=2)
    x = _conv_encoder(x, p) if p.cell == "conv1d" else _recurrent_encoder(x, p)
    x = dense_stack(x, p, 1, p.width)
    return keras.Model(inputs, output_head(x, task, n_classes), name=p.cell)
