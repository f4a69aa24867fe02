"""The kind-independent entry points of the split's checks: the keys that find copies of an
example, and the inputs the drift check compares, each made by the example's data kind.

They live apart from ``row_keys`` and ``drift_inputs`` (the helpers the kinds use) so that a
kind module importing those helpers never reaches back into the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from engine.core.jobs import NEVER, CancelFlag
from engine.kinds.registry import data_kind

if TYPE_CHECKING:  # the types only: pandas and the helpers load when a kind needs them
    import pandas as pd

    from engine.kinds.drift_inputs import DriftInputs
    from engine.kinds.image_fingerprints import ImageFingerprints
    from engine.kinds.row_keys import ExampleKeys


def example_keys(frame: pd.DataFrame, columns: Sequence[str], kind: str,
                 root: str | Path | None = None, cancel: CancelFlag = NEVER) -> ExampleKeys:
    """The keys of every row of ``frame``, as its data kind makes them.

    Args:
        frame: a source frame (one row per example).
        columns: the feature columns (for text, the text column; for images, ``file``).
        kind: the data kind: ``table``, ``sequence``, ``text`` or ``images``.
        root: the image folder (images only).
        cancel: checked before each column of a table (``JobCancelled``).
    """
    columns = [c for c in columns if c in frame.columns]
    return data_kind(kind).example_keys(frame, columns, root, cancel)


def paired_inputs(a: pd.DataFrame, b: pd.DataFrame, kind: str, columns: list[str],
                  images: tuple[ImageFingerprints, ImageFingerprints] | None = None
                  ) -> tuple[DriftInputs, DriftInputs]:
    """The drift inputs of two splits' rows ``a`` and ``b`` (codes shared between them), as
    their data kind makes them.

    Args:
        a, b: the rows of the two splits (features only are read).
        kind: ``table``, ``sequence``, ``text`` or ``images``.
        columns: the feature columns (text: the text column).
        images: the fingerprints of ``a``'s and ``b``'s images (images only).
    """
    return data_kind(kind).drift_inputs(a, b, columns, images)
