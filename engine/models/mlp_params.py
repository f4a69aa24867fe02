"""The architecture of the tabular MLP, as one plain frozen dataclass.

Training settings (learning rate, batches, epochs, early stopping, seed) are not here: they
live in ``engine.models.train_params.TrainParams``. Kept apart from the Keras code so that reading
or writing them never imports Keras.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.arch_params import ArchParams
from engine.core.texts import text


@dataclass(frozen=True)
class MlpParams(ArchParams):
    """Architecture of a multilayer perceptron: ``depth`` hidden layers of ``width`` units.

    Args:
        width: units per hidden layer.
        depth: hidden layers (0: the inputs go straight to the output layer).
        activation, dropout, l2, batch_norm, init: see ``ArchParams``.

    Example:
        >>> MlpParams(width=32, depth=1).label()
        'Keras MLP, 1 x 32'
    """

    width: int = 64
    depth: int = 2

    def __post_init__(self) -> None:
        self.check_common()

    def label(self) -> str:
        """Plain words for this model, e.g. ``Keras MLP, 2 x 64``.

        Returns:
            The label shown in run lists and reports.
        """
        return text("models.label_mlp", depth=self.depth, width=self.width)
