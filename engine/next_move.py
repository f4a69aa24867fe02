"""The recommended next move after a diagnosis, when Practica can make it for the user.

Bias: a bigger network trained longer. Variance: the same network with more dropout and
weight decay. Mismatch and dev overfitting need the user (look at the examples, collect
more dev data), so there is no button for them — the advice says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.models.mlp_params import MlpParams
from engine.project import Project
from engine.texts import text


@dataclass(frozen=True)
class Move:
    """A training run Practica can start: a label for the button and the job's arguments."""

    label: str
    explanation: str
    params: dict[str, Any]


def recommended_move(project: Project) -> Move | None:
    """The move for the current verdict, or None when it needs the user's own hands."""
    diagnosis = project.diagnosis or {}
    verdict = diagnosis.get("verdict")
    base = _latest_mlp_params(project)
    if verdict == "bias":
        params = MlpParams.from_dict({**base, "width": base["width"] * 2,
                                      "depth": base["depth"] + 1,
                                      "epochs": base["epochs"] * 2,
                                      "patience": base["patience"] + 5})
        return Move(text("move.bias"), text("move.bias_why", width=params.width,
                                            depth=params.depth), params.to_dict())
    if verdict == "variance":
        params = MlpParams.from_dict({**base, "dropout": min(0.5, base["dropout"] + 0.2),
                                      "l2": base["l2"] * 10})
        return Move(text("move.variance"), text("move.variance_why", dropout=params.dropout,
                                                l2=params.l2), params.to_dict())
    return None


def _latest_mlp_params(project: Project) -> dict[str, Any]:
    mlps = [r for r in project.runs if r.model == "mlp" and r.status == "finished"]
    params = MlpParams.from_dict(mlps[-1].params if mlps else {})
    return params.to_dict()
