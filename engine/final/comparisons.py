"""The chosen model compared with each other finalist: one test per pair, corrected once.

For every other finalist exactly one test is made, chosen by what the two sides are:

* both were trained again with the same seeds (two or more): the paired t-test over those
  seeds, each seed's score of one side against the same seed's score of the other
  (``seeds_ttest``), since the spread over seeds is then known for both;
* otherwise (the other side does not depend on a seed, as the simple baselines, or is one
  trained model, as the ensemble): the paired test on the test rows, the exact McNemar
  test for classes, the paired permutation test on the per-row losses for numbers (and on
  the per-row costs for classes judged by their expected cost). Their
  noise is the test rows' own; a t-test against a single score repeated for every seed
  would ignore it.

The p-values (one per pair) then go through one correction (Holm by default, Bonferroni
on request), so the chance of at least one false "significant" stays at the level asked
for and no pair counts twice. Each comparison keeps why its test fits (``reason``) and
gets one plain sentence: better, worse, or no significant difference.

Use:
    rows = compare_finalists(goal, chosen, [baseline], correction="holm")
    rows[0].sentence, describe_reason(rows[0].test, rows[0].reason)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engine.core.defaults import ALPHA as DEFAULT_ALPHA, CORRECTION
from engine.final.finalists import Finalist
from engine.goal.costs import row_costs
from engine.goal.metrics import COST, get_metric
from engine.project.parts.final_test import Comparison
from engine.final.stats.multiple_testing import adjust
from engine.final.stats.significance import (MCNEMAR, PERMUTATION, SEEDS_TTEST, PairedTest,
                                             mcnemar_exact, paired_permutation,
                                             per_example_loss, seeds_ttest)
from engine.final.stats.sign_flip import DEFAULT_RESAMPLES
from engine.core.texts import text
from engine.project.parts.goal import Goal

ALPHA = DEFAULT_ALPHA
SAME_SEEDS, SEED_FREE, SINGLE_MODEL = "same_seeds", "seed_free", "single_model"
"""Why a pair gets its test: both sides trained with the same seeds; the other side does
not depend on a seed; the other side is one trained model (not trained with the seeds)."""
REASONS = {MCNEMAR: (SEED_FREE, SINGLE_MODEL), PERMUTATION: (SEED_FREE, SINGLE_MODEL),
           SEEDS_TTEST: (SAME_SEEDS,)}


def shared_seeds(chosen: Finalist, other: Finalist) -> tuple[int, ...]:
    """The seeds both sides were trained with, in the chosen model's order, when they were
    trained with the same two or more seeds; otherwise nothing."""
    if chosen.seed_free or other.seed_free:
        return ()
    mine, theirs = chosen.per_seed, other.per_seed
    if len(mine) < 2 or set(mine) != set(theirs):
        return ()
    return tuple(mine)


def pair_test(goal: Goal, chosen: Finalist, other: Finalist,
              n_permutations: int = DEFAULT_RESAMPLES) -> tuple[PairedTest, str]:
    """The one test of ``chosen`` against ``other`` and the reason it fits (see the module
    note): the t-test over seeds when both were trained with the same seeds, else the
    paired test on the test rows."""
    seeds = shared_seeds(chosen, other)
    if seeds:
        mine, theirs = chosen.per_seed, other.per_seed
        test = seeds_ttest([mine[s] for s in seeds], [theirs[s] for s in seeds],
                           get_metric(goal.metric).higher_is_better)
        return test, SAME_SEEDS
    reason = SEED_FREE if other.seed_free else SINGLE_MODEL
    a, b = chosen.preds, other.preds
    if goal.task == "regression":
        metric = goal.metric
        test = paired_permutation(per_example_loss(metric, a.y_true, a.y_pred),
                                  per_example_loss(metric, b.y_true, b.y_pred),
                                  n_resamples=n_permutations)
    elif goal.metric == COST and goal.costs is not None:
        test = paired_permutation(row_costs(a.y_true, a.y_pred, goal.costs),
                                  row_costs(b.y_true, b.y_pred, goal.costs),
                                  n_resamples=n_permutations)
    else:
        test = mcnemar_exact(a.y_pred == a.y_true, b.y_pred == b.y_true)
    return test, reason


def compare_finalists(goal: Goal, chosen: Finalist, others: Sequence[Finalist],
                      correction: str = CORRECTION, alpha: float = ALPHA,
                      n_permutations: int = DEFAULT_RESAMPLES) -> tuple[Comparison, ...]:
    """The one test of ``chosen`` against each of ``others``, corrected together.

    Returns:
        One ``Comparison`` per other finalist, in their order: its role and label, the
        test and why it fits, its p-value, the corrected p-value, the direction (+1 the
        chosen model did better), whether it is significant at ``alpha`` after
        correction, the sentence and the test's counts. A test that is not defined on
        its data (p-value NaN) stays out of the correction.
    """
    pairs = [(other, *pair_test(goal, chosen, other, n_permutations)) for other in others]
    corrected = adjust([t.p_value for _, t, _ in pairs], correction)
    n_tests = sum(1 for _, t, _ in pairs if not math.isnan(t.p_value))
    rows = []
    for (other, test, reason), p_corr in zip(pairs, corrected):
        significant = bool(not math.isnan(p_corr) and p_corr < alpha)
        rows.append(Comparison(
            finalist=other.role, label=other.label, run=other.run,
            test=test.test, p_value=_json(test.p_value), p_corrected=_json(p_corr),
            direction=test.direction, significant=significant,
            statistic=_json(test.statistic), details=test.details,
            sentence=sentence(goal, chosen.label, other.label, test, p_corr, correction,
                              n_tests, alpha),
            reason=reason,
        ))
    return tuple(rows)


def _corrected_words(correction: str, n_tests: int) -> str:
    """" after Holm correction for 3 comparisons"; nothing for a single comparison."""
    if n_tests <= 1:
        return text("final_stats.corrected_one")
    # text keys: final_stats.correction_{holm,bonferroni}
    return " " + text("final_stats.corrected_many", n=n_tests,
                      correction=text(f"final_stats.correction_{correction}"))


def sentence(goal: Goal, chosen: str, other: str, test: PairedTest, p_corrected: float,
             correction: str, n_tests: int, alpha: float = ALPHA) -> str:
    """The plain sentence for one test's outcome."""
    # text keys: final_stats.sentence_{undefined,same}_{mcnemar,permutation,seeds_ttest}
    if math.isnan(p_corrected):
        return text(f"final_stats.sentence_undefined_{test.test}", chosen=chosen, other=other)
    values = dict(chosen=chosen, other=other, level=f"{alpha:.0%}", p=fmt_p(p_corrected),
                  corrected=_corrected_words(correction, n_tests),
                  metric=get_metric(goal.metric).label,
                  seeds=test.details.get("seeds", ""))
    if p_corrected >= alpha or test.direction == 0:
        return text(f"final_stats.sentence_same_{test.test}", **values)
    word = "better" if test.direction > 0 else "worse"
    # text keys: final_stats.sentence_{better,worse}_{mcnemar,permutation,seeds_ttest}
    return text(f"final_stats.sentence_{word}_{test.test}", **values)


def fmt_p(p: float) -> str:
    """A p-value for people: 'p < 0.001', 'p = 0.003', 'p = 0.41', 'p = 1'."""
    if p < 0.001:
        return "p < 0.001"
    if p >= 0.995:
        return "p = 1"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def describe_test(test: str) -> str:
    """The plain name of a test (``mcnemar``, ``permutation``, ``seeds_ttest``)."""
    return text(f"final_stats.test_{test}")


def describe_reason(test: str, reason: str) -> str:
    """One plain sentence on why ``test`` fits a pair (``reason`` as in ``pair_test``);
    empty for a comparison stored before the reason was kept."""
    if reason not in REASONS.get(test, ()):
        return ""
    # text keys: final_stats.why_{mcnemar,permutation}_{seed_free,single_model}
    # text keys: final_stats.why_seeds_ttest_same_seeds
    return text(f"final_stats.why_{test}_{reason}")


def _json(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
