import pytest

from engine.core.errors import GoalError
from engine.goal.edit import set_constraints, set_metric, set_target_error
from engine.diagnosis.next_move import recommended_move
from engine.project.parts.diagnosis import DiagnosisRecord


def test_goal_edits_are_checked_and_logged(split_project):
    p = split_project
    n = len(p.decisions)
    set_metric(p, "f1")
    set_constraints(p, ["recall >= 0.8", ""])
    set_target_error(p, 0.05)
    assert p.goal.metric == "f1"
    assert p.goal.constraints[0].quantity == "recall"
    assert [d.kind for d in p.decisions[n:]] == ["metric_chosen", "constraints_set",
                                                 "target_error_set"]
    set_metric(p, "f1")  # no change, no log line
    assert len(p.decisions) == n + 3
    with pytest.raises(GoalError):
        set_metric(p, "rmse")
    with pytest.raises(GoalError):
        set_constraints(p, ["recall is high"])


def test_moves_follow_the_verdict(split_project):
    p = split_project
    p.diagnosis = DiagnosisRecord(verdict="bias")
    move = recommended_move(p)
    assert move.params["width"] == 128 and move.params["depth"] == 3
    p.diagnosis = DiagnosisRecord(verdict="variance")
    move = recommended_move(p)
    assert move.params["dropout"] == pytest.approx(0.3) and move.params["l2"] == pytest.approx(1e-3)
    p.diagnosis = DiagnosisRecord(verdict="mismatch")
    assert recommended_move(p) is None
