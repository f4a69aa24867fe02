"""The recommended next move on the command line: what it is, why, and the ``practica train``
command that makes it; what the move only proposes (augmentation) is one more ``--set``,
which the user adds or leaves out.

Settings equal to the family's defaults are left out of the command, since ``practica
train`` starts from those. Example of what is printed::

    Next move: Train with more regularisation
      The model overfits, so ...
      To make it: practica train proj --model mlp --set dropout=0.3 --set l2=0.001
      Augmentation may help as well: ...
      To use it too, add: --set augment=0.5
"""

from __future__ import annotations

import shlex
from typing import Any

from engine.diagnosis.next_move import Move, recommended_move
from engine.models import boosted_trees, simple_baselines, zoo
from engine.models.train_params import TrainParams
from engine.project.project import Project
from engine.core.texts import text


def print_move(project: Project) -> None:
    """Print the recommended move of ``project``'s diagnosis, if Practica can make one."""
    move = recommended_move(project)
    if move is None:
        return
    print(text("move.cli_next", label=move.label))
    print(f"  {move.explanation}")
    print("  " + text("move.cli_command", command=move_command(str(project.root), move)))
    if move.extra:
        print(f"  {move.proposal}")
        print("  " + text("move.cli_extra", settings=_settings(move.extra)))


def move_command(folder: str, move: Move) -> str:
    """The ``practica train`` command line that trains ``move`` in the project ``folder``
    (without its extras).

    Example:
        >>> move_command("my proj", Move("x", "y", {"width": 64, "dropout": 0.3}, "mlp"))
        "practica train 'my proj' --model mlp --set dropout=0.3"
    """
    if move.model == simple_baselines.TREES:
        defaults = dict(boosted_trees.DEFAULTS)
    else:
        defaults = {**zoo.arch_params(move.model, {}).to_dict(), **TrainParams().to_dict()}
    changed = {k: v for k, v in move.params.items() if defaults.get(k, object()) != v}
    parts = ["practica", "train", shlex.quote(folder), "--model", move.model]
    return " ".join(parts) + (" " + _settings(changed) if changed else "")


def _settings(values: dict[str, Any]) -> str:
    return " ".join(f"--set {shlex.quote(f'{k}={_shown(v)}')}" for k, v in values.items())


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)
