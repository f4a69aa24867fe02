"""The typed goal: its JSON form is the one the release before wrote, older or partial goals
read with defaults, and a goal changes by ``dataclasses.replace`` only."""

import dataclasses
import json
from pathlib import Path

import pytest

from engine.project.parts import goal as goal_part
from engine.project.parts.goal import Goal, GoalConstraint

OLD = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1" / "project.json"


def test_the_old_release_goal_reads_typed_and_writes_back_unchanged():
    raw = json.loads(OLD.read_text())["goal"]
    goal = goal_part.load(raw)
    assert (goal.target, goal.task, goal.metric) == ("diagnosis", "binary", "accuracy")
    assert goal.labels == ("benign", "malignant") and goal.positive_label == "malignant"
    assert goal.positive_index == 1 and goal.is_classification and not goal.is_regression
    assert goal.constraints == (GoalConstraint("latency_ms", "<", 50.0,
                                               "Prediction time per example below 50 ms"),)
    assert goal.target_error is None and goal.abstain_accuracy is None
    assert goal.data_kind == "table" and goal.inputs == {}
    assert goal_part.dump(goal) == raw
    assert list(goal_part.dump(goal)) == list(raw)  # the same key order too


def test_round_trip_with_every_field():
    goal = Goal(target="review_score", task="multiclass", metric="f1_macro",
                task_reason="five grades", metric_reason="uneven classes",
                constraints=(GoalConstraint("recall_macro", ">=", 0.5, "Recall at least 0.5"),
                             GoalConstraint("params", "<=", 1e6)),
                target_error=0.1, labels=("1", "2", "3"), abstain_accuracy=0.9,
                data_kind="text", inputs={"text_column": "review"})
    raw = json.loads(json.dumps(goal.to_dict()))
    assert Goal.from_dict(raw) == goal
    assert raw["abstain_accuracy"] == 0.9 and raw["constraints"][1] == {
        "quantity": "params", "op": "<=", "bound": 1e6}  # no text: none written
    assert goal.text_column == "review" and goal.sequence is None


def test_an_older_or_partial_goal_takes_the_defaults():
    goal = Goal.from_dict({"target": "y", "task": "regression", "metric": "rmse",
                           "constraints": [{"quantity": "size_mb", "op": "<", "bound": 5},
                                           "not a constraint"]})
    assert goal == Goal(target="y", task="regression", metric="rmse",
                        constraints=(GoalConstraint("size_mb", "<", 5),))
    assert goal.labels == () and goal.positive_label is None and goal.positive_index is None
    assert goal.data_kind == "table" and goal.is_regression
    assert "abstain_accuracy" not in goal.to_dict()
    assert goal_part.load(None) is None and goal_part.dump(None) is None


def test_a_goal_is_frozen_and_changes_by_replace():
    goal = Goal(target="y", task="binary", metric="f1", labels=("no", "yes"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        goal.metric = "accuracy"  # type: ignore[misc]
    changed = dataclasses.replace(goal, metric="accuracy")
    assert changed.metric == "accuracy" and goal.metric == "f1"
