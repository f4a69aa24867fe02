"""Keras models for texts coded as word numbers: word vectors, then pooling or a convolution.

Layers: ``input`` (int32 word numbers, 0 = padding) -> ``embed`` (``vocab_size`` x
``embed_dim``) -> either ``pool_global`` (average of the word vectors; ``mask_zero`` keeps
padding out of the average, which works on every backend) or ``conv_1`` (1D convolution,
same padding) and ``pool_global`` (the strongest response of each filter; no mask, since
convolutions do not take one: padding has its own learnt vector) -> ``dense_1`` ..
``dense_<depth>`` -> ``head``. Text gets no augmentation.
"""

from __future__ import annotations

import keras

from engine.models.blocks import activated, dense_stack, model_input, output_head
from engine.models.text_params import TextParams


def build_text_model(input_shape: tuple[int, ...] | int, task: str, n_classes: int,
                     p: TextParams, vocab_size: int, augment: float = 0.0,
                     seed: int | None = None) -> keras.Model:
    """An uncompiled text model over word numbers ``0 .. vocab_size - 1`` (0 = padding).

    Args:
        input_shape: ``(words,)``, the padded length of every text, or that length.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture (``p.encoder`` picks pool or conv1d).
        vocab_size: how many word numbers there are, padding and unknown words included.
        augment: ignored (text gets no augmentation); kept for a uniform signature.
        seed: ignored.

    Returns:
        An uncompiled ``keras.Model`` named ``text_pool`` or ``text_conv``.

    Use:
        build_text_model((40,), "binary", 2, TextParams(), vocab_size=1000).output.shape
    """
    if vocab_size is None or int(vocab_size) < 2:
        raise ValueError("a text model needs vocab_size >= 2")
    shape = (int(input_shape),) if isinstance(input_shape, int) else tuple(input_shape)
    if len(shape) != 1:
        raise ValueError("a text model needs inputs shaped (words,)")
    inputs, x = model_input(shape, "text", 0.0, dtype="int32")
    pooled = p.encoder == "pool"
    x = keras.layers.Embedding(int(vocab_size), p.embed_dim, mask_zero=pooled,
                               name="embed")(x)
    if pooled:
        x = keras.layers.GlobalAveragePooling1D(name="pool_global")(x)
    else:
        x = activated(x, lambda **kw: keras.layers.Conv1D(
            p.width, p.kernel_size, padding="same", **kw), "conv_1", p)
        x = keras.layers.GlobalMaxPooling1D(name="pool_global")(x)
    x = dense_stack(x, p, p.depth, p.width)
    name = "text_pool" if pooled else "text_conv"
    return keras.Model(inputs, output_head(x, task, n_classes), name=name)
