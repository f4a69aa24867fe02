"""The architecture of the sequence models (1D convolution, GRU, LSTM), as one dataclass.

The zoo's kinds ``conv1d``, ``gru`` and ``lstm`` share this class with ``cell`` fixed by the
kind. No Keras import.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.arch_params import ArchParams, check_choice, check_positive
from engine.core.texts import text

CELLS = ("conv1d", "gru", "lstm")


@dataclass(frozen=True)
class SequenceParams(ArchParams):
    """Architecture of a model for sequences (time steps x channels).

    ``depth`` layers of ``cell`` with ``width`` filters or units, then one dense layer of
    ``width`` units and the output layer. Convolutions (window ``kernel_size``) are followed
    by a 2-step max-pool while the sequence stays at least ``2 * kernel_size`` long, and
    averaged over time at the end; recurrent layers pass their last state on. Recurrent
    layers keep their own tanh/sigmoid gates and no batch normalisation (so that fast GPU
    kernels apply); ``activation`` and ``batch_norm`` act on the convolutions and the dense
    layer.

    Args:
        cell: ``conv1d``, ``gru`` or ``lstm``.
        width: filters or units per layer, and units of the dense layer.
        depth: convolution or recurrent layers (1 or more).
        kernel_size: window of the 1D convolutions (time steps).
        activation, dropout, l2, batch_norm, init: see ``ArchParams``; dropout follows the
            dense layer.

    Example:
        >>> SequenceParams(cell="gru").label()
        'Keras GRU, 1 x 32'
    """

    cell: str = "conv1d"
    width: int = 32
    depth: int = 1
    kernel_size: int = 5

    def __post_init__(self) -> None:
        self.check_common()
        check_choice("cell", self.cell, CELLS)
        check_positive(depth=self.depth, kernel_size=self.kernel_size)

    def label(self) -> str:
        """Plain words for this model, e.g. ``Keras GRU, 1 x 32``.

        Returns:
            The label shown in run lists and reports.
        """
        return text(f"models.label_{self.cell}", depth=self.depth, width=self.width)
