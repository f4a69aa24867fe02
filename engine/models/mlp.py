"""A Keras multilayer perceptron for tables: ReLU, He initialisation, dropout, L2, Adam.

The seeds' recipe for a first deep model on vectors without structure: start simple, use
piecewise linear units, a standard optimizer and some regularization.
"""

from __future__ import annotations

import keras

from engine.models.mlp_params import MlpParams


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
