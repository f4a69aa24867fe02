"""What kind of prediction a target column asks for: binary, multiclass or regression.

``infer_task`` looks at the target column only and returns a ``TaskGuess`` with a short
plain-language reason, so the Goal step can show the guess and let the user correct it.

The rules, in order:

1. text, yes/no (bool) or category columns are classification: two distinct values give
   ``binary``, more give ``multiclass``;
2. numbers with at most two distinct values are ``binary`` (0/1, 1/2, -1/1 ...);
3. whole numbers with few distinct values are ``multiclass``: at most ``MAX_CLASSES`` (20)
   values and at most ``max(10, 5% of the rows)`` of them, so that digit labels 0-9 or a
   1-5 rating are classes while counts and ages on a large table are still amounts;
4. anything else numeric is ``regression``.

Example:
    >>> infer_task(pd.Series(["cat", "dog", "cat"])).kind
    'binary'
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.core.errors import GoalError
from engine.core.lazy_import import lazy_module
from engine.core.texts import text

# pandas loads at the first column read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

TASK_KINDS = ("binary", "multiclass", "regression")

MAX_CLASSES = 20
"""Whole-number targets with more distinct values than this are treated as amounts."""
MIN_CLASS_CAP = 10
"""A whole-number target with up to this many values may be classes even on small tables."""
CLASS_SHARE_CAP = 0.05
"""On larger tables, distinct whole numbers must be at most this share of the rows."""


@dataclass(frozen=True)
class TaskGuess:
    """The guessed task kind and why it was chosen.

    Args:
        kind: one of ``TASK_KINDS``.
        reason: one or two plain sentences for the user.
    """

    kind: str
    reason: str


def check_task(task: str) -> str:
    """Return ``task`` if it is a known task kind, else raise ``GoalError``."""
    if task not in TASK_KINDS:
        raise GoalError(text("goal.unknown_task", task=task, valid=", ".join(TASK_KINDS)))
    return task


def infer_task(y: pd.Series) -> TaskGuess:
    """Guess the task kind from the target column ``y``.

    Args:
        y: the target column; missing values are ignored.

    Returns:
        A ``TaskGuess`` whose reason names the number of distinct values.

    Raises:
        GoalError: the column is empty or holds a single value (nothing to predict).
    """
    name = str(y.name) if y.name is not None else text("goal.target_unnamed")
    values = y.dropna()
    if values.empty:
        raise GoalError(text("goal.target_empty", name=name))
    n_distinct = int(values.nunique())
    if n_distinct < 2:
        raise GoalError(text("goal.target_constant", name=name, value=values.iloc[0]))

    if not _is_numeric(values):
        task = "binary" if n_distinct == 2 else "multiclass"
        key = "goal.task_labels_two" if task == "binary" else "goal.task_labels_many"
        return TaskGuess(task, text(key, name=name, n=n_distinct))

    if n_distinct == 2:
        return TaskGuess("binary", text("goal.task_numbers_two", name=name))

    cap = max(MIN_CLASS_CAP, CLASS_SHARE_CAP * len(values))
    if _whole_numbers(values) and n_distinct <= MAX_CLASSES and n_distinct <= cap:
        return TaskGuess("multiclass", text("goal.task_whole_few", name=name, n=n_distinct))
    return TaskGuess("regression", text("goal.task_amount", name=name, n=n_distinct))


def _is_numeric(values: pd.Series) -> bool:
    if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(values):
        return False
    return pd.api.types.is_numeric_dtype(values)


def _whole_numbers(values: pd.Series) -> bool:
    if pd.api.types.is_integer_dtype(values):
        return True
    array = values.to_numpy(dtype=float)
    return bool(np.all(np.isfinite(array)) and np.all(array == np.round(array)))
