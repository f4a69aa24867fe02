"""Fitting the Keras MLP of a run: early stopping on dev, the goal's metric per epoch,
progress, alerts, cancel, atomic save."""

from __future__ import annotations

import math
from pathlib import Path

import keras
import numpy as np

from engine.atomic import atomic_path
from engine.epoch_metric import EpochMetric
from engine.fitted import Fitted
from engine.jobs import CancelFlag, ProgressFn
from engine.keras_callbacks import ProgressAndCancel
from engine.models.mlp import build_mlp
from engine.models.mlp_params import MlpParams
from engine.preprocess import Preprocessor
from engine.texts import text

MODEL_FILE = "model.keras"


def fit_mlp(run_id: str, run_dir: Path, prep: Preprocessor, X: dict, y: dict, p: MlpParams,
            progress: ProgressFn, cancel: CancelFlag, goal: dict | None = None):
    """Train the MLP on ``X['train']`` with early stopping on ``X['dev']`` and save it.

    With the project's ``goal`` the epoch logs (history and events) also hold the
    optimizing metric on training and dev rows as ``metric`` and ``val_metric``.
    """
    keras.utils.set_random_seed(p.seed)
    task = prep.target.task
    n_classes = max(len(prep.target.labels), 2)
    model = build_mlp(prep.n_inputs, task, n_classes, p)
    watcher = ProgressAndCancel(run_id, p.epochs, progress, cancel, batch_size=p.batch_size,
                                n_samples=len(X["train"]))
    # The metric goes first, so the events and the history the later callbacks see hold it.
    scorer = [EpochMetric.for_goal(goal, prep, X, y)] if goal else []
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=p.patience,
                                            restore_best_weights=True)
    history = model.fit(
        X["train"], y["train"], validation_data=(X["dev"], y["dev"]),
        epochs=p.epochs, batch_size=p.batch_size, shuffle=True, verbose=0,
        callbacks=[*scorer, watcher, stopper],
    )
    logs = history.history
    n_epochs = len(logs.get("loss", []))
    rows = [{k: float(v[i]) for k, v in logs.items() if i < len(v)} for i in range(n_epochs)]
    message = ""
    if watcher.non_finite or any(not math.isfinite(r.get("loss", 0.0)) for r in rows):
        message = text("training.non_finite", lr=p.learning_rate)
    with atomic_path(run_dir / MODEL_FILE, suffix=".keras") as tmp:
        model.save(tmp)
    params = {**p.to_dict(), "epochs_run": n_epochs,
              "best_epoch": int(np.argmin(logs["val_loss"])) + 1 if logs.get("val_loss") else 0}
    return Fitted(model, p.label(), MODEL_FILE, int(model.count_params()), params, rows,
                  cancelled=watcher.cancelled, message=message)
