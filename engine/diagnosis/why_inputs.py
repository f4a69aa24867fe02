"""What "one input taken away" means for one example, for each data kind: the coded copies
of the example that ``engine.diagnosis.why_example`` scores to explain its answer.

Every copy takes away one input and puts in its place what the model saw most in training,
so no other rows are read:

* table (``columns``): one column at a time is made missing, so the coding fills it with
  the training median (numbers) or the most frequent training category; a category coded as
  several 0/1 inputs is taken away as one column.
* sequence (``channels_and_windows``): each channel, then each of 8 equal time windows (all
  channels), set to the training mean (0 after the coding's standardizing).
* text (``word_bands`` is how importance groups words; here each word counts): each
  distinct word of the text is deleted wherever it occurs; the rest closes up, as if the
  word had never been written.
* images (``regions``): a square patch slides over the picture (about an eighth of its
  side, at least 2 pixels, half a patch at a time) and is covered with the training mean
  colour (0 after the standardizing); the drops of the patches over a pixel make the map.
  Nine areas (a 3 x 3 grid) are covered too, to name in words where the model looked.

Use:
    pieces = why_inputs(kind_of(project).explained_by, coding, frame.loc[[row]])
    pieces.names[:3], pieces.X.shape
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from engine.core.texts import text

WINDOWS = 8
PATCHES = 8           # a patch is about 1/8 of the picture's side
MIN_PATCH = 2         # but at least 2 pixels (one pixel of a small picture hardly matters)
AREAS = 3             # the picture is also named in 3 x 3 areas
MAX_WORDS = 300       # distinct words taken away, at most (in order of appearance)
WORD = re.compile(r"(?u)\b\w\w+\b")  # the coding's word splitter (scikit-learn's default)


@dataclass(frozen=True, eq=False)
class WhyInputs:
    """The copies of one example, each with one input taken away.

    ``names``/``parts``: what each copy takes away (``column``, ``channel``, ``window``,
    ``word`` or ``area``); ``X``: the coded copies, one per name. For pictures, ``boxes``
    are the patches (top, bottom, left, right in coded pixels) and ``box_X`` their coded
    copies. For text, ``segments`` cut the text into pieces, each with the word it is (in
    lower case) or ``""`` for what lies between words.
    """

    names: tuple[str, ...]
    parts: tuple[str, ...]
    X: np.ndarray
    boxes: tuple[tuple[int, int, int, int], ...] = ()
    box_X: np.ndarray | None = None
    segments: tuple[tuple[str, str], ...] = field(default=())


def why_inputs(explained_by: str, coding, row: pd.DataFrame) -> WhyInputs:
    """The copies of the one-row frame ``row`` for a kind explained by ``explained_by``
    (``engine.kinds.kind.EXPLAINED_BY``), coded by ``coding``."""
    return _BUILDERS[explained_by](coding, row)


def _table(coding, row: pd.DataFrame) -> WhyInputs:
    names = [c.name for c in coding.numeric] + [c.name for c in coding.categorical]
    copies = pd.concat([row] * len(names), ignore_index=True) if names else row.iloc[:0]
    for k, name in enumerate(names):
        copies[name] = copies[name].astype(object)
        copies.loc[k, name] = np.nan
    X = coding.transform(copies) if names else np.zeros((0, coding.n_inputs), np.float32)
    return WhyInputs(tuple(names), ("column",) * len(names), X)


def _sequence(coding, row: pd.DataFrame) -> WhyInputs:
    x = coding.transform(row)[0]
    names, parts, copies = [], [], []
    for c, channel in enumerate(coding.channels):
        out = x.copy()
        out[:, c] = 0.0
        names.append(channel)
        parts.append("channel")
        copies.append(out)
    for steps in np.array_split(np.arange(x.shape[0]), min(WINDOWS, x.shape[0])):
        a, b = int(steps[0]), int(steps[-1]) + 1
        out = x.copy()
        out[a:b, :] = 0.0
        names.append(text("why.window", first=a + 1, last=b))
        parts.append("window")
        copies.append(out)
    return WhyInputs(tuple(names), tuple(parts), np.stack(copies))


def word_segments(value: str) -> tuple[tuple[str, str], ...]:
    """``value`` cut into words (with their lower-case form) and what lies between them.

    Example:
        >>> word_segments("Refund me, now!")
        (('Refund', 'refund'), (' ', ''), ('me', 'me'), (', ', ''), ('now', 'now'), ('!', ''))
    """
    out, at = [], 0
    for match in WORD.finditer(value):
        if match.start() > at:
            out.append((value[at:match.start()], ""))
        out.append((match.group(), match.group().lower()))
        at = match.end()
    if at < len(value):
        out.append((value[at:], ""))
    return tuple(out)


def _text(coding, row: pd.DataFrame) -> WhyInputs:
    raw = row[coding.column].iloc[0]
    value = "" if pd.isna(raw) else str(raw)
    segments = word_segments(value)
    words = [w for _, w in segments if w]
    distinct = list(dict.fromkeys(words))[:MAX_WORDS]
    copies = pd.DataFrame({coding.column: [" ".join(w for w in words if w != gone)
                                           for gone in distinct]})
    X = coding.transform(copies) if distinct else np.zeros((0, coding.max_len), np.int32)
    return WhyInputs(tuple(distinct), ("word",) * len(distinct), X, segments=segments)


def patch_boxes(height: int, width: int) -> tuple[tuple[int, int, int, int], ...]:
    """The sliding patches over a ``height`` x ``width`` picture: (top, bottom, left,
    right), about 1/8 of each side (at least 2 pixels), moved half a patch at a time,
    reaching every edge.

    Example:
        >>> len(patch_boxes(64, 64)), patch_boxes(64, 64)[0], patch_boxes(64, 64)[-1]
        (225, (0, 8, 0, 8), (56, 64, 56, 64))
        >>> len(patch_boxes(8, 8)), patch_boxes(8, 8)[-1]
        (49, (6, 8, 6, 8))
    """
    def starts(side: int) -> tuple[int, list[int]]:
        size = min(side, max(MIN_PATCH, int(round(side / PATCHES))))
        step = max(1, size // 2)
        found = list(range(0, max(side - size, 0) + 1, step))
        if found[-1] + size < side:
            found.append(side - size)
        return size, found

    h, rows = starts(height)
    w, cols = starts(width)
    return tuple((r, r + h, c, c + w) for r in rows for c in cols)


def _images(coding, row: pd.DataFrame) -> WhyInputs:
    x = coding.transform(row)[0]
    height, width = x.shape[0], x.shape[1]
    boxes = patch_boxes(height, width)
    box_X = np.repeat(x[None], len(boxes), axis=0)
    for k, (top, bottom, left, right) in enumerate(boxes):
        box_X[k, top:bottom, left:right] = 0.0
    rows = np.array_split(np.arange(height), AREAS)
    cols = np.array_split(np.arange(width), AREAS)
    names, copies = [], []
    for r, rs in enumerate(rows):
        for c, cs in enumerate(cols):
            out = x.copy()
            out[rs[0]:rs[-1] + 1, cs[0]:cs[-1] + 1] = 0.0
            # text keys: why.area_0_0 why.area_0_1 why.area_0_2 why.area_1_0 why.area_1_1
            # text keys: why.area_1_2 why.area_2_0 why.area_2_1 why.area_2_2
            names.append(text(f"why.area_{r}_{c}"))
            copies.append(out)
    return WhyInputs(tuple(names), ("area",) * len(names), np.stack(copies), boxes, box_X)


# What an input is for each kind's ``explained_by`` (``engine.kinds.kind.EXPLAINED_BY``).
_BUILDERS: dict[str, Callable[..., WhyInputs]] = {
    "columns": _table,
    "channels_and_windows": _sequence,
    "word_bands": _text,
    "regions": _images,
}
