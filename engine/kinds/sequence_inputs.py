"""The coding from sequences (one series per row) to model inputs, fitted on training rows.

A row holds one series per channel in columns named ``"{channel}@{step}"`` (as
``engine.data.sequence_table.long_to_wide`` makes them), or, in a wide table with plain column
names, one series called ``value`` whose steps are the columns in file order. Each channel
is standardized with the mean and standard deviation of all its training values (every
step together); a missing value becomes 0 after that, which is the channel's training mean.

Use:
    coding = fit_sequence_inputs(train, columns_by_channel(features), "binary",
                                 ["no", "yes"], None)
    coding.transform(dev).shape
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Mapping

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.kinds.target_coding import (TargetCoding, decode_regression, encode_target,
                                  fit_target_coding, target_from_dict, target_to_dict)
from engine.core.texts import text

PLAIN_CHANNEL = "value"
_STEP_NAME = re.compile(r"^(?P<channel>.+)@(?P<step>\d+)$")


@dataclass(frozen=True)
class SequenceInputs:
    """The fitted sequence coding: channels, their columns in time order, their statistics."""

    channels: tuple[str, ...]
    steps: int
    columns: tuple[tuple[str, ...], ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    target: TargetCoding

    kind: ClassVar[str] = "sequence"

    @property
    def input_shape(self) -> tuple[int, int]:
        """The shape of one example: (steps, channels)."""
        return (self.steps, len(self.channels))

    @property
    def n_inputs(self) -> int:
        """The width of ``flat(X)``: steps times channels."""
        return self.steps * len(self.channels)

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Model inputs for the series in ``frame``.

        Args:
            frame: rows with every column of ``columns``.

        Returns:
            float32 array (n, steps, channels), standardized; missing values are 0.

        Raises:
            DataError: a column of the series is missing.

        Use:
            coding.transform(frame.iloc[:2]).shape
        """
        out = np.zeros((len(frame), self.steps, len(self.channels)), dtype=np.float32)
        for c, names in enumerate(self.columns):
            values = _values(frame, names)
            values = (values - self.mean[c]) / self.std[c]
            out[:, : len(names), c] = np.where(np.isfinite(values), values, 0.0)
        return out

    def flat(self, X: np.ndarray) -> np.ndarray:
        """Inputs for a linear baseline: every step of every channel side by side.

        Args:
            X: output of ``transform`` (n, steps, channels).

        Returns:
            float32 array (n, steps * channels).

        Use:
            coding.flat(np.zeros((2, 48, 2))).shape
        """
        X = np.asarray(X, dtype=np.float32)
        return X.reshape(len(X), -1)

    def encode_target(self, y: pd.Series) -> np.ndarray:
        """Training targets: class indices, or the standardized value for regression."""
        return encode_target(self.target, y)

    def decode_regression(self, z: np.ndarray) -> np.ndarray:
        """Standardized regression outputs back in the target's units."""
        return decode_regression(self.target, z)

    def to_dict(self) -> dict[str, Any]:
        """The coding as JSON-able data (``"kind": "sequence"``)."""
        return {"kind": self.kind, "channels": list(self.channels), "steps": self.steps,
                "columns": [list(names) for names in self.columns],
                "mean": list(self.mean), "std": list(self.std),
                "target": target_to_dict(self.target)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SequenceInputs":
        """The coding saved by ``to_dict``.

        Use:
            SequenceInputs.from_dict(coding.to_dict()) == coding
        """
        return cls(tuple(str(c) for c in d["channels"]), int(d["steps"]),
                   tuple(tuple(str(n) for n in names) for names in d["columns"]),
                   tuple(float(v) for v in d["mean"]), tuple(float(v) for v in d["std"]),
                   target_from_dict(d["target"]))


def columns_by_channel(feature_columns: Iterable[str]) -> dict[str, list[str]]:
    """Group series columns into channels.

    ``"hr@0", "hr@1", "bp@0"`` give ``{"hr": ["hr@0", "hr@1"], "bp": ["bp@0"]}`` (channels
    in order of first appearance, steps in number order); plain names give one channel
    ``"value"`` with the columns in their given order.

    Args:
        feature_columns: the columns that hold the series.

    Returns:
        Channel name -> its columns in time order.

    Raises:
        DataError: step columns and plain columns are mixed, or there are no columns.

    Example:
        >>> columns_by_channel(["a@1", "a@0"])
        {'a': ['a@0', 'a@1']}
    """
    names = [str(c) for c in feature_columns]
    if not names:
        raise DataError(text("sequences.no_values"))
    matches = [_STEP_NAME.match(n) for n in names]
    plain = [n for n, m in zip(names, matches) if m is None]
    if len(plain) == len(names):
        return {PLAIN_CHANNEL: plain}
    if plain:
        raise DataError(text("sequences.mixed_columns", column=plain[0]))
    steps: dict[str, list[tuple[int, str]]] = {}
    for name, match in zip(names, matches):
        steps.setdefault(match["channel"], []).append((int(match["step"]), name))
    return {channel: [n for _, n in sorted(found)] for channel, found in steps.items()}


def fit_sequence_inputs(train_frame: pd.DataFrame, columns_by_channel: Mapping[str, list[str]],
                        task: str, labels: list[str] | None, y_train: pd.Series | None
                        ) -> SequenceInputs:
    """Fit the sequence coding on the training rows only.

    Args:
        train_frame: the training rows.
        columns_by_channel: channel name -> its columns in time order (see
            ``columns_by_channel``); channels may differ in length (the shorter ones count
            as missing at the end).
        task: ``binary``, ``multiclass`` or ``regression``.
        labels: the class labels in output order (classification).
        y_train: the training targets (regression).

    Returns:
        The fitted ``SequenceInputs``; a channel with no training value gets mean 0, std 1.

    Raises:
        DataError: a column is missing or there are no channels.

    Use:
        fit_sequence_inputs(train, {"hr": ["hr@0", "hr@1"]}, "regression", None, y).steps
    """
    if not columns_by_channel or not any(columns_by_channel.values()):
        raise DataError(text("sequences.no_values"))
    channels, columns, means, stds = [], [], [], []
    for channel, names in columns_by_channel.items():
        values = _values(train_frame, list(names))
        values = values[np.isfinite(values)]
        mean = float(values.mean()) if values.size else 0.0
        std = float(values.std()) if values.size else 1.0
        channels.append(str(channel))
        columns.append(tuple(str(n) for n in names))
        means.append(mean)
        stds.append(std if std > 1e-12 else 1.0)
    return SequenceInputs(tuple(channels), max(len(c) for c in columns), tuple(columns),
                          tuple(means), tuple(stds), fit_target_coding(task, labels, y_train))


def _values(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    """The columns ``names`` as floats (n, len(names)); text that is no number is missing."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise DataError(text("sequences.missing_column", column=missing[0],
                             columns=", ".join(map(str, frame.columns[:20]))))
    if not names:
        return np.zeros((len(frame), 0))
    return np.column_stack([pd.to_numeric(frame[n], errors="coerce").to_numpy(dtype=float)
                            for n in names])
