"""The recommended next move after a diagnosis, when Practica can make it for the user.

Every move starts from the run the diagnosis was made on (``project.diagnosis.run``), never
from another one: its family and settings, or the usual model's defaults when that run is
not a neural network (majority, linear). Boosted trees get trees grown differently
(``engine.diagnosis.tree_move``). Bias: a bigger network of the same family,
trained longer. Variance: the same network with more dropout and weight decay; where the
data kind takes augmentation and the run had little, the move *proposes* it (``extra``) and
leaves it off until the user asks for it, since a varied example must keep its label.
Mismatch and dev overfitting need the user (look at the examples, collect more dev data),
so there is no button for them — the advice says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.kinds.input_coding import data_kind
from engine.kinds.registry import data_kind as kind_named
from engine.diagnosis.tree_move import tree_move_texts, tree_params
from engine.models import simple_baselines, zoo
from engine.project.project import Project, find_run
from engine.project.run_record import RunRecord
from engine.core.texts import text
from engine.models.train_params import TrainParams

PROPOSED_AUGMENT = 0.5
"""The augmentation strength the variance move proposes (0 off, 1 strong)."""


@dataclass(frozen=True)
class Move:
    """A training run Practica can start: a label for the button, the model kind and the
    job's parameters. ``run`` is the diagnosed run it builds on ("" when it starts from the
    defaults). ``extra`` holds settings the move proposes but does not use by itself
    (``proposal`` says so in words); ``with_extra()`` gives the parameters with them."""

    label: str
    explanation: str
    params: dict[str, Any]
    model: str = "mlp"
    run: str = ""
    proposal: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def with_extra(self) -> dict[str, Any]:
        """The move's parameters with the proposed settings switched on."""
        return {**self.params, **self.extra}


def recommended_move(project: Project) -> Move | None:
    """The move for the current verdict, or None when it needs the user's own hands."""
    verdict = project.diagnosis.verdict if project.diagnosis else None
    if verdict not in ("bias", "variance"):
        return None
    run = diagnosed_run(project)
    if run is not None and run.model == simple_baselines.TREES and run.status == "finished":
        params = tree_params(verdict, run)
        label, why = tree_move_texts(verdict, params, run)
        return Move(label, why, params, simple_baselines.TREES, run.id)
    if not _is_network(run):
        run = None  # a majority or linear run has no network settings to build on
    kind, base = start_settings(project, run)
    start = (text("move.from_run", label=run.label) if run is not None
             else text("move.from_defaults"))
    run_id = run.id if run is not None else ""
    if verdict == "bias":
        params = {**base, "width": int(base["width"]) * 2, "depth": int(base["depth"]) + 1,
                  "epochs": int(base["epochs"]) * 2, "patience": int(base["patience"]) + 5}
        why = text("move.bias_why", width=params["width"], depth=params["depth"])
        return Move(text("move.bias"), f"{why} {start}", params, kind, run_id)
    params = {**base, "dropout": min(0.5, float(base["dropout"]) + 0.2),
              "l2": float(base["l2"]) * 10}
    why = text("move.variance_why", dropout=params["dropout"], l2=params["l2"])
    move = Move(text("move.variance"), f"{why} {start}", params, kind, run_id)
    style = kind_named(zoo.FAMILIES[kind].data_kind).augmentation
    if style != "none" and float(base.get("augment", 0)) < PROPOSED_AUGMENT:
        # text keys: move.propose_augment_{noise,image,series,sound}
        key = f"move.propose_augment_{style}"
        if style == "image" and not (base.get("flip_keeps_label")
                                     or base.get("rotate_keeps_label")):
            key = "move.propose_augment_image_safe"
        return Move(move.label, move.explanation, params, kind, move.run,
                    text(key, strength=PROPOSED_AUGMENT), {"augment": PROPOSED_AUGMENT})
    return move


def diagnosed_run(project: Project) -> RunRecord | None:
    """The run the diagnosis was made on (the chosen run when the record names none)."""
    record = project.diagnosis
    return find_run(project, (record.run if record and record.run else None)
                    or project.chosen_run)


def start_settings(project: Project, run: RunRecord | None) -> tuple[str, dict[str, Any]]:
    """The family and full settings a move builds on: ``run``'s when it is a finished
    neural network, else the usual family's defaults for the project's data."""
    if _is_network(run):
        kind, saved = run.model, run.params
    else:
        kind, saved = zoo.default_kind(data_kind(project)), {}
    arch = zoo.arch_params(kind, saved).to_dict()
    train = TrainParams.from_dict(saved).to_dict()
    return kind, {**arch, **train}


def _is_network(run: RunRecord | None) -> bool:
    return run is not None and zoo.is_keras_kind(run.model) and run.status == "finished"
