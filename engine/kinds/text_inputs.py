"""The coding from a column of free text to model inputs, fitted on the training rows only.

Each text is cut into lower-case words the way scikit-learn's ``CountVectorizer`` does
(runs of two or more letters or digits). The vocabulary is the ``max_tokens`` most frequent
words of the training texts, most frequent first; a word gets the number of its place plus
two, because 0 marks padding and 1 marks a word that is not in the vocabulary (a word only
seen outside training is such a word). Each text becomes ``max_len`` numbers: its first
``max_len`` words, padded with zeros at the end. Missing texts count as empty.

Use:
    coding = fit_text_inputs(train, "review", "binary", ["bad", "good"], None)
    coding.transform(pd.DataFrame({"review": ["Great film"]}))[0, :3]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.kinds.target_coding import (TargetCoding, decode_regression, encode_target,
                                  fit_target_coding, target_from_dict, target_to_dict)
from engine.core.texts import text

PAD, UNKNOWN = 0, 1
FIRST_WORD = 2
MIN_LEN, MAX_LEN = 8, 400
FLAT_WORDS = 4096  # the linear baseline counts the 4096 most frequent words; rarer are "other"


@dataclass(frozen=True)
class TextInputs:
    """The fitted text coding: the column, the vocabulary (most frequent first), the length."""

    column: str
    vocabulary: tuple[str, ...]
    max_len: int
    target: TargetCoding

    kind: ClassVar[str] = "text"

    @property
    def vocab_size(self) -> int:
        """How many different token numbers there are (words + padding + unknown)."""
        return len(self.vocabulary) + FIRST_WORD

    @property
    def input_shape(self) -> tuple[int]:
        """The shape of one example: (max_len,) token numbers."""
        return (self.max_len,)

    @property
    def n_inputs(self) -> int:
        """The width of ``flat(X)``: one count per word, capped at ``FLAT_WORDS`` words."""
        return min(self.vocab_size, FLAT_WORDS + FIRST_WORD)

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Token numbers for the texts of ``frame[column]``.

        Args:
            frame: rows with the text column.

        Returns:
            int32 array (n, max_len): 0 = padding, 1 = unknown word, 2.. = vocabulary words.

        Raises:
            DataError: the text column is missing.

        Use:
            coding.transform(pd.DataFrame({"review": ["so so"]}))[0, :3]
        """
        if self.column not in frame.columns:
            raise DataError(text("text_data.no_column", column=self.column))
        words = _analyzer()
        index = {word: i + FIRST_WORD for i, word in enumerate(self.vocabulary)}
        out = np.zeros((len(frame), self.max_len), dtype=np.int32)
        for row, value in enumerate(_texts(frame[self.column])):
            ids = [index.get(w, UNKNOWN) for w in words(value)[: self.max_len]]
            out[row, : len(ids)] = ids
        return out

    def flat(self, X: np.ndarray) -> np.ndarray:
        """Inputs for a linear baseline: word counts per text, divided by the text's length.

        Words past the ``FLAT_WORDS`` most frequent are counted together with unknown words
        (column 1), so the width stays ``n_inputs`` however large the vocabulary is.

        Args:
            X: output of ``transform`` (n, max_len).

        Returns:
            float32 array (n, n_inputs); each row sums to 1 (0 for an empty text).

        Use:
            coding.flat(coding.transform(frame)).sum(axis=1)[:2]
        """
        X = np.asarray(X, dtype=np.int64)
        width = self.n_inputs
        ids = np.where(X >= width, UNKNOWN, X)
        rows = np.repeat(np.arange(len(X)), X.shape[1] if X.ndim == 2 else 0)
        counts = np.zeros((len(X), width), dtype=np.float32)
        np.add.at(counts, (rows, ids.ravel()), 1.0)
        counts[:, PAD] = 0.0
        totals = counts.sum(axis=1, keepdims=True)
        return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)

    def encode_target(self, y: pd.Series) -> np.ndarray:
        """Training targets: class indices, or the standardized value for regression."""
        return encode_target(self.target, y)

    def decode_regression(self, z: np.ndarray) -> np.ndarray:
        """Standardized regression outputs back in the target's units."""
        return decode_regression(self.target, z)

    def to_dict(self) -> dict[str, Any]:
        """The coding as JSON-able data (``"kind": "text"``)."""
        return {"kind": self.kind, "column": self.column, "vocabulary": list(self.vocabulary),
                "max_len": self.max_len, "target": target_to_dict(self.target)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TextInputs":
        """The coding saved by ``to_dict``.

        Use:
            TextInputs.from_dict(coding.to_dict()) == coding
        """
        return cls(str(d["column"]), tuple(str(w) for w in d["vocabulary"]),
                   int(d["max_len"]), target_from_dict(d["target"]))


def fit_text_inputs(train_frame: pd.DataFrame, column: str, task: str,
                    labels: list[str] | None, y_train: pd.Series | None,
                    max_tokens: int = 20000, max_len: int | None = None) -> TextInputs:
    """Fit the text coding on the training rows only.

    Args:
        train_frame: the training rows.
        column: the column that holds the text.
        task: ``binary``, ``multiclass`` or ``regression``.
        labels: the class labels in output order (classification).
        y_train: the training targets (regression).
        max_tokens: the largest vocabulary (the most frequent training words are kept).
        max_len: words kept per text; by default the 95th percentile of the training text
            lengths, between 8 and 400.

    Returns:
        The fitted ``TextInputs``.

    Raises:
        DataError: the column is missing or the training texts hold no words.

    Use:
        fit_text_inputs(train, "review", "binary", ["bad", "good"], None).max_len
    """
    if column not in train_frame.columns:
        raise DataError(text("text_data.no_column", column=column))
    texts = _texts(train_frame[column])
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(lowercase=True, max_features=max_tokens)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError as exc:  # "empty vocabulary": no text has a single word
        raise DataError(text("text_data.no_words", column=column)) from exc
    words = vectorizer.get_feature_names_out()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    order = sorted(range(len(words)), key=lambda i: (-totals[i], words[i]))
    vocabulary = tuple(str(words[i]) for i in order)
    if max_len is None:
        lengths = [len(_analyzer()(t)) for t in texts]
        max_len = int(np.clip(np.ceil(np.percentile(lengths, 95)), MIN_LEN, MAX_LEN))
    return TextInputs(column, vocabulary, max(1, int(max_len)),
                      fit_target_coding(task, labels, y_train))


def _analyzer() -> Callable[[str], list[str]]:
    """scikit-learn's default word splitter: lower case, words of 2+ letters or digits."""
    # Imported here to keep scikit-learn out of start-up.
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(lowercase=True).build_analyzer()


def _texts(series: pd.Series) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in series]
