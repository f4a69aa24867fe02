"""Keras models for texts coded as word numbers: word vectors, then pooling or a convolution.

Layers: ``input`` (int32 word numbers, 0 = padding) -> ``embed`` (``vocab_size`` x
``embed_dim``) -> either ``pool_global`` (average of the word vectors; ``mask_zero`` keeps
padding out of the average, which works on every backend) or ``conv_1`` (1D convolution,
same padding) and ``pool_global`` (the strongest response of each filter; no mask, since
convolutions do not take one: padding has its own learnt vector) -> ``dense_1`` ..
``dense_<depth>`` -> ``head``. Text gets no augmentation.

With ``word_vectors="wordllama"`` the ``embed`` layer has 256 numbers per word and starts
from the pretrained WordLlama vectors of the project's words
(``engine.models.pretrained.word_vectors``); it is kept fixed unless ``tune_word_vectors``.
Its weights are saved in the model file like any other, so a saved model needs nothing more.
"""

from __future__ import annotations

import keras

from engine.models.blocks import activated, dense_stack, model_input, output_head
from engine.models.pretrained.word_vectors import word_vector_table
from engine.models.text_params import TextParams


def build_text_model(input_shape: tuple[int, ...] | int, task: str, n_classes: int,
                     p: TextParams, vocab_size: int, augment: float = 0.0,
                     seed: int | None = None,
                     vocabulary: tuple[str, ...] | None = None) -> keras.Model:
    """An uncompiled text model over word numbers ``0 .. vocab_size - 1`` (0 = padding).

    Args:
        input_shape: ``(words,)``, the padded length of every text, or that length.
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: classes of a classification task (ignored for regression).
        p: the architecture (``p.encoder`` picks pool or conv1d).
        vocab_size: how many word numbers there are, padding and unknown words included.
        augment: ignored (text gets no augmentation); kept for a uniform signature.
        seed: ignored.
        vocabulary: the project's words in number order from 2 (needed with pretrained
            word vectors; ``vocab_size`` must then be ``len(vocabulary) + 2``).

    Returns:
        An uncompiled ``keras.Model`` named ``text_pool`` or ``text_conv``.

    Raises:
        WeightsError: pretrained vectors were asked for and the wordllama package is missing.

    Use:
        build_text_model((40,), "binary", 2, TextParams(), vocab_size=1000).output.shape
    """
    if vocab_size is None or int(vocab_size) < 2:
        raise ValueError("a text model needs vocab_size >= 2")
    shape = (int(input_shape),) if isinstance(input_shape, int) else tuple(input_shape)
    if len(shape) != 1:
        raise ValueError("a text model needs inputs shaped (words,)")
    table = _pretrained_table(p, int(vocab_size), vocabulary)
    inputs, x = model_input(shape, "text", 0.0, dtype="int32")
    pooled = p.encoder == "pool"
    embed = keras.layers.Embedding(int(vocab_size), p.vector_size, mask_zero=pooled,
                                   trainable=table is None or p.tune_word_vectors,
                                   name="embed")
    x = embed(x)
    if pooled:
        x = keras.layers.GlobalAveragePooling1D(name="pool_global")(x)
    else:
        x = activated(x, lambda **kw: keras.layers.Conv1D(
            p.width, p.kernel_size, padding="same", **kw), "conv_1", p)
        x = keras.layers.GlobalMaxPooling1D(name="pool_global")(x)
    x = dense_stack(x, p, p.depth, p.width)
    name = "text_pool" if pooled else "text_conv"
    model = keras.Model(inputs, output_head(x, task, n_classes), name=name)
    if table is not None:
        embed.set_weights([table])
    return model


def _pretrained_table(p: TextParams, vocab_size: int, vocabulary):
    """The starting word vectors when ``p`` asks for them (None otherwise)."""
    if not p.pretrained:
        return None
    if vocabulary is None or len(vocabulary) + 2 != vocab_size:
        raise ValueError("pretrained word vectors need the vocabulary (vocab_size - 2 words)")
    return word_vector_table(tuple(vocabulary))
