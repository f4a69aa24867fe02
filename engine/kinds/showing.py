"""How one example is shown to a person: short feature values, the start of its text, the
first steps of each channel of a series, the path of its image, or the path of its
recording (error analysis, the goal page; ``engine.data.sound_picture`` draws a
recording's picture).

Example:
    >>> import pandas as pd
    >>> row_shower(["age"], None, with_text=False)(pd.Series({"age": 41.0}))["values"]
    {'age': '41'}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from engine.core.texts import text

MAX_VALUES = 12      # feature values shown per example
VALUE_CHARS = 40
TEXT_CHARS = 1000
SERIES_STEPS = 6     # values shown per channel of a sequence


def row_shower(features: Sequence[str], text_column: str | None,
               with_text: bool) -> Callable[[pd.Series], dict[str, Any]]:
    """Shows a table row: its feature values (not the text column) and, ``with_text``, the
    start of its text."""
    shown = [c for c in features if c != text_column][:MAX_VALUES]

    def show(values: pd.Series) -> dict[str, Any]:
        out: dict[str, Any] = {"values": {}, "text": None, "image": None}
        if with_text and text_column in values.index:
            raw = values[text_column]
            out["text"] = "" if missing(raw) else str(raw)[:TEXT_CHARS]
        out["values"] = {str(c): short(values[c]) for c in shown}
        return out

    return show


def series_shower(channels: Mapping[str, list[str]]) -> Callable[[pd.Series], dict[str, Any]]:
    """Shows a sequence: the first steps of each channel (``channels``: name -> columns)."""
    kept = list(channels.items())[:MAX_VALUES]

    def show(values: pd.Series) -> dict[str, Any]:
        return {"values": {ch: series(values[cols]) for ch, cols in kept},
                "text": None, "image": None}

    return show


def image_shower(root: Path) -> Callable[[pd.Series], dict[str, Any]]:
    """Shows an image example: its file name and the path of the image."""
    def show(values: pd.Series) -> dict[str, Any]:
        name = str(values.get("file", ""))
        return {"values": {"file": name}, "text": None, "image": str(root / name)}

    return show


def sound_shower(root: Path) -> Callable[[pd.Series], dict[str, Any]]:
    """Shows a recording: its file name and the path of the clip (``sound``); its picture
    (``image``) is drawn where there is a folder for it (``engine.data.sound_picture``)."""
    def show(values: pd.Series) -> dict[str, Any]:
        name = str(values.get("file", ""))
        return {"values": {"file": name}, "text": None, "image": None,
                "sound": str(root / name)}

    return show


def missing(value: Any) -> bool:
    """Whether ``value`` is a missing value (NaN, None, NA)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def short(value: Any) -> str:
    """One value as short text: numbers to 6 significant digits, missing as a word."""
    if missing(value):
        return text("error_analysis.missing_value")
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    words = str(value)
    return words if len(words) <= VALUE_CHARS else words[:VALUE_CHARS - 1] + "\u2026"


def series(values: pd.Series) -> str:
    """The first steps of one channel of a sequence and its length."""
    numbers = [float(v) for v in values if not missing(v)]
    head = ", ".join(f"{v:.4g}" for v in numbers[:SERIES_STEPS])
    more = "\u2026 " if len(numbers) > SERIES_STEPS else ""
    return text("error_analysis.series", head=head, more=more, steps=len(numbers))
