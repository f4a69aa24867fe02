"""The label built from several people's labels of the same thing: their majority vote (or,
for numbers, their mean), added to the frame as a derived column.

Ties are broken the same way every time: among the tied answers, the one given most often
in the whole file wins; if that ties too, the first in text order. Missing labels do not
vote; a row with no label at all gets no vote (missing).

Example:
    >>> import pandas as pd
    >>> f = pd.DataFrame({"a": ["cat", "dog", "dog"], "b": ["cat", "cat", "dog"],
    ...                   "c": ["dog", "dog", None]})
    >>> with_vote(f, ["a", "b", "c"], "label_vote", "majority")["label_vote"].tolist()
    ['cat', 'dog', 'dog']
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import pandas as pd

MAJORITY, MEAN = "majority", "mean"
VOTES = (MAJORITY, MEAN)


def with_vote(frame: pd.DataFrame, columns: Sequence[str], vote_column: str,
              vote: str = MAJORITY) -> pd.DataFrame:
    """A copy of ``frame`` with ``vote_column`` added: the vote of ``columns``."""
    out = frame.copy()
    out[vote_column] = vote_of(frame, columns, vote)
    return out


def vote_of(frame: pd.DataFrame, columns: Sequence[str], vote: str = MAJORITY) -> pd.Series:
    """The mean (``vote="mean"``) or the majority vote of ``columns``, row by row."""
    labels = frame[list(columns)]
    if vote == MEAN:
        return labels.apply(pd.to_numeric, errors="coerce").mean(axis=1, skipna=True)
    return pd.Series(majority(labels.to_numpy(dtype=object)), index=frame.index,
                     dtype=object)


def majority(labels: np.ndarray, overall: Counter | None = None) -> list:
    """The majority answer of each row of ``labels`` (rows x labellers, None/NaN missing);
    ties go to the answer most common in ``overall`` (default: in ``labels``), then to the
    first in text order."""
    overall = overall if overall is not None else Counter(
        v for v in labels.ravel() if not _missing(v))
    out = []
    for row in labels:
        counts = Counter(v for v in row if not _missing(v))
        if not counts:
            out.append(None)
            continue
        top = max(counts.values())
        tied = [v for v, n in counts.items() if n == top]
        out.append(min(tied, key=lambda v: (-overall.get(v, 0), str(v))))
    return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
