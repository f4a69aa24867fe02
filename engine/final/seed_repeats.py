"""Copies of the chosen model trained again with other seeds, for the spread over seeds.

Training a neural network is random (initial weights, batch order, dropout): the same
settings trained with another seed give a somewhat different model. One test score says
little about the configuration; the mean ± standard deviation over several seeds says how
much of it is luck. The chosen run counts as the first of the ``K`` copies (its own seed);
the ``K - 1`` others use the next seeds. They are trained **before** the vault opens, so
stopping halfway leaves the test set unseen, and they are scored on the test rows only
afterwards.

The copies are not runs: their folders are ``final/seed_<seed>/`` (the model file and a
``repeat.json`` record), not ``runs/``, so they are never offered as models to choose —
picking the best seed on dev would be one more selection the test score has not seen.
Their model files are kept so the test evaluation can be redone and a stopped final test
goes on without training the copies already done again.

Non-deep baselines (majority, linear) do not depend on a seed: for them ``K`` is 1.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from engine.core.defaults import FINAL_SEEDS, MAX_FINAL_SEEDS
from engine.core import atomic
from engine.split.datasets import DEV_SPLITS, split_frame, target_values
from engine.final.ensemble import final_dir
from engine.core.errors import JobCancelled
from engine.goal.evaluation import optimizing_error, score, to_predictions
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.models import zoo
from engine.training.predictor import Predictor, load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.project.fingerprints import split_key
from engine.core.texts import text
from engine.core.backend import import_keras

DEFAULT_SEEDS = FINAL_SEEDS
MAX_SEEDS = MAX_FINAL_SEEDS
REPEAT_FILE = "repeat.json"
SPEC_FILE = "spec.json"


@dataclass(frozen=True)
class Repeat:
    """One copy of the chosen model: its seed, folder and dev scores."""

    seed: int
    folder: str
    model_file: str
    dev: dict
    dev_error: float
    seconds: float
    config: str

    def to_dict(self) -> dict:
        return asdict(self)


def seeds_apply(run: RunRecord) -> bool:
    """Whether retraining ``run`` with another seed can give another model."""
    return zoo.is_keras_kind(run.model)


def effective_k(run: RunRecord, k: int) -> int:
    """``k`` for a deep model, 1 for a deterministic baseline."""
    return max(1, int(k)) if seeds_apply(run) else 1


def training_params(project: Project, run: RunRecord) -> dict:
    """The settings ``run`` was trained with (its saved spec, else its record)."""
    spec = project.run_dir(run.id) / SPEC_FILE
    if spec.is_file():
        return dict(json.loads(spec.read_text(encoding="utf-8")).get("params") or {})
    return {k: v for k, v in run.params.items() if k not in ("epochs_run", "best_epoch")}


def repeat_seeds(project: Project, run: RunRecord, k: int) -> list[int]:
    """The seeds of the ``k`` copies: the chosen run's own, then the next ones."""
    first = int(training_params(project, run).get("seed", run.params.get("seed", 0)) or 0)
    return [first + i for i in range(effective_k(run, k))]


def estimate_seconds(project: Project, run: RunRecord, k: int) -> float:
    """How long training the extra copies should take: the chosen run's time per copy."""
    return float(run.seconds or 0.0) * (effective_k(run, k) - 1)


def repeat_folder(project: Project, seed: int) -> Path:
    return final_dir(project) / f"seed_{seed}"


def _config(project: Project, run: RunRecord, params: dict) -> str:
    raw = json.dumps({"run": run.id, "model": run.model, "params": params,
                      "split": split_key(project)}, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def _saved(folder: Path, config: str) -> Repeat | None:
    path = folder / REPEAT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        repeat = Repeat(**data)
    except (OSError, ValueError, TypeError):
        return None
    ok = repeat.config == config and (folder / repeat.model_file).is_file()
    return repeat if ok else None


def train_repeats(project: Project, run: RunRecord, k: int, progress: ProgressFn = ignore,
                  cancel: CancelFlag = NEVER) -> list[Repeat]:
    """Train the ``k - 1`` extra copies of ``run`` (nothing for a baseline or ``k`` = 1).

    Copies already trained with the same settings on the same split are reused. Reads no
    test row.

    Raises:
        JobCancelled: ``cancel`` was set; the copy being trained is discarded.
    """
    seeds = repeat_seeds(project, run, k)[1:]
    if not seeds:
        return []

    import_keras()
    # Imported here to keep Keras out of start-up.
    from engine.training.keras_fit import fit_keras

    base = training_params(project, run)
    goal = project.goal
    prep = load_preprocessor(project)
    frames = {name: split_frame(project, name) for name in DEV_SPLITS}
    X = {name: prep.transform(f) for name, f in frames.items()}
    y_labels = {name: target_values(project, f) for name, f in frames.items()}
    y = {name: prep.encode_target(v) for name, v in y_labels.items()}
    repeats = []
    for done, seed in enumerate(seeds):
        if cancel.is_set():
            raise JobCancelled("seed copies cancelled")
        params = {**base, "seed": seed}
        config = _config(project, run, params)
        folder = repeat_folder(project, seed)
        progress(Progress(done, len(seeds), text("final_stats.stage_seed", seed=seed,
                                                 done=done + 1, total=len(seeds))))
        saved = _saved(folder, config)
        if saved is not None:
            repeats.append(saved)
            continue
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        fitted = fit_keras(f"{run.id}-seed{seed}", folder, run.model, prep, X, y, params,
                           progress, cancel, goal=goal)
        if fitted.cancelled or cancel.is_set():
            shutil.rmtree(folder, ignore_errors=True)
            raise JobCancelled("seed copies cancelled")
        predictor = Predictor(run.model, fitted.model, prep)
        dev = score(goal, to_predictions(goal, y_labels["dev"], predictor.scores(X["dev"])))
        repeat = Repeat(seed, folder.name, fitted.model_file, dev, optimizing_error(goal, dev),
                        round(time.perf_counter() - started, 3), config)
        atomic.write_json(folder / REPEAT_FILE, repeat.to_dict())
        repeats.append(repeat)
    return repeats


def repeat_predictor(project: Project, run: RunRecord, repeat: Repeat, prep) -> Predictor:
    """The model of one copy, loaded (safe mode) for scoring."""
    stand_in = RunRecord(id=repeat.folder, model=run.model, label=run.label,
                         status="finished", created="", model_file=repeat.model_file)
    return load_predictor(final_dir(project) / repeat.folder, stand_in, prep)


def spread(seeds: list[int], per_seed: list[dict[str, float]]) -> dict:
    """Mean and standard deviation (n - 1 in the denominator) of every metric over the
    seeds, with the values themselves; one seed has no spread (std NaN)."""
    names = list(per_seed[0]) if per_seed else []
    values = {n: [float(m.get(n, math.nan)) for m in per_seed] for n in names}
    mean = {n: float(np.mean(v)) for n, v in values.items()}
    std = {n: float(np.std(v, ddof=1)) if len(v) > 1 else math.nan for n, v in values.items()}
    return {"k": len(seeds), "seeds": list(seeds), "values": values, "mean": mean, "std": std}
