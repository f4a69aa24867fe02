"""A Keras multilayer perceptron for tables: ReLU, He initialisation, dropout, L2, Adam.

The seeds' recipe for a first deep model on vectors without structure: start simple, use
piecewise linear units, a standard optimizer and some regularization.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import keras


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


def build_mlp(n_inputs: int, task: str, n_classes: int, p: MlpParams) -> keras.Model:
    """A compiled MLP: softmax over the classes, or one linear output for regression."""
    reg = keras.regularizers.L2(p.l2) if p.l2 > 0 else None
    layers: list[keras.layers.Layer] = [keras.Input(shape=(n_inputs,))]
    for _ in range(p.depth):
        layers.append(keras.layers.Dense(p.width, activation="relu",
                                         kernel_initializer="he_normal",
                                         kernel_regularizer=reg))
        if p.dropout > 0:
            layers.append(keras.layers.Dropout(p.dropout))
    if task == "regression":
        layers.append(keras.layers.Dense(1))
        loss = "mean_squared_error"
    else:
        layers.append(keras.layers.Dense(n_classes, activation="softmax"))
        loss = "sparse_categorical_crossentropy"
    model = keras.Sequential(layers, name="mlp")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=p.learning_rate), loss=loss)
    return model
