"""What a freshly trained model brings back to the training job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fitted:
    """A model just trained, with what the run record needs to know about it."""

    model: object
    label: str
    model_file: str
    params: int
    param_dict: dict[str, Any]
    history: list[dict[str, float]] = field(default_factory=list)
    cancelled: bool = False
    message: str = ""
