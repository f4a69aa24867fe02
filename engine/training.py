"""The training job: ``run_training(spec, progress, cancel) -> TrainingResult``.

It reads the project folder itself (so it can run in a child process), trains one model on
the training rows, scores it on train, train-dev and dev — never on test — measures the
satisfying quantities (parameters, file size, latency per example) and saves the run in
``runs/<id>/``. A cancelled run is saved too, marked as stopped.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from engine import atomic
from engine.backend import import_keras
from engine.constraints import measure_latency_ms
from engine.datasets import DEV_SPLITS, split_frame, target_values
from engine.decisions import now_iso
from engine.errors import JobCancelled, ProjectError
from engine.fitted import Fitted
from engine.evaluation import optimizing_error, score, to_predictions
from engine.jobs import NEVER, CancelFlag, ProgressFn, RunFinished, StageStarted, ignore
from engine.models import simple_baselines
from engine.models.mlp_params import MlpParams
from engine.predictor import Predictor
from engine.preprocess_store import load_preprocessor
from engine.project import Project, open_project
from engine.run_record import RunRecord
from engine.steps import split_key
from engine.texts import text

MODEL_KINDS = ("majority", "linear", "mlp")


@dataclass(frozen=True)
class TrainingSpec:
    """What to train. ``params`` are the model's hyperparameters (see ``MlpParams``)."""

    project_dir: str
    model: str = "mlp"
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainingSpec":
        return cls(str(d["project_dir"]), str(d.get("model", "mlp")), dict(d.get("params") or {}))


@dataclass(frozen=True)
class TrainingResult:
    """What a training job hands back: the run's id, how it ended and its errors."""

    run_id: str
    status: str
    errors: dict[str, float]
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_training(spec: TrainingSpec, progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> TrainingResult:
    """Train one model of the project and save it as a run.

    Args:
        spec: the project folder, the model kind and its hyperparameters.
        progress: receives ``StageStarted``, ``EpochEnded``, ``BatchEnded``, ``RunFinished``.
        cancel: when set, training stops at the next batch and the run is saved as stopped.

    Returns:
        The run id, its status and its errors per split.

    Example:
        >>> run_training(TrainingSpec("my-project", "linear")).status
        'finished'
    """
    if spec.model not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {spec.model!r}")
    if cancel.is_set():
        raise JobCancelled()
    project = open_project(spec.project_dir)
    goal = project.goal
    if not goal or not project.split:
        raise ProjectError(text("project.no_split"))
    progress(StageStarted("load", text("stage.loading")))
    prep = load_preprocessor(project)
    frames = {name: split_frame(project, name) for name in DEV_SPLITS}
    X = {name: prep.transform(f) for name, f in frames.items()}
    y_labels = {name: target_values(project, f) for name, f in frames.items()}
    y = {name: prep.encode_target(v) for name, v in y_labels.items()}
    run_id = _new_run_id(project, spec.model)
    run_dir = project.run_dir(run_id)
    started = time.perf_counter()
    progress(StageStarted("train", text("stage.training", model=spec.model)))
    if spec.model == "mlp":
        import_keras()
        from engine.mlp_fit import fit_mlp

        fitted = fit_mlp(run_id, run_dir, prep, X, y, MlpParams.from_dict(spec.params),
                         progress, cancel, goal=goal)
    else:
        fitted = _fit_baseline(spec.model, goal["task"], run_dir, X, y,
                               int(spec.params.get("seed", 0)))
    predictor = Predictor(spec.model, fitted.model, prep)
    progress(StageStarted("evaluate", text("stage.evaluating")))
    metrics = {}
    for name in DEV_SPLITS:
        metrics[name] = score(goal, to_predictions(goal, y_labels[name],
                                                   predictor.scores(X[name])))
    errors = {name: optimizing_error(goal, m) for name, m in metrics.items()}
    measured = {
        "params": float(fitted.params),
        "size_mb": (run_dir / fitted.model_file).stat().st_size / 1e6,
        "latency_ms": measure_latency_ms(predictor.scores, X["dev"]),
    }
    status = "cancelled" if fitted.cancelled else ("failed" if fitted.message else "finished")
    record = RunRecord(
        id=run_id, model=spec.model, label=fitted.label, status=status, created=now_iso(),
        params=fitted.param_dict, metrics=metrics, errors=errors, history=fitted.history,
        measured=measured, model_file=fitted.model_file, after_vault=project.vault_open,
        split_key=split_key(project),
        seconds=round(time.perf_counter() - started, 3), message=fitted.message,
    )
    record.save(run_dir)
    progress(RunFinished(run_id, status))
    return TrainingResult(run_id, status, errors, fitted.message)


def _fit_baseline(kind: str, task: str, run_dir, X, y, seed: int) -> Fitted:
    model = simple_baselines.fit(kind, task, X["train"], y["train"], seed=seed)
    atomic.write_json(run_dir / "model.json", simple_baselines.to_dict(model))
    label = text(f"model.{kind}_{'regression' if task == 'regression' else 'classification'}")
    return Fitted(model, label, "model.json", simple_baselines.parameter_count(model),
                  {"seed": seed})


def _new_run_id(project: Project, kind: str) -> str:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        run_id = f"{stamp}-{kind}" + (f"-{n}" if n > 1 else "")
        if not project.run_dir(run_id).exists():
            project.run_dir(run_id).mkdir(parents=True)
            return run_id
        n += 1
