"""The suggested optimizing metric follows the task and the class balance."""

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import GoalError
from engine.goal.suggestion import positive_label, suggest_metric


def test_rare_positive_class_is_not_accuracy_and_says_why():
    y = pd.Series(["fraud"] * 3 + ["genuine"] * 97, name="kind")
    suggestion = suggest_metric("binary", y)
    assert suggestion.name != "accuracy"
    assert suggestion.name == "average_precision"
    assert "3%" in suggestion.reason and "97%" in suggestion.reason
    assert "'fraud'" in suggestion.reason


def test_very_rare_share_is_shown_with_a_decimal():
    y = pd.Series([1] * 4 + [0] * 996)
    assert "0.4%" in suggest_metric("binary", y).reason


def test_uneven_binary_gets_f1_and_balanced_gets_accuracy():
    assert suggest_metric("binary", pd.Series([1] * 20 + [0] * 80)).name == "f1"
    balanced = suggest_metric("binary", pd.Series(["a"] * 45 + ["b"] * 55))
    assert balanced.name == "accuracy" and "45%" in balanced.reason


def test_positive_label_is_the_minority():
    assert positive_label(pd.Series(["fraud"] * 3 + ["genuine"] * 97)) == "fraud"
    assert positive_label(pd.Series([1] * 90 + [0] * 10)) == 0
    assert positive_label(pd.Series([0, 1, 0, 1])) == 1  # tie: the later label
    with pytest.raises(GoalError):
        positive_label(pd.Series(["a", "b", "c"]))


def test_multiclass():
    uneven = pd.Series(["a"] * 70 + ["b"] * 25 + ["c"] * 5, name="label")
    suggestion = suggest_metric("multiclass", uneven)
    assert suggestion.name == "f1_macro" and "'c'" in suggestion.reason
    assert suggest_metric("multiclass", pd.Series(list("abc") * 30)).name == "accuracy"


def test_regression_with_and_without_outliers():
    rng = np.random.default_rng(0)
    plain = pd.Series(rng.normal(100, 10, 500), name="price")
    assert suggest_metric("regression", plain).name == "rmse"
    wild = pd.Series(np.r_[rng.normal(100, 10, 490), np.full(10, 10_000.0)], name="price")
    suggestion = suggest_metric("regression", wild)
    assert suggestion.name == "mae" and "10 values" in suggestion.reason


def test_unknown_task():
    with pytest.raises(GoalError):
        suggest_metric("ranking", pd.Series([1, 2]))
