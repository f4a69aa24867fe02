"""Wilson intervals for proportions: SciPy's bounds, the right counts, and coverage near 95%."""

import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as skm

from engine.final.stats.bootstrap import bootstrap_interval
from engine.goal.evaluation import Predictions
from engine.final.step import final_intervals
from engine.final.stats.proportion_interval import proportion_intervals, wilson_interval
from engine.project.parts.goal import Goal


def _scipy_wilson(k, n, confidence=0.95):
    return stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")


@pytest.mark.parametrize("k, n", [(0, 10), (7, 10), (160, 200), (200, 200), (3, 1000)])
def test_wilson_bounds_equal_scipy(k, n):
    got = wilson_interval(k, n)
    expected = _scipy_wilson(k, n)
    assert got.low == expected.low and got.high == expected.high
    assert got.method == "Wilson" and got.estimate == k / n
    assert got.low <= k / n <= got.high


def test_wilson_without_rows_is_undefined():
    assert wilson_interval(0, 0).method == "undefined"


def test_each_proportion_uses_its_own_denominator():
    rng = np.random.default_rng(0)
    y_true = rng.choice(["no", "yes"], 120, p=[0.7, 0.3])
    y_pred = np.where(rng.random(120) < 0.8, y_true, np.where(y_true == "yes", "no", "yes"))
    got = proportion_intervals("binary", y_true, y_pred, positive_label="yes")
    assert set(got) == {"accuracy", "precision", "recall"}
    tp = int(np.sum((y_true == "yes") & (y_pred == "yes")))
    checks = {"accuracy": (int(np.sum(y_true == y_pred)), 120),
              "precision": (tp, int(np.sum(y_pred == "yes"))),
              "recall": (tp, int(np.sum(y_true == "yes")))}
    sk = {"accuracy": skm.accuracy_score(y_true, y_pred),
          "precision": skm.precision_score(y_true, y_pred, pos_label="yes"),
          "recall": skm.recall_score(y_true, y_pred, pos_label="yes")}
    for name, (k, n) in checks.items():
        expected = _scipy_wilson(k, n)
        assert got[name].estimate == pytest.approx(sk[name])
        assert (got[name].low, got[name].high) == (expected.low, expected.high), name


def test_top2_accuracy_counts_rows_whose_class_is_among_the_two_likeliest():
    rng = np.random.default_rng(1)
    labels = ["a", "b", "c", "d"]
    proba = rng.dirichlet(np.ones(4), 90)
    y_true = rng.choice(labels, 90)
    y_pred = np.array(labels, object)[proba.argmax(1)]
    got = proportion_intervals("multiclass", y_true, y_pred, proba, labels=labels)
    assert set(got) == {"accuracy", "top2_accuracy"}
    k = int(round(skm.top_k_accuracy_score(y_true, proba, k=2, labels=labels,
                                           normalize=False)))
    assert got["top2_accuracy"].estimate == pytest.approx(k / 90)
    assert got["top2_accuracy"].low == _scipy_wilson(k, 90).low


def test_final_intervals_use_wilson_for_proportions_and_the_bootstrap_for_the_rest():
    rng = np.random.default_rng(2)
    y_true = rng.choice(["no", "yes"], 60)
    score = np.clip(np.where(y_true == "yes", 0.65, 0.35) + rng.normal(0, 0.2, 60), 0.01, 0.99)
    y_pred = np.where(score > 0.5, "yes", "no")
    goal = Goal(task="binary", labels=("no", "yes"), positive_label="yes")
    preds = Predictions(y_true.astype(object), y_pred.astype(object), score, None)
    got = final_intervals(goal, preds, n_resamples=60)
    methods = {name: i.method for name, i in got.items()}
    assert {methods[n] for n in ("accuracy", "precision", "recall")} == {"Wilson"}
    assert {methods[n] for n in ("f1", "roc_auc", "log_loss", "balanced_accuracy")} == {"BCa"}
    assert final_intervals(goal, preds, names=["f1"], n_resamples=30).keys() == {"f1"}


def test_wilson_intervals_cover_a_known_accuracy_95_percent_of_the_time():
    """1000 test sets of 200 rows from a model whose true accuracy is 0.8."""
    intervals = [wilson_interval(k, 200) for k in range(201)]  # one per possible count
    rng = np.random.default_rng(2024)
    coverage = float(np.mean([intervals[k].contains(0.8)
                              for k in rng.binomial(200, 0.8, 1000)]))
    assert 0.92 <= coverage <= 0.98, coverage
    # The exact coverage for these n and p (a sum over every possible count).
    exact = sum(stats.binom.pmf(k, 200, 0.8) for k in range(201) if intervals[k].contains(0.8))
    assert 0.94 <= exact <= 0.97, exact


def test_bootstrap_intervals_of_accuracy_cover_a_known_accuracy_about_95_percent():
    """The bootstrap interval of accuracy is SciPy's bootstrap of the mean of the right
    answers (checked here on one set against ``bootstrap_interval`` itself), so the
    simulation uses that faster form: 300 test sets of 200 rows, 1000 resamples each."""
    rng = np.random.default_rng(7)
    hits = []
    for rep in range(300):
        y_true = rng.integers(0, 2, 200)
        right = rng.random(200) < 0.8
        ci = stats.bootstrap((right.astype(float),), np.mean, n_resamples=1000,
                             method="BCa", rng=np.random.default_rng(rep)).confidence_interval
        if rep == 0:
            y_pred = np.where(right, y_true, 1 - y_true)
            ours = bootstrap_interval("accuracy", y_true, y_pred, n_resamples=1000, seed=rep)
            assert (ours.low, ours.high) == pytest.approx((ci.low, ci.high), abs=1e-12)
        hits.append(ci.low <= 0.8 <= ci.high)
    coverage = float(np.mean(hits))
    assert 0.92 <= coverage <= 0.98, coverage
