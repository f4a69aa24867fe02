"""The architecture of the text models (word vectors, pooled or convolved), as a dataclass.

The zoo's kinds ``text_pool`` and ``text_conv`` share this class with ``encoder`` fixed by
the kind. No Keras import.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.arch_params import ArchParams, check_choice, check_positive
from engine.core.texts import text

ENCODERS = ("pool", "conv1d")
WORD_VECTORS = ("none", "wordllama")  # engine.models.pretrained.word_vectors.SOURCES
PRETRAINED_DIM = 256  # numbers per WordLlama vector


@dataclass(frozen=True)
class TextParams(ArchParams):
    """Architecture of a model for texts coded as word numbers (0 = padding).

    Each word number becomes a learnt vector of ``embed_dim`` numbers. ``pool`` averages the
    vectors of the real words (padding is masked out); ``conv1d`` runs one 1D convolution of
    ``width`` filters over ``kernel_size`` neighbouring words and keeps each filter's
    strongest response. Then ``depth`` dense layers of ``width`` units and the output layer.

    Args:
        encoder: ``pool`` or ``conv1d``.
        embed_dim: numbers per word vector.
        width: filters of the convolution and units of each dense layer.
        depth: dense layers after the encoder.
        kernel_size: words seen at once by the convolution.
        word_vectors: ``none`` (each word's vector is learnt from scratch) or ``wordllama``
            (each word starts from its pretrained WordLlama vector, 256 numbers, which
            replaces ``embed_dim``; ``engine.models.pretrained.word_vectors``).
        tune_word_vectors: with pretrained vectors, let training adjust them (at a tenth of
            the learning rate); by default they are kept fixed.
        activation, dropout, l2, batch_norm, init: see ``ArchParams``; dropout follows the
            dense layers.

    Example:
        >>> TextParams().label()
        'Keras text model, average of word vectors (32 numbers), dense 1 x 32'
        >>> TextParams(word_vectors="wordllama", embed_dim=32).vector_size
        256
    """

    encoder: str = "pool"
    embed_dim: int = 32
    width: int = 32
    depth: int = 1
    kernel_size: int = 5
    word_vectors: str = "none"
    tune_word_vectors: bool = False

    def __post_init__(self) -> None:
        self.check_common()
        check_choice("encoder", self.encoder, ENCODERS)
        check_choice("word_vectors", self.word_vectors, WORD_VECTORS)
        check_positive(embed_dim=self.embed_dim, kernel_size=self.kernel_size)

    @property
    def pretrained(self) -> bool:
        """Whether the word vectors start from pretrained ones."""
        return self.word_vectors != "none"

    @property
    def vector_size(self) -> int:
        """Numbers per word vector: ``embed_dim``, or 256 with pretrained vectors."""
        return PRETRAINED_DIM if self.pretrained else self.embed_dim

    def label(self) -> str:
        """Plain words for this model, e.g. ``Keras text model, average of word vectors ...``.

        Returns:
            The label shown in run lists and reports.
        """
        # text keys: models.label_text_{pool,conv}
        label = text(f"models.label_text_{self.encoder}", embed_dim=self.vector_size,
                     depth=self.depth, width=self.width)
        if not self.pretrained:
            return label
        # text keys: models.label_word_vectors_{fixed,tuned}
        how = "tuned" if self.tune_word_vectors else "fixed"
        return label + text(f"models.label_word_vectors_{how}")
