"""Pretrained word vectors for the text models: WordLlama's token vectors, read from the files
its package installs.

The ``wordllama`` package (MIT licence, installed by ``pip install 'practica[wordvectors]'``)
ships a table of 32,000 token vectors of 256 numbers (``weights/l2_supercat_256.safetensors``,
learnt from the token embeddings of large language models) and the tokenizer that cuts a
word into those tokens (``tokenizers/l2_supercat_tokenizer_config.json``). Practica reads the
two files directly, with ``safetensors`` and ``tokenizers``, without importing the package's
own code. Nothing is downloaded.

A text project keeps its own words (``engine.kinds.text_inputs``: the training rows'
vocabulary, saved in the preprocessing manifest). Each of those words gets, as its starting
vector, the average of the WordLlama vectors of the tokens it is cut into (a common word is
one token; a rare one several pieces); padding and unknown words start at zero. So the saved
model holds only the rows of its own vocabulary, predicting and exporting need neither the
package nor its files, and the words are cut the same way as without pretrained vectors.

Use:
    if word_vectors_status().ready:
        table = word_vector_table(("refund", "parcel"))  # shape (4, 256)
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.core.errors import WeightsError
from engine.core.texts import text

WORDLLAMA = "wordllama"
SOURCES = ("none", WORDLLAMA)
"""The values of the text models' ``word_vectors`` setting."""
PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
TENSOR = "embedding.weight"
FIRST_WORD = 2  # as engine.kinds.text_inputs: 0 = padding, 1 = unknown word


@dataclass(frozen=True)
class WordVectorsStatus:
    """Whether the pretrained word vectors can be used here, and the sentence to show.

    Args:
        ready: the package and both of its files are here.
        message: the licence line when ready; otherwise one plain sentence saying how to
            install them.
        folder: where the package's files are ("" when it is missing).
    """

    ready: bool
    message: str
    folder: str = ""


def package_folder() -> Path | None:
    """The folder of the installed ``wordllama`` package, found without importing it.

    Returns:
        Its folder, or None when the package is not installed.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def word_vectors_status() -> WordVectorsStatus:
    """Whether WordLlama's vectors, its tokenizer and the two readers are installed.

    Returns:
        A ``WordVectorsStatus``; cheap (nothing is loaded).

    Example:
        >>> word_vectors_status().message != ""
        True
    """
    folder = package_folder()
    readers = all(importlib.util.find_spec(name) is not None
                  for name in ("safetensors", "tokenizers"))
    if folder is None or not readers or not all(
            (folder / part).is_file() for part in (WEIGHTS, TOKENIZER)):
        return WordVectorsStatus(False, text("word_vectors.missing"))
    return WordVectorsStatus(True, text("word_vectors.licence"), str(folder))


def require_word_vectors() -> Path:
    """The package's folder, or a ``WeightsError`` with the install sentence.

    Returns:
        The folder that holds ``weights/`` and ``tokenizers/``.

    Raises:
        WeightsError: the package (or one of its files) is missing.
    """
    status = word_vectors_status()
    if not status.ready:
        raise WeightsError(status.message)
    return Path(status.folder)


def word_vector_table(vocabulary: tuple[str, ...] | list[str]) -> np.ndarray:
    """The starting vectors of a text model's words: row ``i + 2`` is word ``i``'s.

    Args:
        vocabulary: the project's words, most frequent first (``TextInputs.vocabulary``).

    Returns:
        float32 array ``(len(vocabulary) + 2, 256)``: rows 0 (padding) and 1 (unknown
        word) are zero; each word's row is the average of the WordLlama vectors of its
        tokens (zero for a word the tokenizer gives no token).

    Raises:
        WeightsError: the package is missing.

    Use:
        word_vector_table(("refund",))[2]
    """
    table, tokenizer = _loaded(str(require_word_vectors()))
    out = np.zeros((len(vocabulary) + FIRST_WORD, table.shape[1]), dtype=np.float32)
    words = [str(w) for w in vocabulary]
    for row, encoding in enumerate(tokenizer.encode_batch(words, add_special_tokens=False)):
        ids = [i for i in encoding.ids if 0 <= i < len(table)]
        if ids:
            out[row + FIRST_WORD] = table[ids].astype(np.float32).mean(axis=0)
    return out


def vector_size() -> int:
    """Numbers per WordLlama vector (256).

    Raises:
        WeightsError: the package is missing.
    """
    return int(_loaded(str(require_word_vectors()))[0].shape[1])


@functools.lru_cache(maxsize=1)
def _loaded(folder: str):
    """The token table (float16, 32,000 x 256) and the tokenizer, read once per process."""
    # Imported here to keep safetensors, tokenizers out of start-up.
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    root = Path(folder)
    try:
        table = load_file(str(root / WEIGHTS))[TENSOR]
        tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    except (OSError, KeyError, ValueError, RuntimeError) as exc:  # damaged install
        raise WeightsError(text("word_vectors.unreadable", folder=folder,
                                reason=str(exc)[:200])) from exc
    return table, tokenizer
