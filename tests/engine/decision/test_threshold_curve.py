"""The dev curve counts what scikit-learn computes, and each rule picks what it says."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from engine.decision.threshold import ThresholdError, choose
from engine.decision.threshold_curve import COUNTED, figures_at, threshold_counts
from engine.project.parts.goal import CostTable, Goal


def _data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    positive = rng.random(n) < 0.3
    p = np.clip(rng.normal(np.where(positive, 0.6, 0.35), 0.18), 0, 1).round(3)
    return positive, p


GOAL = Goal(target="y", task="binary", metric="f1", labels=("no", "yes"),
            positive_label="yes")


def test_every_counted_figure_matches_scikit_learn_at_every_threshold():
    positive, p = _data()
    counts = threshold_counts(positive, p)
    y = np.where(positive, "yes", "no")
    table = CostTable(("no", "yes"), ((0.0, 1.0), (5.0, 0.0)))
    sk = {"accuracy": skm.accuracy_score, "balanced_accuracy": skm.balanced_accuracy_score,
          "precision": lambda t, q: skm.precision_score(t, q, pos_label="yes",
                                                        zero_division=np.nan),
          "recall": lambda t, q: skm.recall_score(t, q, pos_label="yes"),
          "f1": lambda t, q: skm.f1_score(t, q, pos_label="yes"),
          "f1_macro": lambda t, q: skm.f1_score(t, q, average="macro"),
          "f1_weighted": lambda t, q: skm.f1_score(t, q, average="weighted")}
    assert set(sk) == set(COUNTED)
    for i in range(0, len(counts.thresholds), 17):
        answer = np.where(p >= counts.thresholds[i], "yes", "no")
        for name, fn in sk.items():
            want = fn(y, answer)
            assert figures_at(counts, name)[i] == pytest.approx(want, nan_ok=True), name
        cost = np.mean([table.cost(t, a) for t, a in zip(y, answer)])
        assert figures_at(counts, "expected_cost", table)[i] == pytest.approx(cost)


def test_a_recall_constraint_is_met_at_the_best_precision():
    positive, p = _data()
    goal = GOAL.__class__(**{**GOAL.__dict__, "metric": "roc_auc"})  # cannot choose
    choice = choose(goal, threshold_counts(positive, p), "constraint", meet="recall >= 0.9")
    answer = p >= choice.value
    recall = skm.recall_score(positive, answer)
    assert choice.met and recall >= 0.9 and choice.dev["recall"] == pytest.approx(recall)
    assert choice.metric == "precision"
    # No other threshold that keeps recall >= 0.9 has a higher precision.
    for t in np.unique(p):
        a = p >= t
        if skm.recall_score(positive, a) >= 0.9:
            assert skm.precision_score(positive, a) <= choice.dev["precision"] + 1e-12


def test_the_metric_rule_maximises_f1_and_the_cost_rule_minimises_cost():
    positive, p = _data(seed=1)
    counts = threshold_counts(positive, p)
    best = choose(GOAL, counts, "metric")
    f1s = [skm.f1_score(positive, p >= t) for t in np.unique(p)]
    assert best.dev["f1"] == pytest.approx(max(f1s))
    with pytest.raises(ThresholdError):
        choose(GOAL, counts, "cost")
    table = CostTable(("no", "yes"), ((0.0, 1.0), (20.0, 0.0)))  # a miss costs 20
    goal = Goal(**{**GOAL.__dict__, "costs": table})
    cheap = choose(goal, counts, "cost")
    assert cheap.value < best.value  # costly misses: answer "yes" more often
    costs = [np.mean(np.where(positive & (p < t), 20.0, 0) + np.where(~positive & (p >= t), 1, 0))
             for t in np.unique(p)]
    assert cheap.dev["expected_cost"] == pytest.approx(min(costs))


def test_unreachable_constraint_takes_the_closest_and_says_not_met():
    positive, p = _data(seed=2)
    choice = choose(GOAL, threshold_counts(positive, p), "constraint",
                    meet="accuracy >= 0.99")
    assert not choice.met and choice.constraint == "accuracy >= 0.99"
    assert choice.dev["accuracy"] == pytest.approx(
        max(skm.accuracy_score(positive, p >= t) for t in np.unique(p)))


def test_manual_value_gives_the_figures_at_that_value():
    positive, p = _data(seed=3)
    choice = choose(GOAL, threshold_counts(positive, p), "manual", value=0.4321)
    assert choice.dev["recall"] == pytest.approx(skm.recall_score(positive, p >= 0.4321))
    with pytest.raises(ThresholdError):
        choose(GOAL, threshold_counts(positive, p), "manual", value=1.5)


def test_on_separable_dev_rows_the_threshold_sits_between_the_classes():
    # Every "no" scores at most 0.2, every "yes" at least 0.9: any threshold in between is
    # perfect on dev; the one kept leaves room on both sides instead of sitting on 0.9.
    p_yes = np.array([0.02, 0.1, 0.2, 0.9, 0.95, 0.99])
    positive = np.array([False, False, False, True, True, True])
    goal = Goal(target="y", task="binary", metric="accuracy", labels=("no", "yes"),
                positive_label="yes")
    choice = choose(goal, threshold_counts(positive, p_yes), "metric")
    assert choice.value == pytest.approx(0.55) and choice.dev["accuracy"] == 1.0
