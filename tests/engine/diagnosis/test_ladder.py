"""The error ladder gives the verdicts of the worked examples in the lecture notes."""

import json

import pytest

from engine.diagnosis.ladder import VERDICTS, advice_for, diagnose, gap_label, verdict_label
from engine.core.errors import GoalError

P = 0.01  # one percent


@pytest.mark.parametrize("ladder, verdict", [
    # Bayes error 0: train 1% / dev 11% overfits; train 15% / dev 16% underfits.
    (dict(target=0.0, train=1 * P, dev=11 * P), "variance"),
    (dict(target=0.0, train=15 * P, dev=16 * P), "bias"),
    # Human-level error as the target.
    (dict(target=1 * P, train=8 * P, dev=10 * P), "bias"),
    (dict(target=7.5 * P, train=8 * P, dev=10 * P), "variance"),
    # With a train-dev set (Bayes 0).
    (dict(target=0.0, train=1 * P, train_dev=9 * P, dev=10 * P), "variance"),
    (dict(target=0.0, train=1 * P, train_dev=1.5 * P, dev=10 * P), "mismatch"),
    (dict(target=0.0, train=10 * P, train_dev=11 * P, dev=12 * P), "bias"),
    # Test much worse than dev, everything else small.
    (dict(target=9 * P, train=9.5 * P, train_dev=9.7 * P, dev=10 * P, test=16 * P),
     "dev_overfit"),
    # All gaps tiny.
    (dict(target=5 * P, train=5.5 * P, train_dev=5.8 * P, dev=6.2 * P, test=6.5 * P), "none"),
    (dict(train=0.4 * P, dev=0.9 * P), "none"),
])
def test_worked_examples(ladder, verdict):
    result = diagnose(**ladder)
    assert result.verdict == verdict
    # Nothing wrong after the final test: the advice is to ship, not to run the test.
    advice_key = "tested" if verdict == "none" and "test" in ladder else verdict
    assert result.advice == advice_for(advice_key) and result.advice
    assert result.explanation and "{" not in result.explanation


def test_gaps_of_the_full_ladder():
    result = diagnose(target=0.02, train=0.05, train_dev=0.07, dev=0.12, test=0.13)
    assert result.avoidable_bias == pytest.approx(0.03)
    assert result.variance == pytest.approx(0.02)
    assert result.mismatch == pytest.approx(0.05)
    assert result.dev_overfit == pytest.approx(0.01)
    assert [row.name for row in result.ladder] == ["target", "train", "train_dev", "dev", "test"]
    # bias (3 points) is at least half of the largest gap (5 points): fix bias first
    assert result.verdict == "bias"


def test_gaps_without_train_dev_or_test():
    result = diagnose(train=0.02, dev=0.09)
    assert result.verdict == "variance"
    assert result.variance == pytest.approx(0.07)
    assert result.mismatch is None and result.dev_overfit is None
    assert not result.target_given and result.target == 0.0
    assert "0%" in result.explanation  # says that no target was given
    assert "train-dev" in result.explanation  # variance may hide mismatch


def test_threshold_grows_with_the_target():
    assert diagnose(train=0.05, dev=0.06).threshold == pytest.approx(0.01)
    high = diagnose(target=0.30, train=0.32, dev=0.345)
    assert high.threshold == pytest.approx(0.03)
    assert high.verdict == "none"  # 2 and 2.5 points are small next to a 30% target
    # with a fixed 1-point threshold both gaps count, and bias (2) is comparable to 2.5
    assert diagnose(target=0.30, train=0.32, dev=0.345, threshold=0.01).verdict == "bias"


def test_bias_yields_only_to_a_much_larger_gap():
    assert diagnose(target=0.0, train=0.03, dev=0.08).verdict == "bias"      # 3 vs 5
    assert diagnose(target=0.0, train=0.02, dev=0.12).verdict == "variance"  # 2 vs 10


def test_to_dict_is_json():
    result = diagnose(target=0.01, train=0.08, train_dev=0.09, dev=0.10, test=0.11)
    data = json.loads(json.dumps(result.to_dict()))
    assert {"verdict", "gaps", "advice", "ladder", "explanation"} <= set(data)
    assert data["verdict"] == "bias"
    assert data["gaps"]["avoidable_bias"] == pytest.approx(0.07)
    assert data["ladder"][0] == {"name": "target", "label": data["ladder"][0]["label"],
                                 "error": 0.01}


@pytest.mark.parametrize("bad", [dict(train=8, dev=10), dict(train=0.1, dev=-0.1),
                                 dict(train=0.1, dev=float("nan")),
                                 dict(train=0.1, dev=0.2, target=1.5)])
def test_bad_errors_are_goal_errors(bad):
    with pytest.raises(GoalError, match="0.08"):
        diagnose(**bad)


def test_advice_content_per_verdict():
    assert any("bigger" in a for a in advice_for("bias"))
    assert any("Adam" in a for a in advice_for("bias"))
    assert any("dropout" in a for a in advice_for("variance"))
    assert any("more training examples" in a for a in advice_for("variance"))
    assert any("by hand" in a for a in advice_for("mismatch"))
    assert any("artificial" in a for a in advice_for("mismatch"))
    assert any("bigger dev set" in a for a in advice_for("dev_overfit"))
    assert any("final test" in a for a in advice_for("none"))
    for verdict in VERDICTS:
        assert verdict_label(verdict)
    assert gap_label("mismatch")
