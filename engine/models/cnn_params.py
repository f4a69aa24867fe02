"""The architecture of the small image CNN, as one plain frozen dataclass (no Keras import)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.arch_params import ArchParams, check_positive
from engine.core.texts import text


@dataclass(frozen=True)
class CnnParams(ArchParams):
    """Architecture of a small convolutional network for images.

    ``blocks`` blocks of ``convs_per_block`` convolutions (``kernel_size`` x
    ``kernel_size``) each followed by a 2 x 2 max-pool; the first block has ``filters``
    channels and each next one twice as many while the picture's side halves. No block is
    added once the shorter side would drop below 4 pixels. Then ``depth`` dense layers of
    ``width`` units and the output layer.

    Args:
        filters: channels of the first block.
        blocks: convolution blocks (at most; fewer on small pictures).
        convs_per_block: convolutions per block (1 or 2 is usual).
        kernel_size: side of each convolution's window.
        width: units of each dense layer of the head.
        depth: dense layers between the convolutions and the output.
        activation, dropout, l2, batch_norm, init: see ``ArchParams``; dropout follows the
            dense layers only.

    Example:
        >>> CnnParams().label()
        'Keras CNN, 2 blocks from 16 filters, dense 64'
    """

    filters: int = 16
    blocks: int = 2
    convs_per_block: int = 1
    kernel_size: int = 3
    width: int = 64
    depth: int = 1

    def __post_init__(self) -> None:
        self.check_common()
        check_positive(filters=self.filters, blocks=self.blocks,
                       convs_per_block=self.convs_per_block, kernel_size=self.kernel_size)

    def label(self) -> str:
        """Plain words for this model, e.g. ``Keras CNN, 2 blocks from 16 filters, dense 64``.

        Returns:
            The label shown in run lists and reports.
        """
        return text("models.label_cnn", blocks=self.blocks, filters=self.filters,
                    width=self.width)


@dataclass(frozen=True)
class SoundCnnParams(CnnParams):
    """Architecture of the sound CNN: a log-mel spectrogram of ``mels`` bands computed
    inside the model, then the small CNN of ``CnnParams`` over it (time and pitch as the
    picture's two sides).

    Example:
        >>> SoundCnnParams().label()
        'Keras sound CNN (log-mel, 40 bands), 2 blocks from 16 filters, dense 64'
    """

    mels: int = 40

    def __post_init__(self) -> None:
        super().__post_init__()
        check_positive(mels=self.mels)

    def label(self) -> str:
        """Plain words for this model, shown in run lists and reports."""
        return text("models.label_sound_cnn", mels=self.mels, blocks=self.blocks,
                    filters=self.filters, width=self.width)
