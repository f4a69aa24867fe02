"""The task kind guessed from a target column, with its reason."""

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import GoalError
from engine.goal.tasks import TASK_KINDS, check_task, infer_task


@pytest.mark.parametrize("values, kind", [
    (["spam", "ham", "ham", "spam"], "binary"),
    ([True, False, False, True], "binary"),
    ([0, 1, 1, 0, 1], "binary"),
    ([0.0, 1.0, 1.0, np.nan], "binary"),
    ([-1, 1, 1, -1], "binary"),
    (["red", "green", "blue", "red"], "multiclass"),
    (list(range(10)) * 50, "multiclass"),             # digit labels
    ([1, 2, 3, 4, 5] * 8, "multiclass"),              # a rating on a small table
    ([1.0, 2.0, 3.0] * 20, "multiclass"),             # whole numbers stored as floats
    (list(range(18, 90)) * 20, "regression"),         # ages: too many values
    (list(range(16)) * 12, "regression"),             # 16 counts on 192 rows: > 10 and > 5%
    (list(np.linspace(0, 1, 50)), "regression"),
])
def test_infer_task(values, kind):
    guess = infer_task(pd.Series(values, name="target"))
    assert guess.kind == kind
    assert "'target'" in guess.reason


def test_category_dtype_is_classification_even_if_numbers():
    y = pd.Series(pd.Categorical([1, 2, 3, 4, 5, 6, 7] * 100), name="grade")
    assert infer_task(y).kind == "multiclass"


def test_reason_mentions_number_of_values():
    assert "3 different labels" in infer_task(pd.Series(list("abcabc"), name="y")).reason


def test_constant_or_empty_target_is_a_goal_error():
    with pytest.raises(GoalError, match="same value"):
        infer_task(pd.Series([4, 4, 4], name="y"))
    with pytest.raises(GoalError, match="no values"):
        infer_task(pd.Series([np.nan, np.nan], name="y"))


def test_check_task():
    assert TASK_KINDS == ("binary", "multiclass", "regression")
    assert check_task("binary") == "binary"
    with pytest.raises(GoalError, match="binary, multiclass, regression"):
        check_task("clustering")
