"""A run that breaks a constraint is never offered as best, and the reason names the limit."""

import dataclasses

import pytest

from engine.goal.constraints import Constraint, check_all
from engine.goal.run_choice import best_run
from engine.goal.edit import set_constraints
from engine.project.project import open_project
from engine.goal.run_choice import choice_note, passed_over, why_not_offered
from engine.training.job import TrainingSpec, run_training


def test_explanations_name_the_value_and_the_limit():
    checks = check_all([Constraint("latency_ms", "<", 50), Constraint("recall", ">=", 0.9),
                        Constraint("size_mb", "<=", 5), Constraint("batch_latency_ms", "<", 9)],
                       {"latency_ms": 72.0, "recall": 0.85, "size_mb": 4.0})
    assert [c.explain() for c in checks] == [
        "Prediction time per example: 72 ms, above your limit of 50 ms.",
        checks[1].explain(), "", checks[3].explain()]
    assert "0.85" in checks[1].explain() and "minimum of 0.9" in checks[1].explain()
    assert "not measured" in checks[3].explain()


def test_a_fast_enough_run_is_chosen_over_a_better_slow_one(split_project):
    root = split_project.root
    slow = run_training(TrainingSpec(str(root), "linear")).run_id
    plain = run_training(TrainingSpec(str(root), "majority")).run_id
    project = open_project(root)
    assert project.run(slow).errors["dev"] < project.run(plain).errors["dev"]
    assert best_run(project).id == slow
    # The better model takes 72 ms per example; the limit is 50 ms.
    record = project.run(slow)
    record = dataclasses.replace(record, measured={**record.measured, "latency_ms": 72.0})
    record.save(project.run_dir(slow))
    project = open_project(root)
    set_constraints(project, ["latency_ms < 50"])
    assert best_run(project).id == plain
    assert why_not_offered(project, project.run(slow)) == [
        "Prediction time per example: 72 ms, above your limit of 50 ms."]
    assert why_not_offered(project, project.run(plain)) == []
    left_out = passed_over(project)
    assert [p.run_id for p in left_out] == [slow]
    note = choice_note(project)
    assert project.run(slow).label in note and "72 ms" in note and "50 ms" in note
    # When no run meets the limits, every run is listed with its reason.
    set_constraints(project, ["latency_ms < 0.000001"])
    assert {p.run_id for p in passed_over(project)} == {slow, plain}
    set_constraints(project, [])
    assert choice_note(project) == "" and passed_over(project) == []


@pytest.mark.parametrize("op, value, words", [("<", 50.0, "not below"), (">=", 0.5, "below"),
                                              (">", 0.9, "not above")])
def test_explanations_at_the_limit(op, value, words):
    quantity = "latency_ms" if op == "<" else "recall"
    bound = 50.0 if op == "<" else 0.9
    check = check_all([Constraint(quantity, op, bound)], {quantity: value})[0]
    assert not check.ok and words in check.explain()
