"""Train the chosen settings again on the training and dev rows, before the vault opens.

On small data the dev rows are a large share of the labelled rows the model never learns
from. Once the settings are chosen, the final test can instead score a model trained on the
training rows and the dev rows together, with the same settings and seed and exactly the
number of epochs the dev run found best (the dev rows are training rows now, so nothing is
left to stop early on). The dev score then no longer describes the tested model: the test
score is the only honest estimate of it (``FinalTestRecord.retrained``).

Only neural networks are trained again: the others have no epoch count to carry over. The
model goes to a folder of its own, ``final/retrained-<time>-<token>/``, so a later
retraining (stopped, or tested after the vault) never replaces the model an earlier final
test scored; no test row is read here.

After a final test that scored it, the retrained model is the project's tested model:
``tested_retrained`` finds it (for ``practica predict``, ``practica export``, the Use page
and the report), and ``tested_retrained_predictor`` loads it after checking that the file is
still the one the vault scored.

Use:
    retrained = retrain_on_dev(project, project.run(project.chosen_run))
    predictor = retrained_predictor(project, run, retrained, prep)
    tested_retrained(project, run.id)     # the RetrainedModel the final test scored, or None
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from engine.core import atomic
from engine.core.backend import import_keras
from engine.core.errors import JobCancelled, ProjectError
from engine.core.file_hash import file_digest
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.final.ensemble import final_dir
from engine.final.seed_repeats import training_params
from engine.kinds.preprocess_store import load_preprocessor
from engine.models import zoo
from engine.project.parts.final_test import RetrainedModel
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import Predictor, load_predictor

FOLDER = "retrained"
"""The folder of a retrained model from before each retraining had its own (old records)."""
MODEL_FILE = "model.keras"
ROWS_FROM = ("train", "dev")


# The model trained again: its folder (under ``final/``), file, epochs, rows and SHA-256.
Retrained = RetrainedModel


def retrain_epochs(run: RunRecord) -> int:
    """The epochs the retrained model gets: the dev run's best epoch (else all it ran).

    Example:
        >>> retrain_epochs(RunRecord("r", "mlp", "MLP", "finished", "", {"best_epoch": 7}))
        7
    """
    params = run.params or {}
    return max(1, int(params.get("best_epoch") or params.get("epochs_run")
                      or params.get("epochs") or 1))


def retrain_on_dev(project: Project, run: RunRecord, progress: ProgressFn = ignore,
                   cancel: CancelFlag = NEVER) -> Retrained:
    """Train ``run``'s settings on the training and dev rows for ``retrain_epochs(run)``.

    Raises:
        ProjectError: ``run`` is not a neural network.
        JobCancelled: ``cancel`` was set; nothing is kept.
    """
    if not zoo.is_keras_kind(run.model):
        raise ProjectError(text("final.retrain_not_deep", label=run.label))
    keras = import_keras()
    # Imported here to keep Keras out of start-up.
    from engine.training.hard_examples import HardExampleBatches, HardExampleMining
    from engine.training.keras_fit import build_compiled, training_feed
    from engine.training.monitor.callbacks import ProgressAndCancel
    from engine.models.train_params import TrainParams

    epochs = retrain_epochs(run)
    progress(StageStarted("retrain", text("final.stage_retrain", label=run.label,
                                          epochs=epochs)))
    prep = load_preprocessor(project)
    frames = [split_frame(project, name) for name in ROWS_FROM]
    X = np.concatenate([np.asarray(prep.transform(f)) for f in frames])
    y = np.concatenate([np.asarray(prep.encode_target(target_values(project, f)))
                        for f in frames])
    params = {**training_params(project, run), "epochs": epochs}
    train = TrainParams.from_dict(params)
    keras.utils.set_random_seed(train.seed)
    task = prep.target.task
    n_classes = max(len(prep.target.labels), 2)
    x_fit, y_fit, weights, steps = training_feed(X, y, task, n_classes, train)
    built = build_compiled(run.model, prep, params, steps)
    watcher = ProgressAndCancel(f"{run.id}-retrained", epochs, progress, cancel)
    mining = ([HardExampleMining(x_fit, train.hard_examples, task)]
              if isinstance(x_fit, HardExampleBatches) else [])
    built.model.fit(x_fit, y_fit, class_weight=weights, epochs=epochs,
                    batch_size=train.batch_size if y_fit is not None else None,
                    shuffle=True, verbose=0,
                    callbacks=[*mining, watcher, *built.schedule_callbacks])
    if watcher.cancelled or cancel.is_set():
        raise JobCancelled("retraining on the dev rows cancelled")
    name = new_folder_name()
    folder = final_dir(project) / name
    folder.mkdir(parents=True)
    with atomic.atomic_path(folder / MODEL_FILE, suffix=".keras") as tmp:
        built.model.save(tmp)
    return Retrained(name, MODEL_FILE, epochs, int(len(X)), file_digest(folder / MODEL_FILE))


def new_folder_name() -> str:
    """A folder name no other retraining has: the UTC time and a random token."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{FOLDER}-{stamp}-{secrets.token_hex(3)}"


def retrained_path(project: Project, retrained: Retrained) -> Path:
    """Where the retrained model file is."""
    return final_dir(project) / retrained.folder / retrained.model_file


def tested_retrained(project: Project, run_id: str | None) -> Retrained | None:
    """The retrained copy of ``run_id`` that the latest final test scored; None when that
    test scored the run's own model, tested another run, or there was no final test."""
    final = project.final_test
    if final is None or not run_id or final.run != run_id or not final.retrained:
        return None
    # A record from before the folder was stored names the fixed place.
    return final.retrained_model or Retrained(FOLDER, MODEL_FILE, 0, 0)


def tested_retrained_predictor(project: Project, run: RunRecord, retrained: Retrained,
                               prep) -> Predictor:
    """The retrained model the final test scored, loaded (safe mode) for use.

    Raises:
        ProjectError: its file is missing, or is no longer the file the vault scored (a
            later retraining was stopped before its test, or the file was replaced).
    """
    path = retrained_path(project, retrained)
    if not path.is_file():
        raise ProjectError(text("final.retrained_missing", label=run.label, path=path,
                                run=run.id))
    if retrained.sha256 and file_digest(path) != retrained.sha256:
        raise ProjectError(text("final.retrained_changed", label=run.label, path=path,
                                run=run.id))
    return retrained_predictor(project, run, retrained, prep)


def retrained_predictor(project: Project, run: RunRecord, retrained: Retrained,
                        prep) -> Predictor:
    """The retrained model, loaded (safe mode) for scoring."""
    stand_in = RunRecord(id=retrained.folder, model=run.model, label=run.label,
                         status="finished", created="", model_file=retrained.model_file)
    return load_predictor(final_dir(project) / retrained.folder, stand_in, prep)


def retrained_sentence(run: RunRecord, retrained: Retrained) -> str:
    """What was tested and why the dev score no longer applies (for the record and report)."""
    return text("final.retrained_note", label=run.label, epochs=retrained.epochs,
                rows=retrained.rows)

