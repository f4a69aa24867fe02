"""The coding from sound files to model inputs: waveforms of one rate and one length.

Every clip is read (``engine.data.sound_folder.read_wave``), resampled to the coding's
rate when it has another (``scipy.signal.resample_poly``), then cut to ``samples`` or
padded with silence at its end. The model gets float32 waveforms shaped
``(samples, 1)``: the log-mel spectrogram is computed inside the model
(``engine.models.sound_cnn``), so an exported model carries it. The linear baseline gets
a log power spectrum in ``FLAT_BANDS`` bands averaged over the clip (``flat``). Decoded
clips are kept in memory (keyed on the file, its size and modification time).

Use:
    coding = fit_sound_inputs(train, "machines", 16000, 8000, "multiclass", labels, None)
    coding.transform(dev).shape
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.core.texts import text
from engine.data.image_folder import map_files
from engine.data.sound_folder import read_wave
from engine.kinds.target_coding import (TargetCoding, decode_regression, encode_target,
                                        fit_target_coding, target_from_dict, target_to_dict)

FLAT_BANDS = 32
FLAT_WINDOW = 256
CACHE_ENTRIES = 8192


@dataclass(frozen=True)
class SoundInputs:
    """The fitted sound coding: the folder, the rate and the length every clip gets."""

    root: str
    rate: int
    samples: int
    target: TargetCoding

    kind: ClassVar[str] = "sound"
    channels: ClassVar[tuple[str, ...]] = ("sound",)

    @property
    def input_shape(self) -> tuple[int, int]:
        """The shape of one example: (samples, 1)."""
        return (self.samples, 1)

    @property
    def n_inputs(self) -> int:
        """The width of ``flat(X)``."""
        return FLAT_BANDS

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Waveforms (n, samples, 1), float32, of the files in ``frame["file"]``.

        Raises:
            DataError: the column is missing, or a file is gone or cannot be read.
        """
        if "file" not in frame.columns:
            raise DataError(text("images.no_file_column"))
        files = [str(f) for f in frame["file"]]
        waves = map_files(lambda rel: _clip(self.root, rel, self.rate, self.samples), files)
        if not waves:
            return np.zeros((0, self.samples, 1), dtype=np.float32)
        return np.stack(waves)[:, :, None].astype(np.float32)

    def flat(self, X: np.ndarray) -> np.ndarray:
        """Inputs for a linear baseline: the clip's log power spectrum in bands.

        Example:
            >>> c = SoundInputs("", 8000, 800, fit_target_coding("binary", ["a", "b"], None))
            >>> c.flat(np.zeros((2, 800, 1), np.float32)).shape
            (2, 32)
        """
        X = np.asarray(X, dtype=np.float32)[:, :, 0]
        window = min(FLAT_WINDOW, X.shape[1])
        usable = X.shape[1] - X.shape[1] % window
        frames = X[:, :usable].reshape(len(X), -1, window) * np.hanning(window)
        power = (np.abs(np.fft.rfft(frames, axis=2)) ** 2).mean(axis=1)
        bands = np.array_split(np.arange(power.shape[1]), FLAT_BANDS)
        pooled = np.column_stack([power[:, b].mean(axis=1) if len(b) else power[:, 0] * 0
                                  for b in bands])
        return np.log10(pooled + 1e-10).astype(np.float32)

    def encode_target(self, y: pd.Series) -> np.ndarray:
        """Training targets: class indices, or the standardized value for regression."""
        return encode_target(self.target, y)

    def decode_regression(self, z: np.ndarray) -> np.ndarray:
        """Standardized regression outputs back in the target's units."""
        return decode_regression(self.target, z)

    def to_dict(self) -> dict[str, Any]:
        """The coding as JSON-able data (``"kind": "sound"``)."""
        return {"kind": self.kind, "root": self.root, "rate": self.rate,
                "samples": self.samples, "target": target_to_dict(self.target)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SoundInputs":
        """The coding saved by ``to_dict``."""
        return cls(str(d["root"]), int(d["rate"]), int(d["samples"]),
                   target_from_dict(d["target"]))


def fit_sound_inputs(train_frame: pd.DataFrame, root: str | Path, task: str,
                     labels: list[str] | None, y_train: pd.Series | None) -> SoundInputs:
    """Fit the sound coding on the training rows only: the rate and length the folder's
    read chose from the training clips (``engine.data.sound_folder``).

    Raises:
        DataError: there are no training clips.
    """
    # Imported here to keep the folder's read out of a coding's load.
    from engine.data.sound_folder import check_sound, chosen_rate, chosen_samples

    if "file" not in train_frame.columns or not len(train_frame):
        raise DataError(text("sounds.no_training_clips"))
    root = str(Path(root))
    facts = [f for f, _ in map_files(lambda rel: check_sound(os.path.join(root, rel)),
                                     [str(f) for f in train_frame["file"]]) if f is not None]
    if not facts:
        raise DataError(text("sounds.no_training_clips"))
    rate = chosen_rate([f.rate for f in facts])
    return SoundInputs(root, rate, chosen_samples([f.seconds for f in facts], rate),
                       fit_target_coding(task, labels, y_train))


def fit_to(values: np.ndarray, rate: int, to_rate: int, samples: int) -> np.ndarray:
    """``values`` at ``rate`` resampled to ``to_rate``, cut or padded to ``samples``.

    Example:
        >>> fit_to(np.ones(100, np.float32), 16000, 8000, 80).shape
        (80,)
    """
    if rate != to_rate:
        # Imported here to keep SciPy out of start-up.
        from scipy.signal import resample_poly

        common = gcd(int(rate), int(to_rate))
        values = resample_poly(values, to_rate // common, rate // common).astype(np.float32)
    out = np.zeros(samples, dtype=np.float32)
    out[:min(samples, len(values))] = values[:samples]
    return out


def _clip(root: str, rel: str, rate: int, samples: int) -> np.ndarray:
    try:
        stat = os.stat(os.path.join(root, rel))
    except OSError as exc:
        raise DataError(text("images.cannot_open", file=rel, root=root)) from exc
    return _decoded(root, rel, stat.st_mtime_ns, stat.st_size, rate, samples)


@functools.lru_cache(maxsize=CACHE_ENTRIES)
def _decoded(root: str, rel: str, mtime_ns: int, size: int, rate: int,
             samples: int) -> np.ndarray:
    try:
        values, file_rate = read_wave(os.path.join(root, rel))
    except (OSError, ValueError) as exc:
        raise DataError(text("images.cannot_open", file=rel, root=root)) from exc
    clip = fit_to(values, file_rate, rate, samples)
    clip.setflags(write=False)
    return clip
