"""A trained model of a run, loaded back and ready to score rows.

Keras models load with safe mode on; baselines are rebuilt from their JSON numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.models import simple_baselines
from engine.run_record import RunRecord


@dataclass
class Predictor:
    """Scores for encoded inputs: class probabilities (n, C) or regression values (n,)."""

    kind: str
    model: object
    preprocessor: object  # any input coding (see engine.input_coding)

    @property
    def task(self) -> str:
        return self.preprocessor.target.task

    def scores(self, X: np.ndarray) -> np.ndarray:
        """Scores for inputs coded by ``preprocessor.transform``."""
        if self.kind not in simple_baselines.KINDS:
            raw = np.asarray(self.model.predict(X, verbose=0, batch_size=1024), dtype=float)
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


def load_predictor(run_dir: Path, run: RunRecord, preprocessor) -> Predictor:
    """Load the model of ``run`` from ``run_dir``."""
    path = Path(run_dir) / (run.model_file or "")
    if run.model not in simple_baselines.KINDS:
        from engine.backend import import_keras

        keras = import_keras()
        import engine.models.augmentation  # noqa: F401  (registers Practica's own layers)

        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    else:
        model = simple_baselines.from_dict(json.loads(path.read_text(encoding="utf-8")),
                                           preprocessor.n_inputs)
    return Predictor(run.model, model, preprocessor)
