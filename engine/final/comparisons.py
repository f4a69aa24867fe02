"""The chosen model compared with each other finalist, with corrected p-values and a sentence.

For every other finalist: on the test predictions, the exact McNemar test (classes) or a
paired permutation test on the per-row losses (numbers); over the seeds, the paired t-test
when both sides have one score per seed of the chosen model. Every p-value of the final
test then goes through one correction (Holm by default, Bonferroni on request) so that the
chance of at least one false "significant" stays at the level asked for, and each test gets
one plain sentence: better, worse, or no significant difference.

Use:
    rows = compare_finalists(goal, chosen, [baseline], correction="holm")
    rows[0].sentence
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engine.core.defaults import ALPHA as DEFAULT_ALPHA, CORRECTION
from engine.final.finalists import Finalist
from engine.goal.metrics import get_metric
from engine.project.parts.final_test import Comparison
from engine.final.stats.multiple_testing import adjust
from engine.final.stats.significance import (PairedTest, mcnemar_exact, paired_permutation,
                                 per_example_loss, seeds_ttest)
from engine.core.texts import text
from engine.project.parts.goal import Goal

ALPHA = DEFAULT_ALPHA


def paired_tests(goal: Goal, chosen: Finalist, other: Finalist,
                 n_permutations: int = 9999) -> list[PairedTest]:
    """The tests of ``chosen`` against ``other`` that their data allow."""
    a, b = chosen.preds, other.preds
    if goal.task == "regression":
        metric = goal.metric
        tests = [paired_permutation(per_example_loss(metric, a.y_true, a.y_pred),
                                    per_example_loss(metric, b.y_true, b.y_pred),
                                    n_resamples=n_permutations)]
    else:
        tests = [mcnemar_exact(a.y_pred == a.y_true, b.y_pred == b.y_true)]
    if (chosen.seed_scores is not None and other.seed_scores is not None
            and len(chosen.seed_scores) >= 2
            and len(chosen.seed_scores) == len(other.seed_scores)):
        tests.append(seeds_ttest(chosen.seed_scores, other.seed_scores,
                                 get_metric(goal.metric).higher_is_better))
    return tests


def compare_finalists(goal: Goal, chosen: Finalist, others: Sequence[Finalist],
                      correction: str = CORRECTION, alpha: float = ALPHA,
                      n_permutations: int = 9999) -> tuple[Comparison, ...]:
    """Every test of ``chosen`` against each of ``others``, corrected together.

    Returns:
        One ``Comparison`` per test: the finalist's role and label, the test, its p-value,
        the corrected p-value, the direction (+1 the chosen model did better), whether it
        is significant at ``alpha`` after correction, the sentence and the test's counts.
    """
    pairs = [(other, test) for other in others
             for test in paired_tests(goal, chosen, other, n_permutations)]
    corrected = adjust([t.p_value for _, t in pairs], correction)
    n_tests = sum(1 for _, t in pairs if not math.isnan(t.p_value))
    rows = []
    for (other, test), p_corr in zip(pairs, corrected):
        significant = bool(not math.isnan(p_corr) and p_corr < alpha)
        rows.append(Comparison(
            finalist=other.role, label=other.label, run=other.run,
            test=test.test, p_value=_json(test.p_value), p_corrected=_json(p_corr),
            direction=test.direction, significant=significant,
            statistic=_json(test.statistic), details=test.details,
            sentence=sentence(goal, chosen.label, other.label, test, p_corr, correction,
                              n_tests, alpha),
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


def _json(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)
