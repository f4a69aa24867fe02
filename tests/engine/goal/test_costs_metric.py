"""What a mistake costs: the cost table on the goal, the expected cost as a metric and a
constraint, and choosing the cheaper run by it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.core.errors import GoalError
from engine.goal import edit
from engine.goal.constraints import parse_constraint
from engine.goal.cost_table import (check_table, table_from_pairs, yes_no_table,
                                    false_alarm_and_miss)
from engine.goal.evaluation import Predictions, optimizing_error, score
from engine.goal.metrics import (COST, compute, compute_all, error_of, get_metric,
                                 metrics_for)
from engine.project.fingerprints import judging_key
from engine.project.parts.goal import CostTable, Goal, load

YES_NO = CostTable(("no", "yes"), ((0.0, 1.0), (10.0, 0.0)), "euros")
GOAL = Goal(target="t", task="binary", metric="f1", labels=("no", "yes"), positive_label="yes")


def test_expected_cost_on_a_known_confusion():
    # 40 true no: 30 right, 10 false alarms (1 each); 10 true yes: 6 found, 4 missed (10 each)
    truth = ["no"] * 40 + ["yes"] * 10
    answer = ["no"] * 30 + ["yes"] * 10 + ["yes"] * 6 + ["no"] * 4
    assert compute(COST, truth, answer, costs=YES_NO) == pytest.approx((10 + 40) / 50)
    scored = compute_all("binary", truth, answer, labels=("no", "yes"), positive_label="yes",
                         costs=YES_NO)
    assert scored[COST] == pytest.approx(1.0) and scored["accuracy"] == pytest.approx(0.72)
    assert COST not in compute_all("binary", truth, answer, positive_label="yes")


def test_cost_metric_is_known_by_name_and_lower_is_better():
    metric = get_metric(COST, "multiclass")
    assert not metric.higher_is_better and not metric.bounded
    assert error_of(COST, 2.5) == 2.5
    assert COST not in [m.name for m in metrics_for("binary")]
    assert [m.name for m in metrics_for("binary", YES_NO)][-1] == COST
    with pytest.raises(GoalError):
        get_metric(COST, "regression")


def test_labels_in_another_order_give_the_same_cost():
    # the table's own order is used, whatever order sorting gives the codes
    table = CostTable(("b", "a"), ((0.0, 3.0), (1.0, 0.0)))
    assert compute(COST, ["a", "b", "b"], ["b", "a", "b"], costs=table) == pytest.approx(4 / 3)


def test_score_adds_the_expected_cost_when_the_goal_has_costs():
    preds = Predictions(np.array(["no", "yes", "yes"], dtype=object),
                        np.array(["yes", "no", "yes"], dtype=object), np.array([.6, .4, .9]),
                        None)
    assert COST not in score(GOAL, preds)
    goal = Goal(**{**GOAL.__dict__, "costs": YES_NO, "metric": COST})
    metrics = score(goal, preds)
    assert metrics[COST] == pytest.approx(11 / 3)
    assert optimizing_error(goal, metrics) == pytest.approx(11 / 3)


def test_a_constraint_on_the_expected_cost():
    with pytest.raises(GoalError, match="cost of each kind of mistake"):
        parse_constraint("expected_cost <= 2.5", "binary")
    c = parse_constraint("expected_cost <= 2.5", "binary", YES_NO)
    assert c.check(2.0) and not c.check(3.0)
    assert "Expected cost" in c.describe()
    with pytest.raises(GoalError):
        parse_constraint("expected_cost <= -1", "binary", YES_NO)
    with pytest.raises(GoalError):
        parse_constraint("expected_cost <= 50%", "binary", YES_NO)


def test_tables_from_the_user_and_their_checks():
    assert yes_no_table(("no", "yes"), "yes", 1, 10, " euros ").matrix == YES_NO.matrix
    assert false_alarm_and_miss(YES_NO, "yes") == (1.0, 10.0)
    flipped = yes_no_table(("neg", "pos"), "neg", 2, 7)
    assert flipped.matrix == ((0.0, 7.0), (2.0, 0.0))
    t = table_from_pairs(("a", "b:c", "d"), ["b:c:a=4", "a:d=2.5"], "hours")
    assert t.matrix == ((0.0, 1.0, 2.5), (4.0, 0.0, 1.0), (1.0, 1.0, 0.0))
    for bad in ("a:b=x", "a:z=1", "a-b=1", "a:d=-2", "a:d=nan"):
        with pytest.raises(GoalError):
            table_from_pairs(("a", "b", "d"), [bad])
    goal = Goal(task="multiclass", labels=("a", "b", "d"))
    assert check_table(goal, table_from_pairs(("a", "b", "d"), [])) == []
    with pytest.raises(GoalError, match="in this order: a, b, d"):
        check_table(goal, table_from_pairs(("b", "a", "d"), []))
    with pytest.raises(GoalError):
        check_table(Goal(task="regression"), YES_NO)
    warned = check_table(goal, CostTable(goal.labels, ((1, 1, 1), (1, 0, 1), (1, 1, 0))))
    assert len(warned) == 1 and "a right answer" in warned[0].lower()
    free = check_table(goal, CostTable(goal.labels, ((0,) * 3,) * 3))
    assert "cannot tell models apart" in free[0]


def test_goal_round_trip_and_type_checks():
    goal = Goal(**{**GOAL.__dict__, "costs": YES_NO})
    assert load(goal.to_dict()) == goal
    raw = goal.to_dict()
    raw["costs"]["matrix"] = [[0, "1"], [10, 0]]
    with pytest.raises(TypeError):
        load(raw)


def test_set_costs_logs_changes_judging_and_guards_its_use(split_project):
    project = split_project
    before = judging_key(project)
    with pytest.raises(GoalError, match="cost of each kind of mistake"):
        edit.set_metric(project, COST)
    labels = project.goal.labels
    table = yes_no_table(labels, project.goal.positive_label, 1, 5, "euros")
    assert edit.set_costs(project, table) == []
    assert project.decisions[-1].kind == "costs_set"
    assert "5 euros" in project.decisions[-1].text
    assert judging_key(project) == before  # costs unused by the metric so far
    edit.set_metric(project, COST)
    edit.set_constraints(project, ["expected_cost <= 2"])
    used = judging_key(project)
    edit.set_costs(project, yes_no_table(labels, project.goal.positive_label, 1, 6, "euros"))
    assert judging_key(project) != used
    with pytest.raises(GoalError, match="still used"):
        edit.set_costs(project, None)
    edit.set_constraints(project, [])
    edit.set_metric(project, "f1")
    edit.set_costs(project, None)
    assert project.goal.costs is None and "removed" in project.decisions[-1].text
    project.save()


def test_new_project_takes_costs_and_the_cost_metric(tmp_path, mixed_csv):
    from engine.goal.step import GoalChoice, new_project

    project = new_project(tmp_path / "p", GoalChoice(
        data=str(mixed_csv), target="bought", metric=COST, costs=("yes:no=10",),
        cost_unit="euros", constraints=("expected_cost < 3",)))
    goal = project.goal
    assert goal.metric == COST and goal.costs.unit == "euros"
    assert false_alarm_and_miss(goal.costs, "yes") == (1.0, 10.0)
    assert goal.constraints[0].quantity == COST
    assert any(d.kind == "costs_set" for d in project.decisions)
    with pytest.raises(GoalError):
        new_project(tmp_path / "q", GoalChoice(data=str(mixed_csv), target="bought",
                                               metric=COST))
    assert not math.isnan(goal.costs.cost("yes", "no"))
