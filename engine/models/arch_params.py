"""What every architecture dataclass of the model zoo shares: its checks and its dict form.

Each family (``MlpParams``, ``CnnParams``, ``SequenceParams``, ``TextParams``) is a frozen
dataclass that inherits from ``ArchParams``: ``to_dict`` gives plain JSON-able data and
``from_dict`` keeps only the keys the class knows, because a run's params are one flat dict
that also holds the training settings (``engine.models.train_params.TrainParams``). Reading or
writing these never imports Keras.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, TypeVar

ACTIVATIONS = ("relu", "elu", "gelu", "tanh", "sigmoid")
INITS = ("he_normal", "he_uniform", "glorot_uniform", "glorot_normal")

P = TypeVar("P", bound="ArchParams")


@dataclass(frozen=True)
class ArchParams:
    """The settings every family shares, with ``to_dict``, ``from_dict`` and their checks.

    Subclasses are frozen dataclasses that add at least ``width`` (and usually ``depth``)
    and call ``check_common()`` in ``__post_init__``.

    Args:
        activation: ``relu``, ``elu``, ``gelu``, ``tanh`` or ``sigmoid``.
        dropout: fraction of units dropped after each dense layer while training.
        l2: weight-decay factor on the layers' weights.
        batch_norm: normalise each layer's sums before its activation.
        init: weight initialiser (``he_normal`` suits relu-like units, ``glorot_uniform``
            suits tanh and sigmoid).

    Example:
        >>> from engine.models.mlp_params import MlpParams
        >>> MlpParams.from_dict({"width": 8, "epochs": 3}).to_dict()["width"]
        8
    """

    activation: str = "relu"
    dropout: float = 0.1
    l2: float = 1e-4
    batch_norm: bool = False
    init: str = "he_normal"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (JSON-able).

        Returns:
            ``{field name: value}`` for every field.
        """
        return asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls: type[P], d: dict[str, Any] | None) -> P:
        """The dataclass from a flat dict, ignoring keys it does not know.

        Args:
            d: architecture and training settings (unknown keys are ignored), or None.

        Returns:
            An instance with the known keys set and defaults elsewhere.
        """
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in (d or {}).items() if k in names})

    def check_common(self) -> None:
        """Raise ``ValueError`` when a shared field is out of range.

        Returns:
            None.
        """
        width = getattr(self, "width")
        if int(width) < 1:
            raise ValueError("width must be 1 or more")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        if self.init not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError("dropout must be at least 0 and below 1")
        if float(self.l2) < 0.0:
            raise ValueError("l2 must be 0 or more")
        depth = getattr(self, "depth", 0)
        if int(depth) < 0:
            raise ValueError("depth must be 0 or more")


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``.

    Args:
        name: the field's name, for the message.
        value: the value to check.
        allowed: the values it may take.

    Returns:
        None.

    Example:
        >>> check_choice("cell", "gru", ("conv1d", "gru", "lstm"))
    """
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}")


def check_positive(**values: int) -> None:
    """Raise ``ValueError`` unless every keyword's value is 1 or more.

    Args:
        values: name=value pairs to check.

    Returns:
        None.

    Example:
        >>> check_positive(filters=16, kernel_size=3)
    """
    for name, value in values.items():
        if int(value) < 1:
            raise ValueError(f"{name} must be 1 or more")
