"""One valid test per comparison, counted once (issue 15, point 3).

* A finalist that does not depend on a seed (a simple baseline), or one trained once (the
  ensemble), is compared on the test rows: exact McNemar for classes (equal to
  ``scipy.stats.binomtest`` on the discordant rows), the paired permutation test for
  numbers. It never gets the t-test over seeds, whatever seed scores it carries.
* The t-test over seeds (``scipy.stats.ttest_rel``, paired by seed) only when both sides
  were trained with the same seeds.
* Each pair enters the Holm correction once: the corrected p-values equal Holm worked out
  by hand on one p-value per finalist.
"""

import math

import numpy as np
import pytest
from scipy import stats

from engine.final.comparisons import (SAME_SEEDS, SEED_FREE, SINGLE_MODEL, compare_finalists,
                                      describe_reason, describe_test, fmt_p, pair_test)
from engine.final.finalists import Finalist
from engine.final.stats.significance import per_example_loss
from engine.goal.evaluation import Predictions
from engine.project.parts.final_test import Comparison
from engine.project.parts.goal import Goal

BINARY = Goal(task="binary", metric="accuracy", labels=("no", "yes"))
REGRESSION = Goal(task="regression", metric="rmse")
SEEDS = (0, 1, 2, 3)


def _finalist(role, label, y_true, y_pred, scores=None, seeds=None, seed_free=False):
    preds = Predictions(np.asarray(y_true, object), np.asarray(y_pred, object), None, None)
    return Finalist(role, label, None, preds, {}, None if scores is None else tuple(scores),
                    None if seeds is None else tuple(seeds), seed_free)


def _with_mistakes(y, rows):
    """``y`` with the answers of ``rows`` turned to the other class."""
    out = y.copy()
    out[rows] = np.where(y[rows] == "yes", "no", "yes")
    return out


Y = np.array(["yes", "no"] * 50, object)
CHOSEN = _finalist("chosen", "Model A", Y, _with_mistakes(Y, np.arange(10)),
                   (0.90, 0.91, 0.89, 0.92), SEEDS)


def _holm_by_hand(p):
    """Holm from its definition: the i-th smallest times (m - i + 1), then the running
    maximum in sorted order, capped at 1."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, running = [0.0] * len(p), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[i]))
        out[i] = running
    return out


@pytest.mark.parametrize("only_a, only_b, both, neither", [
    (12, 3, 70, 15), (3, 12, 70, 15), (9, 0, 80, 11), (5, 5, 60, 30), (1, 0, 99, 0)])
def test_a_seed_free_baseline_gets_exact_mcnemar_equal_to_binomtest(only_a, only_b, both,
                                                                       neither):
    n = only_a + only_b + both + neither
    y = np.array(["yes"] * n, object)
    a_right = np.array([1] * only_a + [0] * only_b + [1] * both + [0] * neither, bool)
    b_right = np.array([0] * only_a + [1] * only_b + [1] * both + [0] * neither, bool)
    chosen = _finalist("chosen", "A", y, np.where(a_right, "yes", "no"), (0.8, 0.9), (0, 1))
    # Even handed scores for the chosen seeds, a seed-free model gets no t-test.
    base = _finalist("baseline", "B", y, np.where(b_right, "yes", "no"), (0.7, 0.7), (0, 1),
                     seed_free=True)
    test, reason = pair_test(BINARY, chosen, base)
    assert test.test == "mcnemar" and reason == SEED_FREE
    expected = stats.binomtest(only_a, only_a + only_b, 0.5).pvalue
    assert test.p_value == pytest.approx(expected, rel=1e-12)
    assert test.direction == int(np.sign(only_a - only_b))
    assert test.details["only_a_right"] == only_a and test.details["only_b_right"] == only_b


def test_a_seed_free_baseline_of_numbers_gets_the_paired_permutation_test():
    y = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5])
    good = y + np.array([0.1, -0.2, 0.05, 0.3, -0.1, 0.2, -0.3, 0.1, 0.0, -0.05])
    mean = np.full_like(y, y.mean())
    chosen = _finalist("chosen", "Net", y, good, (1.0, 1.1), (0, 1))
    base = _finalist("baseline", "Mean", y, mean, seed_free=True)
    test, reason = pair_test(REGRESSION, chosen, base)
    assert test.test == "permutation" and reason == SEED_FREE
    loss_a, loss_b = per_example_loss("rmse", y, good), per_example_loss("rmse", y, mean)

    def mean_difference(x, z, axis=-1):
        return np.mean(x - z, axis=axis)

    scipy = stats.permutation_test((loss_a, loss_b), mean_difference, vectorized=True,
                                   permutation_type="samples", n_resamples=np.inf)
    assert test.details["method"] == "exact"
    assert test.p_value == pytest.approx(scipy.pvalue, abs=1e-12)
    assert test.direction == 1  # the network's errors are smaller


def test_the_t_test_over_seeds_only_when_both_sides_share_the_seeds():
    other_scores = (0.86, 0.88, 0.88, 0.87)
    same = _finalist("ensemble", "Deep B", Y, Y, other_scores, SEEDS)
    test, reason = pair_test(BINARY, CHOSEN, same)
    assert test.test == "seeds_ttest" and reason == SAME_SEEDS
    assert test.p_value == pytest.approx(stats.ttest_rel(CHOSEN.seed_scores,
                                                         other_scores).pvalue)
    assert test.statistic == pytest.approx(stats.ttest_rel(CHOSEN.seed_scores,
                                                           other_scores).statistic)
    assert test.direction == 1

    # Paired by seed, not by position: the same scores listed in another order.
    shuffled = _finalist("ensemble", "Deep B", Y, Y, other_scores[::-1], SEEDS[::-1])
    assert pair_test(BINARY, CHOSEN, shuffled)[0].p_value == pytest.approx(test.p_value)

    # Other seeds, a single seed, no seeds, or a seed-free side: the test rows decide.
    for other in (_finalist("ensemble", "B", Y, Y, other_scores, (4, 5, 6, 7)),
                  _finalist("ensemble", "B", Y, Y, other_scores[:3], SEEDS[:3]),
                  _finalist("ensemble", "B", Y, Y),
                  _finalist("baseline", "B", Y, Y, other_scores, SEEDS, seed_free=True)):
        test, reason = pair_test(BINARY, CHOSEN, other)
        assert test.test == "mcnemar", other
        assert reason == (SEED_FREE if other.seed_free else SINGLE_MODEL)
    one_seed = _finalist("chosen", "A", Y, Y, (0.9,), (0,))
    assert pair_test(BINARY, one_seed, _finalist("ensemble", "B", Y, Y, (0.8,), (0,))
                     )[0].test == "mcnemar"


def test_a_seed_free_chosen_model_never_gets_the_t_test():
    chosen = _finalist("chosen", "Linear", Y, Y, (0.9, 0.9), (0, 1), seed_free=True)
    other = _finalist("ensemble", "B", Y, Y, (0.8, 0.85), (0, 1))
    assert pair_test(BINARY, chosen, other)[0].test == "mcnemar"


def test_each_pair_enters_the_correction_once():
    weak = _finalist("baseline", "Always no", Y, np.array(["no"] * 100, object),
                     (0.5,) * 4, SEEDS, seed_free=True)
    close = _finalist("ensemble", "Average", Y, _with_mistakes(Y, np.arange(12)))
    deep = _finalist("ensemble", "Deep B", Y, _with_mistakes(Y, np.arange(20)),
                     (0.86, 0.88, 0.88, 0.87), SEEDS)
    rows = compare_finalists(BINARY, CHOSEN, [weak, close, deep], correction="holm")
    assert [(r.label, r.test, r.reason) for r in rows] == [
        ("Always no", "mcnemar", SEED_FREE), ("Average", "mcnemar", SINGLE_MODEL),
        ("Deep B", "seeds_ttest", SAME_SEEDS)]
    raw = [r.p_value for r in rows]
    # Rows only Model A gets right: the 45 "yes" rows past the first 10; only the baseline:
    # the 5 "no" rows among the first 10.
    assert raw[0] == pytest.approx(stats.binomtest(45, 50).pvalue)
    assert [r.p_corrected for r in rows] == pytest.approx(_holm_by_hand(raw))
    assert rows[0].significant and rows[0].direction == 1
    assert rows[0].sentence.startswith("Model A is better than Always no at the 5% level")
    assert "after Holm correction for 3 comparisons" in rows[0].sentence
    assert fmt_p(rows[0].p_corrected) in rows[0].sentence
    assert not rows[1].significant
    assert rows[1].sentence.startswith("No significant difference between Model A and "
                                       "Average in right answers on the test rows")
    bonf = compare_finalists(BINARY, CHOSEN, [weak, close, deep], correction="bonferroni")
    assert [r.p_corrected for r in bonf] == pytest.approx([min(1, 3 * p) for p in raw])
    assert "Bonferroni" in bonf[0].sentence

    # A seed-free baseline alone: one test, nothing to correct for.
    alone = compare_finalists(BINARY, CHOSEN, [weak])
    assert len(alone) == 1 and alone[0].p_corrected == pytest.approx(alone[0].p_value)
    assert "correction" not in alone[0].sentence
    worse = compare_finalists(BINARY, weak, [CHOSEN])[0]
    assert worse.direction == -1 and worse.sentence.startswith("Always no is worse")


def test_an_undefined_t_test_stays_out_of_the_correction():
    flat = _finalist("ensemble", "Flat", Y, Y, (0.80, 0.81, 0.79, 0.82), SEEDS)  # diff 0.1
    weak = _finalist("baseline", "Always no", Y, np.array(["no"] * 100, object),
                     seed_free=True)
    rows = compare_finalists(BINARY, CHOSEN, [weak, flat])
    assert rows[1].test == "seeds_ttest" and rows[1].p_value is None
    assert rows[0].p_corrected == pytest.approx(rows[0].p_value)  # one test counted
    assert "could not" in rows[1].sentence or "not defined" in rows[1].sentence


def test_the_reason_is_kept_and_said_in_one_plain_sentence():
    rows = compare_finalists(BINARY, CHOSEN, [
        _finalist("baseline", "B", Y, Y, seed_free=True), _finalist("ensemble", "E", Y, Y),
        _finalist("ensemble", "D", Y, Y, (0.8, 0.7, 0.85, 0.75), SEEDS)])
    seen = set()
    for row in rows:
        again = Comparison.from_dict(row.to_dict())
        assert again.reason == row.reason
        why = describe_reason(again.test, again.reason)
        assert why.endswith(".") and why.count(". ") == 0 and why not in seen
        seen.add(why)
    assert "same answers whatever the seed" in describe_reason("mcnemar", SEED_FREE)
    assert "same seeds" in describe_reason("seeds_ttest", SAME_SEEDS)
    # A comparison stored before the reason was kept, or a mismatch, says nothing.
    assert describe_reason("mcnemar", "") == ""
    assert describe_reason("seeds_ttest", SEED_FREE) == ""
    assert describe_test("permutation") == "paired permutation, test rows"


def test_regression_finalists_each_get_one_permutation_test():
    rng = np.random.default_rng(3)
    y = rng.normal(size=60)
    good = _finalist("chosen", "Net", y, y + rng.normal(0, 0.1, 60), (0.1, 0.2), (0, 1))
    bad = _finalist("baseline", "Mean", y, np.zeros(60), seed_free=True)
    also = _finalist("ensemble", "Average", y, y + rng.normal(0, 0.12, 60))
    rows = compare_finalists(REGRESSION, good, [bad, also])
    assert [r.test for r in rows] == ["permutation", "permutation"]
    assert rows[0].significant and rows[0].direction == 1
    assert rows[0].details["method"] == "random"
    m = rows[0].details["patterns"]
    assert rows[0].p_value * (m + 1) == pytest.approx(round(rows[0].p_value * (m + 1)))
    assert "errors on the test rows are smaller" in rows[0].sentence
    assert not math.isnan(rows[1].p_value)
