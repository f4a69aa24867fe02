"""Bundled sample data sets under ``resources/samples/``: tables and digit images made from
data scikit-learn ships, and generated texts, sequences and sounds (``engine.data.sample_builders``).

They let a person try every data kind offline with no file of their own. ``write_sample``
makes a sample again (a test checks the bundled copies still match).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.data import sample_builders
from engine.core.texts import RESOURCES
from engine.core.lazy_import import lazy_module

# pandas loads at the first frame read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

SAMPLES_DIR = RESOURCES / "samples"


@dataclass(frozen=True)
class Sample:
    """A bundled data set; ``file`` is a folder for images and sounds. ``data_kind``,
    ``text_column`` and ``sequence`` say how to read it (see ``engine.goal.step``)."""

    name: str
    file: str
    target: str | None
    task: str
    description: str
    data_kind: str = "table"
    text_column: str | None = None
    sequence: dict | None = None

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
        Sample("digits", "digits", None, "multiclass",
               "1,797 scanned handwritten digits (8 x 8 pixels), one folder per digit; "
               "predict which digit each image shows.", data_kind="images"),
        Sample("support_messages", "support_messages.csv", "topic", "multiclass",
               "900 short messages to a support desk (generated); predict their topic "
               "from the words.", data_kind="text", text_column="message"),
        Sample("vibration", "vibration.csv", "state", "multiclass",
               "600 vibration signals of a machine, 64 readings each (generated); "
               "predict whether it runs normally, is unbalanced or has a worn bearing.",
               data_kind="sequence", sequence={"format": "wide"}),
        Sample("machine_sounds", "machine_sounds", None, "multiclass",
               "180 half-second recordings of a machine (generated), one folder per "
               "sound; predict whether it hums, whistles or clicks.", data_kind="sound"),
    )
}
DEMO_SAMPLE = "breast_cancer"


def sample_frame(name: str) -> pd.DataFrame:
    """The sample ``name`` built from scikit-learn's copy of the data."""
    # Imported here to keep scikit-learn out of start-up (the Goal page lists the samples).
    from sklearn import datasets

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
    elif name == "support_messages":
        frame = sample_builders.support_messages()
    elif name == "vibration":
        frame = sample_builders.vibration_signals()
    else:
        raise KeyError(name)
    return frame


def write_sample(name: str, folder: Path = SAMPLES_DIR) -> Path:
    """Write sample ``name`` into ``folder`` (a CSV file, or a folder of PNG images or WAV
    recordings)."""
    path = Path(folder) / SAMPLES[name].file
    if name == "digits":  # a folder of images
        return sample_builders.digits_folder(path)
    if name == "machine_sounds":  # a folder of recordings
        return sample_builders.machine_sounds_folder(path)
    sample_frame(name).to_csv(path, index=False, float_format="%.6g")
    return path
