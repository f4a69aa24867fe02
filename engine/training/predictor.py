"""A trained model of a run, loaded back and ready to score rows.

Keras models load with safe mode on, after ``engine.models.safe_model_check`` looked inside the
file (in a throw-away process for a file from outside the project, see
``engine.models.safe_model_load``); baselines are rebuilt from their JSON numbers; an
ensemble loads each of its members (``engine.training.ensemble_model``) and averages them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.core.errors import ProjectError
from engine.models import simple_baselines
from engine.project.malformed import reading
from engine.project.run_record import RunRecord
from engine.core.texts import text
from engine.models.safe_model_load import load_keras_model
from engine.training.ensemble_model import ENSEMBLE, EnsembleModel, read_members

BATCH_ROWS = 1024
IMAGE_BATCH_ROWS = 128


@dataclass
class Predictor:
    """Scores for encoded inputs: class probabilities (n, C) or regression values (n,)."""

    kind: str
    model: object
    preprocessor: object  # any input coding (see engine.kinds.input_coding)

    @property
    def task(self) -> str:
        return self.preprocessor.target.task

    def scores(self, X: np.ndarray, pad_to: int | None = None) -> np.ndarray:
        """Scores for inputs coded by ``preprocessor.transform``.

        A network answers through ``predict_on_batch`` a batch at a time: ``predict``
        builds a data pipeline on every call, tens of milliseconds whatever the rows.
        Batches short of ``pad_to`` rows (and, on long inputs, the last one) are padded
        with zeros and the padding dropped, so the model is traced for one shape only.
        """
        if self.kind == ENSEMBLE:
            return self.model.scores(X, pad_to)
        if self.kind not in simple_baselines.KINDS:
            raw = self._network_scores(np.asarray(X), pad_to)
            if self.task == "regression":
                return self.preprocessor.decode_regression(raw.reshape(-1))
            return raw
        out = simple_baselines.predict_scores(self.model, self.task, self.preprocessor.flat(X))
        if self.task == "regression":
            return self.preprocessor.decode_regression(out)
        # A baseline only knows the classes it saw in training: widen to every class.
        full = np.zeros((len(X), len(self.preprocessor.target.labels)))
        full[:, np.asarray(self.model.classes_, dtype=int)] = out
        return full

    def _network_scores(self, X: np.ndarray, pad_to: int | None) -> np.ndarray:
        step = batch_rows(X)
        if len(X) > step:
            pad_to = step
        if len(X) == 0:
            return np.asarray(self.model.predict_on_batch(X), dtype=float)
        parts = []
        for start in range(0, len(X), step):
            chunk = X[start:start + step]
            rows = len(chunk)
            if pad_to is not None and rows < pad_to:
                filler = np.zeros((pad_to - rows, *chunk.shape[1:]), dtype=chunk.dtype)
                chunk = np.concatenate([chunk, filler])
            parts.append(np.asarray(self.model.predict_on_batch(chunk), dtype=float)[:rows])
        return np.concatenate(parts, axis=0)


def batch_rows(X: np.ndarray) -> int:
    """Rows scored at once: fewer for pictures, which weigh more per row."""
    return IMAGE_BATCH_ROWS if np.ndim(X) > 2 else BATCH_ROWS


def load_predictor(run_dir: Path, run: RunRecord, preprocessor, *,
                   outside: bool = False) -> Predictor:
    """Load the model of ``run`` from ``run_dir``.

    Args:
        run_dir: the folder that holds the model file.
        run: its record (``model_file`` names the file inside ``run_dir``).
        preprocessor: the input coding the model was trained with.
        outside: the folder is not one of this project's runs (an export folder): its
            Keras file is checked in a throw-away process before it is loaded.

    Raises:
        ProjectError: the model file lies outside ``run_dir``; ``UnsafeModelError`` (a
            ``ProjectError``) when the file was refused.
    """
    path = model_path(run_dir, run.model_file, "manifest.json" if outside else "run.json")
    if run.model == ENSEMBLE:
        # Each member loads as its own run would (a Keras member checked and safe-loaded).
        members = tuple(
            load_predictor(run_dir, RunRecord(id=m["id"], model=m["model"], label=m["label"],
                                              status="", created="",
                                              model_file=m["model_file"]),
                           preprocessor, outside=outside)
            for m in read_members(path))
        return Predictor(ENSEMBLE, EnsembleModel(members), preprocessor)
    if run.model not in simple_baselines.KINDS:
        model = load_keras_model(path, outside=outside)
    else:
        with reading(path):  # a hand-edited baseline file ends in one plain line
            model = simple_baselines.from_dict(json.loads(path.read_text(encoding="utf-8")),
                                               preprocessor.n_inputs)
    return Predictor(run.model, model, preprocessor)


def model_path(run_dir: Path, model_file: str | None, named_in: str = "run.json") -> Path:
    """``run_dir / model_file``, refused when the name leads out of ``run_dir`` (``..``, an
    absolute path or a link to elsewhere); ``named_in`` is the file that names it."""
    folder = Path(run_dir)
    path = folder / (model_file or "")
    if model_file and not path.resolve().is_relative_to(folder.resolve()):
        raise ProjectError(text("paths.outside", file=folder / named_in,
                                what="model_file", path=model_file))
    return path
