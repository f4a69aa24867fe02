"""Bundled sample data sets under ``resources/samples/``, made from data scikit-learn ships.

They let a person try Practica offline with no file of their own. ``write_sample`` makes a
file again from scikit-learn (a test checks the bundled copies still match).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets

from engine.texts import RESOURCES

SAMPLES_DIR = RESOURCES / "samples"


@dataclass(frozen=True)
class Sample:
    name: str
    file: str
    target: str
    task: str
    description: str

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.file


SAMPLES = {
    s.name: s for s in (
        Sample("breast_cancer", "breast_cancer.csv", "diagnosis", "binary",
               "569 breast tissue samples described by 30 measurements; "
               "predict whether the tumour is malignant or benign."),
        Sample("wine", "wine.csv", "cultivar", "multiclass",
               "178 wines described by 13 chemical measurements; "
               "predict which of three growers made each one."),
        Sample("diabetes", "diabetes.csv", "progression", "regression",
               "442 diabetes patients described by 10 measurements; "
               "predict how far the disease progressed one year later."),
    )
}
DEMO_SAMPLE = "breast_cancer"


def sample_frame(name: str) -> pd.DataFrame:
    """The sample ``name`` built from scikit-learn's copy of the data."""
    if name == "breast_cancer":
        raw = datasets.load_breast_cancer(as_frame=True)
        frame = raw.data.copy()
        frame["diagnosis"] = np.array(raw.target_names)[raw.target]
    elif name == "wine":
        raw = datasets.load_wine(as_frame=True)
        frame = raw.data.copy()
        frame["cultivar"] = [f"grower_{i + 1}" for i in raw.target]
    elif name == "diabetes":
        raw = datasets.load_diabetes(as_frame=True, scaled=False)
        frame = raw.data.copy()
        frame["progression"] = raw.target
    else:
        raise KeyError(name)
    return frame


def write_sample(name: str, folder: Path = SAMPLES_DIR) -> Path:
    """Write sample ``name`` as CSV into ``folder``."""
    path = Path(folder) / SAMPLES[name].file
    sample_frame(name).to_csv(path, index=False, float_format="%.6g")
    return path
