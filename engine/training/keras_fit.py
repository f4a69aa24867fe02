"""Fitting any Keras model of the zoo for a run: build, compile, feed, watch, checkpoint, save.

What one call does, in order: seed everything; build the family's model (or a transferred
one) with its augmentation; pick the optimizer, its schedule and per-layer rates; choose how
the training rows are fed (as they are, with class weights, resampled each epoch, or with
the hardest rows weighted up each epoch: ``hard_examples``); fit with early stopping on the
dev loss, the goal's metric per epoch, live events and telemetry, and a checkpoint every
epoch; save the model through a temporary file. A run that was interrupted resumes from its
last checkpoint, which stays until the run is recorded (``engine.training.job`` removes it
then). ``TrainParams.clip_norm`` turns on gradient clipping (the advice when a loss blows
up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np

from engine.core.atomic import atomic_path
from engine.training.checkpoint import Checkpointer, load_checkpoint, restore
from engine.training.device_setup import on_device
from engine.training.epoch_metric import EpochMetric
from engine.training.fitted import Fitted
from engine.core.errors import ProjectError
from engine.core.jobs import CancelFlag, ProgressFn
from engine.training.monitor.callbacks import ProgressAndCancel
from engine.models import zoo
from engine.training.resumable_stopping import ResumableEarlyStopping
from engine.training.schedules import learning_rate_plan
from engine.training.monitor.telemetry import Telemetry
from engine.training.monitor.digest import TelemetryDigest
from engine.training.monitor.optimizer import make_optimizer
from engine.core.texts import text
from engine.models.train_params import TrainParams, sound_changes
from engine.training.monitor.alerts import non_finite_advice
from engine.project.parts.goal import Goal
from engine.models.transfer import transfer_model
from engine.training.imbalance import class_weights
from engine.training.resampled_batches import ResampledBatches
from engine.training.hard_examples import HardExampleBatches, HardExampleMining

MODEL_FILE = "model.keras"
PROBE_ROWS = 64
IMAGE_METRIC_BATCH = 256
WORD_VECTOR_RATE = 0.1  # fine-tuned pretrained word vectors: a tenth of the learning rate


@dataclass
class BuiltModel:
    """A compiled model ready to fit, with what the fit needs to know about it."""

    model: keras.Model
    learning_rate: Any
    schedule_callbacks: list
    note: str = ""


def loss_for(task: str) -> str:
    """The training loss of a task: cross-entropy for classes, squared error for numbers."""
    return "mean_squared_error" if task == "regression" else "sparse_categorical_crossentropy"


def build_compiled(kind: str, coding, params: dict[str, Any], steps_per_epoch: int,
                   regularize: bool = True) -> BuiltModel:
    """Build and compile the model of ``kind`` for the project's input ``coding``.

    Args:
        kind: a zoo family (``mlp``, ``cnn``, ``conv1d``, ``gru``, ``lstm``, ``text_pool``,
            ``text_conv``).
        coding: the fitted input coding (its ``input_shape``, ``target``, vocabulary size).
        params: architecture and training settings, one flat dict.
        steps_per_epoch: optimizer steps per epoch (for the schedule).
        regularize: False turns dropout, L2 and augmentation off (sanity checks).
    """
    train = TrainParams.from_dict(params)
    arch = dict(params)
    augment = train.augment
    if not regularize:
        arch.update(dropout=0.0, l2=0.0)
        augment = 0.0
    with on_device(params):  # mixed precision, several GPUs: where they apply
        model, lr, callbacks, note = _build_and_compile(kind, coding, params, arch, train,
                                                        augment, steps_per_epoch)
    return BuiltModel(model, lr, callbacks, note)


def _build_and_compile(kind: str, coding, params: dict[str, Any], arch: dict[str, Any],
                       train: TrainParams, augment: float, steps_per_epoch: int):
    task = coding.target.task
    n_classes = max(len(coding.target.labels), 2)
    multipliers: dict[str, float] = {}
    note = ""
    if train.transfer_from:
        moved = transfer_model(train.transfer_from, coding.input_shape, task, n_classes,
                               freeze_layers=train.freeze_layers,
                               transfer_rates=train.transfer_rates, augment=augment,
                               data_kind=zoo.family(kind).data_kind, seed=train.seed,
                               flip=train.flip_keeps_label, rotate=train.rotate_keeps_label,
                               sound=sound_changes(params))
        model, multipliers, note = moved.model, dict(moved.lr_multipliers), moved.note
    else:
        model = zoo.build_model(kind, coding.input_shape, task, n_classes, arch,
                                augment=augment, vocab_size=getattr(coding, "vocab_size", None),
                                vocabulary=getattr(coding, "vocabulary", None))
        multipliers = tuned_word_vector_rates(model, arch)
    lr, callbacks = learning_rate_plan(train, steps_per_epoch)
    optimizer = make_optimizer(train.optimizer, lr, momentum=train.momentum,
                               nesterov=train.nesterov, lr_multipliers=multipliers or None,
                               record_gradients=train.telemetry)
    if train.clip_norm:
        # Keras reads it at every step: caps the norm of all gradients together.
        optimizer.global_clipnorm = train.clip_norm
    model.compile(optimizer=optimizer, loss=loss_for(task))
    return model, lr, callbacks, note


def tuned_word_vector_rates(model: keras.Model, params: dict[str, Any]) -> dict[str, float]:
    """Pretrained word vectors that training may adjust learn at a tenth of the rate (they
    hold what was learnt elsewhere); ``{}`` otherwise."""
    if not params.get("tune_word_vectors") or params.get("word_vectors", "none") == "none":
        return {}
    try:
        embed = model.get_layer("embed")
    except ValueError:
        return {}
    return {v.path: WORD_VECTOR_RATE for v in embed.trainable_weights}


def training_feed(X: np.ndarray, y: np.ndarray, task: str, n_classes: int, train: TrainParams,
                  start_epoch: int = 0):
    """How the training rows go into ``fit``: ``(x, y, class_weight, steps_per_epoch)``.

    With resampling ``x`` is a ``PyDataset`` that draws a fresh class mix every epoch
    (from ``start_epoch`` on, so a resumed run continues the sequence) and ``y`` is None.
    """
    n = len(X)
    if train.hard_examples > 0:
        return _hard_example_feed(X, y, task, n_classes, train, start_epoch)
    if task != "regression" and train.imbalance in ("oversample", "undersample"):
        feed = ResampledBatches(X, y, train.batch_size, strategy=train.imbalance,
                                seed=train.seed, start_epoch=start_epoch)
        return feed, None, None, len(feed)
    weights = None
    if task != "regression" and train.imbalance == "class_weights":
        weights = class_weights(y, n_classes)
    return X, y, weights, max(1, math.ceil(n / train.batch_size))


def _hard_example_feed(X, y, task: str, n_classes: int, train: TrainParams, start_epoch: int):
    """``training_feed`` with hard examples on: batches that carry a weight per row, with
    the class balance asked for on top (resampled rows, or class weights per row)."""
    strategy, base = "", None
    if task != "regression" and train.imbalance in ("oversample", "undersample"):
        strategy = train.imbalance
    elif task != "regression" and train.imbalance == "class_weights":
        per_class = class_weights(y, n_classes)
        base = np.array([per_class[int(c)] for c in np.asarray(y).reshape(len(y), -1)[:, 0]])
    feed = HardExampleBatches(X, y, train.batch_size, seed=train.seed, start_epoch=start_epoch,
                              strategy=strategy, base_weights=base)
    return feed, None, None, len(feed)


def fit_keras(run_id: str, run_dir: Path, kind: str, coding, X: dict, y: dict,
              params: dict[str, Any], progress: ProgressFn, cancel: CancelFlag,
              goal: Goal | None = None, resume: bool = False) -> Fitted:
    """Train model ``kind`` on ``X['train']`` with early stopping on ``X['dev']`` and save it.

    Args:
        run_id, run_dir: the run and its folder (checkpoints and the model go there).
        kind: the zoo family.
        coding: the project's fitted input coding.
        X, y: coded inputs and targets per split (``train``, ``dev``; more are ignored).
        params: architecture and training settings (see ``TrainParams`` and the family's
            dataclass).
        progress, cancel: events out, stop request in.
        goal: the project's goal, so the epoch logs also hold the optimizing metric.
        resume: continue from the run folder's last checkpoint.

    Returns:
        The fitted model with its history and how it ended.
    """
    train = TrainParams.from_dict(params)
    keras.utils.set_random_seed(train.seed)
    task = coding.target.task
    n_classes = max(len(coding.target.labels), 2)
    checkpoint = None
    if resume:
        checkpoint = load_checkpoint(run_dir)
        if checkpoint is None:
            raise ProjectError(text("training.no_checkpoint", run=run_id))
    initial_epoch = checkpoint.epoch if checkpoint else 0
    earlier = list(checkpoint.history) if checkpoint else []
    x_fit, y_fit, weights, steps = training_feed(X["train"], y["train"], task, n_classes, train,
                                                 start_epoch=initial_epoch)
    built = build_compiled(kind, coding, params, steps)
    model = built.model
    digest = TelemetryDigest(initial_epoch)  # what the monitor saw, kept for the report
    progress = digest.watching(progress)
    watcher = ProgressAndCancel(run_id, train.epochs, progress, cancel,
                                batch_size=None if y_fit is None else train.batch_size,
                                n_samples=None if y_fit is None else len(X["train"]))
    scorer = []
    if goal:
        metric = EpochMetric.for_goal(goal, coding, X, y)
        if np.asarray(X["train"]).ndim > 2:
            metric.batch_size = IMAGE_METRIC_BATCH
        scorer = [metric]
    stopper = ResumableEarlyStopping(monitor="val_loss", patience=train.patience,
                                     restore_best_weights=True)
    checkpointer = Checkpointer(run_dir, stopper=stopper, history=earlier)
    telemetry = []
    if train.telemetry:
        telemetry = [Telemetry(run_id, np.asarray(X["train"][:PROBE_ROWS]), progress)]
    mining = []
    if isinstance(x_fit, HardExampleBatches):  # only ever the training rows
        mining = [HardExampleMining(x_fit, train.hard_examples, task)]
    if checkpoint is not None:
        restore(model, checkpoint, stopper=stopper)
        watcher.history = list(earlier)
    # The metric goes first, so the events and the history the later callbacks see hold it.
    callbacks = [*mining, *scorer, watcher, *telemetry, stopper, *built.schedule_callbacks,
                 checkpointer]
    history = model.fit(
        x_fit, y_fit, validation_data=(X["dev"], y["dev"]), class_weight=weights,
        epochs=train.epochs, initial_epoch=initial_epoch,
        batch_size=train.batch_size if y_fit is not None else None,
        shuffle=True, verbose=0, callbacks=callbacks,
    )
    digest.save(run_dir)
    logs = history.history
    n_new = len(logs.get("loss", []))
    rows = earlier + [{k: float(v[i]) for k, v in logs.items() if i < len(v)}
                      for i in range(n_new)]
    message = ""
    if watcher.non_finite or any(not math.isfinite(r.get("loss", 0.0)) for r in rows):
        message = non_finite_advice(train.learning_rate)
    # model.save writes straight onto its target: a temporary file, then a replace.
    with atomic_path(run_dir / MODEL_FILE, suffix=".keras") as tmp:
        model.save(tmp)
    val = [r.get("val_loss", math.inf) for r in rows]
    arch = zoo.arch_params(kind, params)
    saved = {**arch.to_dict(), **train.to_dict(), "epochs_run": len(rows),
             "best_epoch": int(np.argmin(val)) + 1 if rows and "val_loss" in rows[0] else 0,
             **(mining[0].summary() if mining else {})}
    label = arch.label()
    if built.note:
        label = f"{label} ({built.note})"
    return Fitted(model, label, MODEL_FILE, int(model.count_params()), saved, rows,
                  cancelled=watcher.cancelled, message=message)
