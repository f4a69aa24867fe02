"""Projects whose chosen model is far more sure of itself than it is right: a model trained
normally, then its output weights multiplied by ``SHARPEN`` (the logits grow that much), so
its answers stay the same and only its confidence is wrong. Shared by the calibration tests
of the engine, the CLI and the GUI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from engine.goal.step import GoalChoice, new_project
from engine.project.parts.split import Fractions
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training

SHARPEN = 4.0


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def overconfident_frame(n, classes, seed=0):
    """Four inputs (two matter) and a label drawn at random from honest probabilities."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    logits = np.column_stack([X[:, 0] * (c - (classes - 1) / 2) + 0.5 * X[:, 1] * (c == 0)
                              for c in range(classes)])
    y = np.array([rng.choice(classes, p=p) for p in softmax(1.5 * logits)])
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["label"] = np.array(["red", "green", "blue"])[y] if classes == 3 else \
        np.where(y == 1, "yes", "no")
    return frame


def trained_project(folder, frame, model, params=None):
    """A project split 40/20/30/10 (many dev rows), ``model`` trained and chosen."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "data.csv", index=False)
    project = new_project(folder / "p", GoalChoice(data=str(folder / "data.csv"),
                                                   target="label"))
    split_project(project, Fractions(0.4, 0.2, 0.3, 0.1), seed=0)
    run = run_training(TrainingSpec(str(project.root), model, params or {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def _model_path(project):
    return project.run_dir(project.chosen_run) / project.run(project.chosen_run).model_file


def sharpen_network(project):
    """Multiply the output layer's weights of the chosen Keras model."""
    # Imported here to keep Keras out of the module's import.
    import keras

    path = _model_path(project)
    model = keras.saving.load_model(path)
    layer = model.layers[-1]
    layer.set_weights([w * SHARPEN for w in layer.get_weights()])
    model.save(path)


def sharpen_linear(project):
    """Multiply the coefficients of the chosen logistic regression."""
    path = _model_path(project)
    raw = json.loads(path.read_text())
    raw["coef"] = (np.asarray(raw["coef"]) * SHARPEN).tolist()
    raw["intercept"] = (np.asarray(raw["intercept"]) * SHARPEN).tolist()
    path.write_text(json.dumps(raw))
