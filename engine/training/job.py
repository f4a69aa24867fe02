"""The training job: ``run_training(spec, progress, cancel) -> TrainingResult``.

It reads the project folder itself (so it can run in a child process), trains one model on
the training rows, scores it on train, train-dev and dev — never on test — measures the
satisfying quantities (parameters, file size, prediction time per example and per batch, see
``engine.training.footprint``) and saves the run in
``runs/<id>/``. A cancelled run is saved too, marked as stopped. A run whose loss blew up
(NaN or infinite) stops at once and is saved as failed with advice; so is a run that ran
out of memory (advice: a smaller batch). Every file goes through ``engine.core.atomic``, and
the run's checkpoint is removed only once its ``run.json`` is written, so a process
killed at any moment leaves either a recorded run or one that can be resumed.
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np


from engine.core import atomic
from engine.core.backend import import_keras
from engine.core.device import device_facts
from engine.training.checkpoint_store import remove_checkpoint
from engine.split.datasets import DEV_SPLITS, split_frame, target_values
from engine.project.decisions import now_iso
from engine.core.errors import JobCancelled, ProjectError
from engine.training.fitted import Fitted
from engine.training.footprint import measure_footprint, scoring_function
from engine.goal.evaluation import optimizing_error, score, to_predictions
from engine.core.jobs import (NEVER, AlertRaised, CancelFlag, ProgressFn, RunFinished,
                         StageStarted, ignore)
from engine.kinds.input_coding import data_kind
from engine.kinds.registry import kind_of
from engine.models import boosted_trees, simple_baselines, zoo
from engine.models.pretrained.word_vectors import require_word_vectors
from engine.core.out_of_memory import OUT_OF_MEMORY, is_out_of_memory, out_of_memory_advice
from engine.training.predictor import Predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import Project, open_project
from engine.project.run_record import RunRecord
from engine.project.fingerprints import split_key
from engine.core.texts import text
from engine.models.train_params import TrainParams
from engine.project.run_record import RUN_FILE

SPEC_FILE = "spec.json"


@dataclass(frozen=True)
class TrainingSpec:
    """What to train: a model kind (``majority``, ``linear`` or a family of
    ``engine.models.zoo``) with its architecture and training settings in ``params`` (see
    ``TrainParams``). ``resume`` names an interrupted run to continue instead; ``tag`` ends
    the new run's id (a tuning trial's number and worker token, so that trials of workers on
    several machines never share an id)."""

    project_dir: str
    model: str = "mlp"
    params: dict[str, Any] = field(default_factory=dict)
    resume: str = ""
    tag: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainingSpec":
        return cls(str(d["project_dir"]), str(d.get("model", "mlp")),
                   dict(d.get("params") or {}), str(d.get("resume") or ""),
                   str(d.get("tag") or ""))


def model_kinds() -> tuple[str, ...]:
    """Every model kind a run can have."""
    return (*simple_baselines.KINDS, *zoo.FAMILIES)


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

    Use:
        run_training(TrainingSpec("my-project", "linear")).status
    """
    if cancel.is_set():
        raise JobCancelled()
    project = open_project(spec.project_dir)
    goal = project.goal
    if not goal or not project.split:
        raise ProjectError(text("project.no_split"))
    if spec.resume:
        spec = _resumed_spec(project, spec.resume)
    if spec.model not in model_kinds():
        raise ValueError(f"unknown model kind {spec.model!r}")
    kind = data_kind(project)
    if zoo.is_keras_kind(spec.model) and spec.model not in zoo.kinds_for(kind):
        raise ProjectError(text("training.kind_mismatch", model=spec.model, data=kind,
                                kinds=", ".join(zoo.kinds_for(kind))))
    if spec.model == simple_baselines.TREES and not kind_of(project).tree_baseline:
        raise ProjectError(text("training.no_trees", data=kind))
    if zoo.is_keras_kind(spec.model) and str(spec.params.get("word_vectors") or "none") != "none":
        require_word_vectors()  # before a run folder is made: the install sentence, at once
    facts = None
    if zoo.is_keras_kind(spec.model):
        facts = device_facts()  # loads Keras quietly (engine.core.backend), first
        # Imported here to keep Keras out of start-up.
        from engine.training.device_setup import mixed_precision_used

        mixed_precision_used(spec.params, facts)  # 'on' where it does not pay: refused now
    progress(StageStarted("load", text("stage.loading")))
    prep = load_preprocessor(project)
    frames = {name: split_frame(project, name) for name in DEV_SPLITS}
    X = {name: prep.transform(f) for name, f in frames.items()}
    y_labels = {name: target_values(project, f) for name, f in frames.items()}
    y = {name: prep.encode_target(v) for name, v in y_labels.items()}
    if facts is not None and spec.params.get("batch_size") == "auto":
        spec = _auto_batch(spec, prep, len(X["train"]), facts, progress)
    run_id = spec.resume or new_run_id(project, spec.model, spec.tag)
    run_dir = project.run_dir(run_id)
    atomic.write_json(run_dir / SPEC_FILE, {"model": spec.model, "params": spec.params})
    started = time.perf_counter()
    progress(StageStarted("train", text("stage.training", model=spec.model)))
    try:
        record = _train_and_score(spec, project, run_id, prep, X, y, y_labels, progress,
                                  cancel, facts)
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        record = _out_of_memory_record(spec, project, run_id, facts)
        # The live monitor shows it at once; the record keeps it for the runs table.
        progress(AlertRaised(run_id, OUT_OF_MEMORY, "error", record.message))
    record = replace(record, seconds=round(time.perf_counter() - started, 3))
    record.save(run_dir)
    if record.status != "cancelled":
        # Only now: a run killed before its record was written can still be resumed.
        remove_checkpoint(run_dir)
    atomic.remove_temp_files(run_dir)  # left by writes a kill interrupted
    progress(RunFinished(run_id, record.status))
    return TrainingResult(run_id, record.status, record.errors, record.message)


def _train_and_score(spec: TrainingSpec, project: Project, run_id: str, prep, X, y,
                     y_labels, progress: ProgressFn, cancel: CancelFlag,
                     facts=None) -> RunRecord:
    """Fit the model, score it on the dev splits and measure it: the run's record."""
    goal = project.goal
    run_dir = project.run_dir(run_id)
    device, mixed = "", False
    if zoo.is_keras_kind(spec.model):
        import_keras()
        # Imported here to keep Keras out of start-up.
        from engine.training.device_setup import mixed_precision_used
        from engine.training.keras_fit import fit_keras

        device, mixed = facts.label, mixed_precision_used(spec.params, facts)
        fitted = fit_keras(run_id, run_dir, spec.model, prep, X, y, spec.params,
                           progress, cancel, goal=goal, resume=bool(spec.resume))
    else:
        fitted = _fit_baseline(spec.model, goal.task, run_dir,
                               {k: prep.flat(v) for k, v in X.items()}, y,
                               int(spec.params.get("seed", 0)), spec.params)
    predictor = Predictor(spec.model, fitted.model, prep)
    progress(StageStarted("evaluate", text("stage.evaluating")))
    if fitted.cancelled:
        X, y_labels = _stopped_run_sample(X, y_labels)
    metrics = {}
    for name in DEV_SPLITS:
        metrics[name] = score(goal, to_predictions(goal, y_labels[name],
                                                   predictor.scores(X[name])))
    errors = {name: optimizing_error(goal, m) for name, m in metrics.items()}
    measured = measure_footprint(scoring_function(predictor), X["dev"],
                                 run_dir / fitted.model_file, fitted.params).measured()
    status = "cancelled" if fitted.cancelled else ("failed" if fitted.message else "finished")
    return RunRecord(
        id=run_id, model=spec.model, label=fitted.label, status=status, created=now_iso(),
        params=fitted.param_dict, metrics=metrics, errors=errors, history=fitted.history,
        measured=measured, model_file=fitted.model_file, after_vault=project.vault_open,
        split_key=split_key(project), device=device, mixed_precision=mixed,
        message=fitted.message,
    )


STOPPED_RUN_ROWS = 5_000
"""Rows of each split a stopped run is scored on: its scores only show how far it got
(it is kept to be resumed), and on big data scoring every row would hold Stop up for
seconds."""


def _stopped_run_sample(X: dict, y_labels: dict) -> tuple[dict, dict]:
    """At most ``STOPPED_RUN_ROWS`` evenly spread rows of each split."""
    sampled_X, sampled_y = {}, {}
    for name, inputs in X.items():
        rows = len(inputs)
        keep = np.unique(np.linspace(0, rows - 1, min(rows, STOPPED_RUN_ROWS)).astype(int)) \
            if rows else np.arange(0)
        labels = y_labels[name]
        sampled_X[name] = np.take(np.asarray(inputs), keep, axis=0)
        sampled_y[name] = labels.iloc[keep] if hasattr(labels, "iloc") \
            else np.asarray(labels)[keep]
    return sampled_X, sampled_y


def _out_of_memory_record(spec: TrainingSpec, project: Project, run_id: str,
                          facts=None) -> RunRecord:
    """The record of a run that ran out of memory: failed, with the advice as its message
    (on a GPU: its memory, a smaller batch, mixed precision where it was off, a smaller
    model)."""
    keras_kind = zoo.is_keras_kind(spec.model)
    train = TrainParams.from_dict(spec.params) if keras_kind else None
    batch = train.batch_size if train else None
    label = zoo.arch_params(spec.model, spec.params).label() if keras_kind else spec.model
    on_gpu = facts is not None and facts.on_gpu
    mixed_hint = bool(on_gpu and train and train.mixed_precision == "off"
                      and all(g.gains_from_mixed_precision for g in facts.gpus))
    return RunRecord(
        id=run_id, model=spec.model, label=label, status="failed", created=now_iso(),
        params=dict(spec.params), after_vault=project.vault_open,
        split_key=split_key(project), device=facts.label if facts else "",
        message=out_of_memory_advice(batch, gpu=facts.label if on_gpu else "",
                                     mixed_hint=mixed_hint))


def _auto_batch(spec: TrainingSpec, prep, rows: int, facts, progress: ProgressFn
                ) -> TrainingSpec:
    """``batch_size=auto`` made a number (from the GPU's free memory; the default on the
    processor), said in one line; the run's spec keeps the number, so a resumed run goes
    on with it."""
    # Imported here to keep Keras out of start-up.
    from engine.training.device_setup import auto_batch_size
    from engine.training.keras_fit import build_compiled

    batch, said = auto_batch_size(lambda p: build_compiled(spec.model, prep, p, 1).model,
                                  spec.params, rows, None if facts.on_gpu else facts)
    progress(StageStarted("load", said))
    return replace(spec, params={**spec.params, "batch_size": batch})


def resumable_runs(project: Project) -> list[str]:
    """Runs that stopped before their end (cancelled, or the app was killed) and kept a
    checkpoint to go on from."""
    # Imported here to keep Keras out of start-up.
    from engine.training.checkpoint import load_checkpoint

    found = []
    if not project.runs_dir.is_dir():
        return found
    for folder in sorted(p for p in project.runs_dir.iterdir() if p.is_dir()):
        if not (folder / SPEC_FILE).is_file() or load_checkpoint(folder) is None:
            continue
        try:
            status = json.loads((folder / RUN_FILE).read_text(encoding="utf-8")).get("status")
        except (OSError, ValueError, AttributeError):
            status = "interrupted"  # no record yet: the process stopped before the end
        if status not in ("finished", "failed", "pruned"):
            found.append(folder.name)
    return found


def _resumed_spec(project: Project, run_id: str) -> TrainingSpec:
    path = project.run_dir(run_id) / SPEC_FILE
    if not path.is_file():
        raise ProjectError(text("training.no_checkpoint", run=run_id))
    saved = json.loads(path.read_text(encoding="utf-8"))
    return TrainingSpec(str(project.root), saved["model"], dict(saved["params"]), run_id)


def _fit_baseline(kind: str, task: str, run_dir, X, y, seed: int,
                  params: dict[str, Any] | None = None) -> Fitted:
    trees = kind == simple_baselines.TREES
    model = simple_baselines.fit(kind, task, X["train"], y["train"], seed=seed,
                                 stop=(X["train_dev"], y["train_dev"]),
                                 params=params if trees else None)
    kept = {"seed": seed}
    if trees:  # the settings it grew with and the trees it kept (early stopping)
        kept.update(boosted_trees.settings(params), rounds=model.rounds)
    atomic.write_json(run_dir / "model.json", simple_baselines.to_dict(model))
    # text keys: model.linear_{classification,regression}
    # text keys: model.majority_{classification,regression}
    # text keys: model.boosted_{classification,regression}
    label = text(f"model.{kind}_{'regression' if task == 'regression' else 'classification'}")
    return Fitted(model, label, "model.json", simple_baselines.parameter_count(model), kept)


def new_run_id(project: Project, kind: str, tag: str = "") -> str:
    """A new run's id (``<date>-<time>-<kind>``, then ``-<tag>`` when given), its folder made
    empty under ``runs/``."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        project.runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(atomic.write_problem(project.runs_dir / "run", exc,
                                                text("faults.what_run"))) from exc
    n = 1
    while True:
        run_id = f"{stamp}-{kind}" + (f"-{tag}" if tag else "") + (f"-{n}" if n > 1 else "")
        try:
            # mkdir either makes the folder or fails: two processes (tuning workers) can
            # never both take the same id.
            project.run_dir(run_id).mkdir()
            return run_id
        except FileExistsError:
            n += 1
        except OSError as exc:
            raise ProjectError(atomic.write_problem(project.run_dir(run_id), exc,
                                                    text("faults.what_run"))) from exc
