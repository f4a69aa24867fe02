"""One point of a learning curve: fit a run's configuration on some training rows, score it.

The input coding is fitted on those rows only (``engine.kinds.input_coding.fit_inputs``), as the
project's own coding is fitted on all training rows. A Keras model is built and compiled as
a run builds it (``engine.training.keras_fit.build_compiled`` and ``training_feed``) and trained with
early stopping on the dev loss; nothing is saved: no checkpoint, no model file, no run.
A non-deep baseline is fitted by ``engine.models.simple_baselines``. Both are scored with
the goal's optimizing metric turned into an error, as the error ladder does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from engine.core.errors import JobCancelled
from engine.goal.evaluation import optimizing_error, score, to_predictions
from engine.kinds.input_coding import fit_inputs
from engine.core.jobs import CancelFlag, EpochEnded, ProgressFn, StageStarted
from engine.models import simple_baselines, zoo
from engine.training.predictor import Predictor
from engine.project.project import Project
from engine.project.parts.goal import Goal
from engine.core.backend import import_keras
from engine.models.train_params import TrainParams


@dataclass(frozen=True)
class PointFit:
    """The errors of one fit (on its own training rows and on the dev rows)."""

    train_error: float
    dev_error: float
    epochs: int


def fit_point(project: Project, kind: str, params: dict[str, Any], train: pd.DataFrame,
              y_train: pd.Series, dev: pd.DataFrame, y_dev: pd.Series, seed: int,
              max_epochs: int | None, on_epoch, cancel: CancelFlag,
              progress: ProgressFn) -> PointFit:
    """Fit model ``kind`` with ``params`` on ``train`` and score it on ``train`` and ``dev``.

    Args:
        project: the project (its goal and data kind).
        kind: a model kind of a run (``majority``, ``linear`` or a zoo family).
        params: the run's parameters (architecture and training settings).
        train, y_train: the training rows of this point and their target labels.
        dev, y_dev: the dev rows and their labels.
        seed: seeds the model's initialisation (and the shuffling of batches).
        max_epochs: the most epochs (the run's own number when None).
        on_epoch: ``on_epoch(epoch, epochs)`` after every epoch of a Keras fit.
        cancel: checked at every batch; a cancel raises ``JobCancelled``.
        progress: receives the "stopping" stage when a cancel is seen mid-fit.

    Raises:
        JobCancelled: ``cancel`` was set.
    """
    goal = project.goal or Goal()
    coding = fit_inputs(project, train, y_train)
    X_train, X_dev = coding.transform(train), coding.transform(dev)
    y_fit = coding.encode_target(y_train)
    epochs = 0
    if zoo.is_keras_kind(kind):
        model, epochs = _fit_keras(kind, coding, params, X_train, y_fit, X_dev,
                                   coding.encode_target(y_dev), seed, max_epochs, on_epoch,
                                   cancel, progress)
    else:
        if cancel.is_set():
            raise JobCancelled("learning curve cancelled")
        model = simple_baselines.fit(kind, goal.task, coding.flat(X_train), y_fit,
                                     seed=seed, params=params)
    predictor = Predictor(kind, model, coding)
    errors = [optimizing_error(goal, score(goal, to_predictions(goal, y, predictor.scores(X))))
              for X, y in ((X_train, y_train), (X_dev, y_dev))]
    return PointFit(errors[0], errors[1], epochs)


def _fit_keras(kind, coding, params, X_train, y_train, X_dev, y_dev, seed, max_epochs,
               on_epoch, cancel, progress):
    keras = import_keras()
    # Imported here to keep Keras out of start-up.
    from engine.training.monitor.callbacks import ProgressAndCancel
    from engine.training.keras_fit import build_compiled, training_feed

    settings = {**params, "seed": int(seed), "telemetry": False}
    planned = int(TrainParams.from_dict(settings).epochs)
    if max_epochs is not None:
        settings["epochs"] = max(1, min(planned, int(max_epochs)))
    train = TrainParams.from_dict(settings)
    keras.utils.set_random_seed(train.seed)
    task = coding.target.task
    n_classes = max(len(coding.target.labels), 2)
    x_fit, y_fit, weights, steps = training_feed(X_train, y_train, task, n_classes, train)
    built = build_compiled(kind, coding, settings, steps)

    def relay(event) -> None:
        if isinstance(event, EpochEnded):
            on_epoch(event.epoch, event.epochs)
        elif isinstance(event, StageStarted):
            progress(event)  # "stopping": the GUI then waits for the job instead of killing it

    watcher = ProgressAndCancel("learning-curve", train.epochs, relay, cancel)
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=train.patience,
                                            restore_best_weights=True)
    history = built.model.fit(
        x_fit, y_fit, validation_data=(X_dev, y_dev), class_weight=weights,
        epochs=train.epochs, batch_size=train.batch_size if y_fit is not None else None,
        shuffle=True, verbose=0, callbacks=[watcher, stopper, *built.schedule_callbacks])
    if watcher.cancelled or cancel.is_set():
        raise JobCancelled("learning curve cancelled")
    return built.model, len(history.history.get("loss", []))
