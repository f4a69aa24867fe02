"""The saved progress of a training run on disk: ``checkpoint.json`` and its arrays.

A checkpoint is two files in the run folder:

- ``checkpoint-0.npz`` or ``checkpoint-1.npz`` (by the epoch's parity): the model's
  weights, its random-seed states (and the backend's global generator where layers draw
  from it), the optimizer's variables and early stopping's best weights, as plain arrays (``np.savez``; read back with ``allow_pickle=False``);
- ``checkpoint.json``: the epoch, the history rows, early stopping's counters, which npz
  file holds the arrays and that file's SHA-256.

Both are written atomically, the npz first. A new epoch's arrays go to the *other* npz
file, so until the new JSON replaces the old one the old JSON still names an untouched,
matching npz: a run killed at any moment leaves the previous good checkpoint. A JSON whose
npz is missing or has another hash (copied or damaged files) loads as ``None``.

Use:
    write_checkpoint(run_dir, checkpoint)
    load_checkpoint(run_dir).epoch
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.core.atomic import atomic_path, write_json
from engine.core.file_hash import file_digest

JSON_FILE = "checkpoint.json"
FORMAT = 1
_GROUPS = (("weights", "w"), ("optimizer_variables", "o"), ("random_states", "r"),
           ("backend_random_states", "g"))


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Everything needed to continue a run after its last finished epoch.

    Attributes:
        epoch: finished epochs; pass it as ``model.fit(initial_epoch=...)``.
        history: one dict of epoch logs per finished epoch (``{"loss": ..., ...}``); a
            non-finite value comes back as NaN.
        weights: ``model.get_weights()`` at that epoch's end.
        optimizer_variables: the optimizer's variables (iteration count, learning rate,
            moments ...), in ``model.optimizer.variables`` order.
        stopper_state: early stopping's state (see ``engine.training.resumable_stopping``), or
            ``None`` when the run had no early stopping.
        random_states: the model's random-seed states (dropout ...), in the order of
            ``model.variables`` minus ``model.weights``.
        backend_random_states: the backend's own global random generators where layers
            draw from them (PyTorch's unseeded dropout), as byte arrays; empty elsewhere.
    """

    epoch: int
    history: list[dict[str, float]]
    weights: list[np.ndarray]
    optimizer_variables: list[np.ndarray]
    stopper_state: dict[str, Any] | None = None
    random_states: list[np.ndarray] = field(default_factory=list)
    backend_random_states: list[np.ndarray] = field(default_factory=list)


# numpy dtype kinds that np.save can only write with pickle: raw bytes ("V"), which is what
# ml_dtypes' bfloat16 and other add-on number types report.
NEEDS_PICKLE = ("V",)

def _storable(array: np.ndarray) -> np.ndarray:
    """Arrays numpy cannot store without pickle (bfloat16 ...) are widened to float32.

    Assigning the float32 values back to a bfloat16/float16 variable gives the same
    numbers, so nothing is lost.
    """
    array = np.asarray(array)
    return array.astype(np.float32) if array.dtype.kind in NEEDS_PICKLE else array


def write_checkpoint(run_dir: str | Path, checkpoint: Checkpoint) -> None:
    """Save ``checkpoint`` in ``run_dir``: its npz file, then ``checkpoint.json``.

    Args:
        run_dir: the run's folder (created if missing).
        checkpoint: what to save.

    Raises:
        ProjectError: a file cannot be written (the previous checkpoint is kept).

    Use:
        write_checkpoint("runs/r3", Checkpoint(2, rows, weights, opt_vars))
    """
    run_dir = Path(run_dir)
    arrays: dict[str, np.ndarray] = {"epoch": np.array(checkpoint.epoch, dtype=np.int64)}
    counts: dict[str, int] = {}
    for name, prefix in _GROUPS:
        values = getattr(checkpoint, name)
        counts[name] = len(values)
        arrays.update({f"{prefix}{i:05d}": _storable(v) for i, v in enumerate(values)})
    stopper = None
    if checkpoint.stopper_state is not None:
        stopper = {k: v for k, v in checkpoint.stopper_state.items() if k != "best_weights"}
        best_weights = checkpoint.stopper_state.get("best_weights")
        stopper["n_best_weights"] = None if best_weights is None else len(best_weights)
        for i, v in enumerate(best_weights or []):
            arrays[f"b{i:05d}"] = _storable(v)
    npz_name = f"checkpoint-{checkpoint.epoch % 2}.npz"
    with atomic_path(run_dir / npz_name, suffix=".npz") as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        digest = file_digest(tmp)
    write_json(run_dir / JSON_FILE, {
        "format": FORMAT, "epoch": checkpoint.epoch, "arrays": npz_name, "sha256": digest,
        "counts": counts, "stopper": stopper, "history": checkpoint.history,
    })


def load_checkpoint(run_dir: str | Path) -> Checkpoint | None:
    """The run's last complete checkpoint, or ``None`` if there is none or it is damaged.

    Args:
        run_dir: the run's folder.

    Returns:
        The ``Checkpoint``; ``None`` when ``checkpoint.json`` is missing or unreadable, or
        its npz file is missing, does not match the recorded hash or epoch, or lacks an
        array.

    Use:
        checkpoint = load_checkpoint("runs/r3")
        checkpoint.epoch if checkpoint else 0
    """
    run_dir = Path(run_dir)
    try:
        meta = json.loads((run_dir / JSON_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            return None
        npz_path = run_dir / meta["arrays"]
        if npz_path.parent != run_dir or file_digest(npz_path) != meta["sha256"]:
            return None
        with np.load(npz_path, allow_pickle=False) as data:
            epoch = int(meta["epoch"])
            if int(data["epoch"]) != epoch:
                return None
            # A checkpoint written before a group existed has none of its arrays.
            groups = {name: [data[f"{prefix}{i:05d}"]
                             for i in range(meta["counts"].get(name, 0))]
                      for name, prefix in _GROUPS}
            stopper = meta.get("stopper")
            if stopper is not None:
                n_best = stopper.pop("n_best_weights", None)
                stopper["best_weights"] = (None if n_best is None else
                                           [data[f"b{i:05d}"] for i in range(n_best)])
        # NaN was written as null (standard JSON); give the rows their floats back.
        history = [{k: math.nan if v is None else float(v) for k, v in row.items()}
                   for row in meta["history"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError,
            zipfile.BadZipFile):
        return None
    return Checkpoint(epoch=epoch, history=history, stopper_state=stopper, **groups)


def remove_checkpoint(run_dir: str | Path) -> None:
    """Delete the run's checkpoint files (once the run has finished for good).

    The JSON goes first, so an interrupted removal leaves no checkpoint, never a wrong
    one. Temporary files left by a write that was killed go too. Missing files are fine.

    Args:
        run_dir: the run's folder.

    Use:
        remove_checkpoint("runs/r3"); load_checkpoint("runs/r3") is None
    """
    run_dir = Path(run_dir)
    (run_dir / JSON_FILE).unlink(missing_ok=True)
    for path in [*run_dir.glob("checkpoint-[01].npz"), *run_dir.glob(".checkpoint*")]:
        path.unlink(missing_ok=True)
