"""Satisfying constraints: parsing, checking, describing."""

import json
import math

import pytest

from engine.goal.constraints import Constraint, check_all, parse_constraint, valid_quantities
from engine.core.errors import GoalError


@pytest.mark.parametrize("expr, quantity, op, bound", [
    ("recall >= 0.9", "recall", ">=", 0.9),
    ("latency_ms < 50", "latency_ms", "<", 50.0),
    ("params <= 1e6", "params", "<=", 1e6),
    ("size_mb < 5", "size_mb", "<", 5.0),
    ("  precision>0.75 ", "precision", ">", 0.75),
    ("recall >= 90%", "recall", ">=", 0.9),
    ("recall ≥ .8", "recall", ">=", 0.8),
])
def test_parse_good(expr, quantity, op, bound):
    assert parse_constraint(expr, "binary") == Constraint(quantity, op, bound)


@pytest.mark.parametrize("expr", ["recall", "recall = 0.9", "recall >= high", ">= 0.9",
                                  "recall >= 0.9 and f1 > 0.5", "", "latency_ms < 50 s"])
def test_parse_bad_form_shows_form_and_names(expr):
    with pytest.raises(GoalError) as caught:
        parse_constraint(expr, "binary")
    message = str(caught.value)
    assert "recall >= 0.9" in message and "latency_ms" in message and "size_mb" in message
    assert "\n" not in message


def test_parse_bad_name_or_range():
    with pytest.raises(GoalError, match="rmse, r2, latency_ms"):
        parse_constraint("recall >= 0.9", "regression")
    with pytest.raises(GoalError, match="between 0 and 1"):
        parse_constraint("recall >= 90", "binary")
    with pytest.raises(GoalError, match="percent"):
        parse_constraint("latency_ms < 50%", "binary")
    with pytest.raises(GoalError, match="below zero"):
        parse_constraint("size_mb < -1", "binary")
    assert parse_constraint("rmse < 2500", "regression").bound == 2500


def test_check_and_describe():
    at_least = Constraint("recall", ">=", 0.9)
    assert at_least.check(0.9) and at_least.check(0.95) and not at_least.check(0.89)
    assert not at_least.check(float("nan")) and not at_least.check(None)
    below = Constraint("latency_ms", "<", 50)
    assert below.check(49.9) and not below.check(50)
    assert "50 ms" in below.describe() and "below" in below.describe()
    assert "1,000,000" in Constraint("params", "<=", 1e6).describe()
    assert "at least" in at_least.describe() and "Recall" in at_least.describe()


def test_dict_round_trip_is_json():
    constraint = parse_constraint("size_mb < 5", "multiclass")
    data = json.loads(json.dumps(constraint.to_dict()))
    assert Constraint.from_dict(data) == constraint
    with pytest.raises(GoalError):
        Constraint.from_dict({"quantity": "speed", "op": "<", "bound": 1})
    with pytest.raises(GoalError):
        Constraint("recall", "==", 0.5)


def test_check_all():
    constraints = [parse_constraint(e, "binary") for e in
                   ("recall >= 0.9", "latency_ms < 50", "size_mb < 5")]
    checks = check_all(constraints, {"recall": 0.93, "latency_ms": 72.0})
    assert [c.ok for c in checks] == [True, False, False]
    assert math.isnan(checks[2].value) and "not measured" in checks[2].describe()
    assert "not met" in checks[1].describe() and "72" in checks[1].describe()


def test_valid_quantities():
    assert valid_quantities("regression") == ["mae", "rmse", "r2", "latency_ms",
                                              "batch_latency_ms", "params", "size_mb"]
