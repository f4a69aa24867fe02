"""A training run as saved in ``runs/<id>/run.json``: what was trained and how it scored."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.core import atomic

RUN_FILE = "run.json"


@dataclass(frozen=True)
class RunRecord:
    """One training run.

    Args:
        id: folder name under ``runs/``.
        model: ``majority``, ``linear`` or a family of ``engine.models.zoo``.
        label: a short plain name ("Keras MLP, 2 x 64").
        status: ``finished``, ``cancelled`` or ``failed``.
        params: the hyperparameters used.
        metrics: per split (``train``, ``train_dev``, ``dev``), every metric of the task.
        errors: per split, the optimizing metric expressed as an error (lower is better).
        history: per epoch, the Keras logs (empty for non-deep models).
        measured: satisfying quantities measured on this machine (see ``engine.training.footprint``):
            ``latency_ms`` (one example alone), ``batch_latency_ms`` (a batch of 32),
            ``throughput_per_s``, ``params``, ``size_mb`` and ``measure_s`` (what measuring took).
        after_vault: True when the run was made after the test set was seen.
        split_key: which split it was trained on (see ``engine.app.steps``).
        device: what trained it (``CPU`` or the GPU's name); empty for non-deep models.
        mixed_precision: True when it trained with 16-bit arithmetic (32-bit weights).
    """

    id: str
    model: str
    label: str
    status: str
    created: str
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: dict[str, float] = field(default_factory=dict)
    history: list[dict[str, float]] = field(default_factory=list)
    measured: dict[str, float] = field(default_factory=dict)
    model_file: str | None = None
    after_vault: bool = False
    split_key: str = ""
    seconds: float = 0.0
    message: str = ""
    device: str = ""
    mixed_precision: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "RunRecord":
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)

    def save(self, run_dir: Path) -> None:
        atomic.write_json(Path(run_dir) / RUN_FILE, self.to_dict())


def load_runs(runs_dir: Path) -> list[RunRecord]:
    """Every readable run under ``runs_dir``, oldest first; unreadable folders are skipped."""
    runs = []
    if not runs_dir.is_dir():
        return runs
    for path in sorted(runs_dir.glob(f"*/{RUN_FILE}")):
        try:
            runs.append(RunRecord.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError, KeyError):
            continue
    runs.sort(key=lambda r: (r.created, r.id))
    return runs
