"""An ensemble run's model: its members' models, kept in its own folder, whose answers are
averaged.

An ensemble run (``model == "ensemble"``, made by ``engine.final.ensemble_run``) holds in its
folder ``ensemble.json`` (its ``model_file``) and one folder per member under ``members/``
with that member's model file and run record. Nothing outside the folder is needed, so an
export copies the folder's files as they are. For classes the ensemble averages the
members' class probabilities; for numbers, their predicted values.

Use:
    spec = read_members(run_dir / "ensemble.json")
    [m["model"] for m in spec]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.core.errors import ProjectError
from engine.core.texts import text

ENSEMBLE = "ensemble"
MEMBERS_FILE = "ensemble.json"
MEMBERS_DIR = "members"
SCHEMA = 1


@dataclass(frozen=True)
class EnsembleModel:
    """The members' predictors, in order; ``scores`` averages theirs."""

    members: tuple

    def scores(self, X: np.ndarray, pad_to: int | None = None) -> np.ndarray:
        parts = [np.asarray(m.scores(X, pad_to), dtype=float) for m in self.members]
        return np.mean(np.stack(parts), axis=0)


def member_entry(run_id: str, model: str, label: str, model_file: str) -> dict:
    """How ``ensemble.json`` names one member: its id, kind, label and the path of its
    model file inside the ensemble's folder."""
    return {"id": run_id, "model": model, "label": label,
            "model_file": f"{MEMBERS_DIR}/{run_id}/{Path(model_file).name}"}


def read_members(path: Path) -> list[dict]:
    """The members listed in an ensemble's ``ensemble.json``.

    Raises:
        ProjectError: the file is missing, damaged, or lists fewer than two members, or
            another ensemble.
    """
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        members = [{"id": str(m["id"]), "model": str(m["model"]), "label": str(m.get("label", "")),
                    "model_file": str(m["model_file"])} for m in spec["members"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ProjectError(text("ensemble_run.damaged", path=path,
                                problem=str(exc) or type(exc).__name__)) from None
    if len(members) < 2 or any(m["model"] == ENSEMBLE for m in members):
        raise ProjectError(text("ensemble_run.damaged", path=path,
                                problem=text("ensemble_run.bad_members")))
    return members


def member_files(path: Path) -> list[str]:
    """The paths (inside the ensemble's folder) of the files an ensemble needs besides
    ``ensemble.json``: each member's model file."""
    return [m["model_file"] for m in read_members(path)]
