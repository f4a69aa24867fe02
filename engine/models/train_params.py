"""How a Keras model is trained, as one plain dataclass shared by every model family.

The architecture lives in one dataclass per family (``engine.models.*_params``); this one
holds the optimizer, its learning-rate schedule, batches and epochs, early stopping, class
imbalance, augmentation and transfer learning. Reading or writing it never imports Keras.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.core.errors import ProjectError
from engine.core.texts import text

OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "nadam")
SCHEDULES = ("none", "step", "exponential", "inverse_time", "plateau", "warmup_cosine")
IMBALANCE = ("none", "class_weights", "oversample", "undersample")


@dataclass(frozen=True)
class TrainParams:
    """Training settings.

    ``schedule``: ``step`` multiplies the rate by ``decay_rate`` every ``decay_epochs``;
    ``exponential`` does the same smoothly; ``inverse_time`` divides it by
    ``1 + decay_rate * epoch / decay_epochs``; ``plateau`` multiplies it by ``decay_rate``
    when the dev loss has not improved for ``decay_epochs``; ``warmup_cosine`` rises for
    ``warmup_epochs`` then follows a cosine down to zero at the last epoch.
    ``augment`` is the strength of data augmentation (0 = off, 1 = strong).
    ``transfer_from`` is a saved ``.keras`` model (or ``keras:<Name>`` for a backbone of
    ``keras.applications`` whose weights are in the local cache); its first
    ``freeze_layers`` layers are frozen (-1: all of them), or with ``transfer_rates`` they
    train at 1/100 (lower layers) and 1/10 (top layer) of the learning rate.

    Example:
        >>> TrainParams.from_dict({"optimizer": "sgd", "width": 8}).optimizer
        'sgd'
    """

    optimizer: str = "adam"
    learning_rate: float = 1e-3
    momentum: float = 0.9
    nesterov: bool = True
    schedule: str = "none"
    decay_rate: float = 0.5
    decay_epochs: int = 10
    warmup_epochs: int = 2
    batch_size: int = 32
    epochs: int = 100
    patience: int = 10
    seed: int = 0
    imbalance: str = "none"
    augment: float = 0.0
    transfer_from: str = ""
    freeze_layers: int = 0
    transfer_rates: bool = False
    telemetry: bool = True
    clip_norm: float = 0.0

    def __post_init__(self) -> None:
        for name, allowed in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES),
                              ("imbalance", IMBALANCE)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        object.__setattr__(self, "clip_norm", _clip_norm(self.clip_norm))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainParams":
        """Keep the keys this class knows (a run's params also hold the architecture)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def _clip_norm(raw: Any) -> float:
    """``clip_norm`` as a number: the most the norm of all gradients together may be at a
    step (the advice when a loss blows up); 0 turns clipping off.

    Raises:
        ProjectError: the value is not a number, or is negative.
    """
    try:
        value = float(raw or 0)
    except (TypeError, ValueError):
        raise ProjectError(text("faults.bad_clip_norm")) from None
    if not math.isfinite(value) or value < 0:
        raise ProjectError(text("faults.bad_clip_norm"))
    return value
