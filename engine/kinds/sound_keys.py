"""Keys and drift inputs of sound examples: a clip's bytes say when two clips are copies;
its length and loudness are what the drift check compares between splits.

Use:
    prints = sound_prints("machines", ["hum/1.wav", "tick/1.wav"])
    prints.seconds, prints.loudness
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.core.texts import text
from engine.data.image_folder import map_files
from engine.data.sound_folder import read_wave
from engine.kinds.drift_inputs import DriftInputs, table_sides
from engine.kinds.row_keys import ExampleKeys


@dataclass(frozen=True)
class SoundPrints:
    """Per clip, in the order asked: ``content`` (uint64 from the file's bytes; 0 when it
    cannot be read), ``seconds`` and ``loudness`` (root-mean-square level in decibels)."""

    content: np.ndarray
    seconds: np.ndarray
    loudness: np.ndarray

    def take(self, rows: np.ndarray) -> "SoundPrints":
        """The prints of the clips at positions ``rows``."""
        return SoundPrints(self.content[rows], self.seconds[rows], self.loudness[rows])

    def columns(self) -> pd.DataFrame:
        """What a person reads of each clip: its length and loudness."""
        return pd.DataFrame({text("sounds.drift_seconds"): self.seconds,
                             text("sounds.drift_loudness"): self.loudness})


def sound_prints(root: str | Path | None, files: list[str]) -> SoundPrints:
    """The prints of ``files`` (paths relative to ``root``)."""
    found = map_files(lambda rel: _print(os.path.join(str(root or ""), rel)), files)
    content = np.array([f[0] for f in found], dtype=np.uint64)
    return SoundPrints(content, np.array([f[1] for f in found], dtype=float),
                       np.array([f[2] for f in found], dtype=float))


def sound_keys(frame: pd.DataFrame, root: str | Path | None, kind: str) -> ExampleKeys:
    """Keys of sound examples: the files' content (copies and near copies alike)."""
    prints = sound_prints(root, frame["file"].astype(str).tolist())
    return ExampleKeys(prints.content, prints.content, kind, prints)


def sound_sides(a: SoundPrints, b: SoundPrints) -> tuple[DriftInputs, DriftInputs]:
    """Both sides of a drift check: the clips' lengths and loudness."""
    return table_sides(a.columns(), b.columns())


def _print(path: str) -> tuple[int, float, float]:
    try:
        with open(path, "rb") as f:
            digest = hashlib.blake2b(f.read(), digest_size=8).digest()
        values, rate = read_wave(path)
    except (OSError, ValueError):
        return 0, np.nan, np.nan
    rms = float(np.sqrt(np.mean(values.astype(np.float64) ** 2))) if len(values) else 0.0
    return (int.from_bytes(digest, "little"), len(values) / max(rate, 1),
            20.0 * np.log10(max(rms, 1e-10)))
