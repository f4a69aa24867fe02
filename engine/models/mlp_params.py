"""Hyperparameters of the tabular MLP and of its training, as one plain dataclass.

Kept apart from the Keras model code so that reading or writing them never imports Keras.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class MlpParams:
    """Hyperparameters of the MLP and of its training.

    Example:
        >>> MlpParams(width=32, depth=1).to_dict()["width"]
        32
    """

    width: int = 64
    depth: int = 2
    dropout: float = 0.1
    l2: float = 1e-4
    learning_rate: float = 1e-3
    batch_size: int = 32
    epochs: int = 100
    patience: int = 10
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "MlpParams":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def label(self) -> str:
        return f"Keras MLP, {self.depth} x {self.width}"
