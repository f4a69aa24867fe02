"""What the drift checks compare, for every data kind.

Two views of the examples of two splits:

* ``columns``: named columns compared one at a time — a table's feature columns; for text
  its length in characters and in words; for images their width, height, brightness and
  contrast (from the thumbnails of ``engine.kinds.image_fingerprints``); for sequences the
  series' columns;
* ``matrix``: what a classifier reads to try to tell the two splits apart — the table
  with categories as shared codes (``categorical`` marks them), hashed word counts for
  text, the grey thumbnails (8 x 8) and sizes for images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from engine.kinds.image_fingerprints import THUMB, ImageFingerprints
from engine.core.texts import text

MAX_CODES = 250  # categories kept per column for the classifier (the rest share a code)
HASHED_WORDS = 2**12


@dataclass(frozen=True, eq=False)
class DriftInputs:
    """One split's side of a comparison (see the module doc). ``names`` names the matrix
    columns when they mean something to a person (None for words and pixels)."""

    columns: pd.DataFrame
    matrix: np.ndarray | sparse.csr_matrix
    names: list[str] | None
    categorical: np.ndarray | None


def table_sides(a: pd.DataFrame, b: pd.DataFrame) -> tuple[DriftInputs, DriftInputs]:
    """Both sides of two tables: the columns as they are, categories as shared codes."""
    mats, cats = ([], []), []
    for name in a.columns:
        ca, cb = a[name], b[name]
        if _numeric(ca) and _numeric(cb):
            mats[0].append(ca.to_numpy(dtype=float, na_value=np.nan))
            mats[1].append(cb.to_numpy(dtype=float, na_value=np.nan))
            cats.append(False)
            continue
        both = pd.concat([ca, cb]).astype(str).where(pd.concat([ca, cb]).notna())
        common = both.value_counts().index[:MAX_CODES]
        lookup = {value: i for i, value in enumerate(common)}
        codes = both.map(lookup).astype(float)
        codes[both.notna() & codes.isna()] = MAX_CODES  # the rarer categories
        mats[0].append(codes.to_numpy()[: len(ca)])
        mats[1].append(codes.to_numpy()[len(ca):])
        cats.append(True)
    names = [str(c) for c in a.columns]
    mask = np.array(cats, dtype=bool)
    return tuple(DriftInputs(side, np.column_stack(m) if m else np.zeros((len(side), 0)),
                             names, mask)
                 for side, m in ((a, mats[0]), (b, mats[1])))


def text_side(values: pd.Series) -> DriftInputs:
    """One side of text: lengths in characters and words, hashed word counts."""
    texts = values.fillna("").astype(str)
    columns = pd.DataFrame({text("checks.drift_characters"): texts.str.len().to_numpy(float),
                            text("checks.drift_words"):
                                texts.str.split().str.len().to_numpy(float)})
    hashed = HashingVectorizer(n_features=HASHED_WORDS, alternate_sign=False,
                               norm="l2").transform(texts.tolist())
    return DriftInputs(columns, hashed.tocsr(), None, None)


def image_side(prints: ImageFingerprints) -> DriftInputs:
    """One side of images: sizes, brightness, contrast and pooled thumbnails."""
    columns = pd.DataFrame({text("checks.drift_width"): prints.width,
                            text("checks.drift_height"): prints.height,
                            text("checks.drift_brightness"): prints.thumbs.mean(axis=1),
                            text("checks.drift_contrast"): prints.thumbs.std(axis=1)})
    matrix = np.column_stack([_pooled(prints.thumbs), prints.width, prints.height])
    return DriftInputs(columns, matrix, None, np.zeros(matrix.shape[1], dtype=bool))


def _pooled(thumbs: np.ndarray) -> np.ndarray:
    """Thumbnails averaged over 2 x 2 pixel blocks: fewer inputs, a quicker classifier."""
    side = THUMB // 2
    blocks = thumbs.reshape(len(thumbs), side, 2, side, 2)
    return blocks.mean(axis=(2, 4)).reshape(len(thumbs), side * side)


def _numeric(col: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)
