"""The reject option: coverage and accuracy per threshold, the chosen threshold, the mask,
and the goal setting that asks for it (engine, new project and CLI)."""

import json

import numpy as np
import pytest
from scipy.stats import binomtest
from sklearn.metrics import accuracy_score

from engine.cli.main import main
from engine.core.errors import GoalError
from engine.goal.edit import set_abstain_accuracy
from engine.goal.step import GoalChoice, new_project
from engine.final.reject_option import (abstain_mask, at_threshold, choose_threshold,
                                  confidence_of, coverage_curve)


def test_coverage_curve_matches_brute_force_with_ties():
    rng = np.random.default_rng(0)
    confidence = rng.choice([0.5, 0.6, 0.7, 0.8, 0.9, 0.95], 200)
    correct = rng.random(200) < confidence
    curve = coverage_curve(confidence, correct)
    assert list(curve.threshold) == [0.95, 0.9, 0.8, 0.7, 0.6, 0.5]
    for t, cov, acc in zip(curve.threshold, curve.coverage, curve.accuracy):
        kept = confidence >= t
        assert cov == pytest.approx(kept.mean())
        assert acc == pytest.approx(accuracy_score(np.ones(kept.sum(), bool), correct[kept]))
    assert curve.coverage[-1] == 1.0


def test_choose_threshold_keeps_the_most_rows_that_reach_the_target():
    confidence = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6])
    correct = np.array([True, True, False, True, True, False])
    curve = coverage_curve(confidence, correct)
    # accuracies by coverage: 1, 1, 2/3, 3/4, 4/5, 4/6
    choice = choose_threshold(curve, 0.75)
    assert choice.threshold == 0.7 and choice.answered == 5 and choice.accuracy == 0.8
    ci = binomtest(4, 5).proportion_ci(0.95, method="wilson")
    assert (choice.low, choice.high) == pytest.approx((ci.low, ci.high))
    assert choose_threshold(curve, 0.7).threshold == 0.7
    assert choose_threshold(curve, 0.6).coverage == 1.0
    assert choose_threshold(coverage_curve(confidence, np.zeros(6, bool)), 0.5) is None
    elsewhere = at_threshold(curve, 0.85, 0.75)
    assert elsewhere.answered == 3 and elsewhere.threshold == 0.85
    assert at_threshold(curve, 0.999, 0.75) is None


def test_abstain_mask_on_new_scores():
    proba = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [0.2, 0.7, 0.1]])
    assert abstain_mask(proba, 0.6).tolist() == [False, True, False]
    assert abstain_mask(proba, None).tolist() == [False, False, False]
    p_positive = np.array([0.95, 0.55, 0.1])  # binary: P(positive); confidence max(p, 1-p)
    assert confidence_of(p_positive) == pytest.approx([0.95, 0.55, 0.9])
    assert abstain_mask(p_positive, 0.8).tolist() == [False, True, False]


def test_the_goal_may_ask_for_an_abstain_accuracy(split_project):
    p = split_project
    n = len(p.decisions)
    set_abstain_accuracy(p, 0.95)
    assert p.goal.abstain_accuracy == 0.95
    assert p.decisions[n].kind == "abstain_set" and "95.0%" in p.decisions[n].text
    set_abstain_accuracy(p, 0.95)  # no change, no log line
    assert len(p.decisions) == n + 1
    for bad in (0.0, 1.0, 95, "lots"):
        with pytest.raises(GoalError, match="between 0 and 1"):
            set_abstain_accuracy(p, bad)
    set_abstain_accuracy(p, None)
    assert p.goal.abstain_accuracy is None and len(p.decisions) == n + 2


def test_a_new_project_keeps_the_abstain_accuracy(tmp_path, mixed_csv):
    project = new_project(tmp_path / "p", GoalChoice(data=str(mixed_csv), target="bought",
                                                     abstain_accuracy=0.9))
    assert project.goal.abstain_accuracy == 0.9
    assert "abstain_set" in [d.kind for d in project.decisions]
    frame_path = tmp_path / "numbers.csv"
    rng = np.random.default_rng(0)
    frame_path.write_text("x,y\n" + "\n".join(f"{a:.3f},{2 * a + b:.3f}" for a, b in
                                              rng.normal(size=(60, 2))))
    with pytest.raises(GoalError, match="predicts a number"):
        new_project(tmp_path / "q", GoalChoice(data=str(frame_path), target="y",
                                               abstain_accuracy=0.9))


def test_cli_new_takes_abstain_accuracy(tmp_path, mixed_csv, capsys):
    assert main(["new", str(tmp_path / "p"), "--data", str(mixed_csv), "--target", "bought",
                 "--abstain-accuracy", "97.5%"]) == 0
    goal = json.loads((tmp_path / "p" / "project.json").read_text())["goal"]
    assert goal["abstain_accuracy"] == pytest.approx(0.975)
    code = main(["new", str(tmp_path / "q"), "--data", str(mixed_csv), "--target", "bought",
                 "--abstain-accuracy", "high"])
    assert code != 0 and "between 0 and 1" in capsys.readouterr().err
