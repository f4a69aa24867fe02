"""The recommended next move after a diagnosis, when Practica can make it for the user.

Bias: a bigger network of the same family, trained longer. Variance: the same network with
more dropout and weight decay, and data augmentation where the data kind has one. Mismatch
and dev overfitting need the user (look at the examples, collect more dev data), so there
is no button for them — the advice says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.input_coding import data_kind
from engine.kinds.registry import data_kind as kind_named
from engine.models import zoo
from engine.project.project import Project
from engine.core.texts import text
from engine.models.train_params import TrainParams


@dataclass(frozen=True)
class Move:
    """A training run Practica can start: a label for the button, the model kind and the
    job's parameters."""

    label: str
    explanation: str
    params: dict[str, Any]
    model: str = "mlp"


def recommended_move(project: Project) -> Move | None:
    """The move for the current verdict, or None when it needs the user's own hands."""
    verdict = project.diagnosis.verdict if project.diagnosis else None
    kind, base = _latest_deep(project)
    if verdict == "bias":
        params = {**base, "width": int(base["width"]) * 2, "depth": int(base["depth"]) + 1,
                  "epochs": int(base["epochs"]) * 2, "patience": int(base["patience"]) + 5}
        return Move(text("move.bias"), text("move.bias_why", width=params["width"],
                                            depth=params["depth"]), params, kind)
    if verdict == "variance":
        params = {**base, "dropout": min(0.5, float(base["dropout"]) + 0.2),
                  "l2": float(base["l2"]) * 10}
        why = text("move.variance_why", dropout=params["dropout"], l2=params["l2"])
        if (kind_named(zoo.FAMILIES[kind].data_kind).augmentation != "none"
                and float(base.get("augment", 0)) < 0.5):
            params["augment"] = 0.5
            why = f"{why} {text('move.variance_augment')}"
        return Move(text("move.variance"), why, params, kind)
    return None


def _latest_deep(project: Project) -> tuple[str, dict[str, Any]]:
    """The family and full parameters of the latest finished deep run (defaults if none)."""
    deep = [r for r in project.runs if zoo.is_keras_kind(r.model) and r.status == "finished"]
    if deep:
        kind, saved = deep[-1].model, deep[-1].params
    else:
        kind, saved = zoo.default_kind(data_kind(project)), {}
    arch = zoo.arch_params(kind, saved).to_dict()
    train = TrainParams.from_dict(saved).to_dict()
    return kind, {**arch, **train}
