"""Printing the final test's spread over seeds and its comparisons (sentence, test used and
why it fits) on the terminal, after what the checks before the vault let through on purpose
(an override, a new experiment) and the decision rule the model answered by."""

from __future__ import annotations

import sys

from engine.final.comparisons import describe_reason, describe_test
from engine.words.formatting import fmt_value, is_number
from engine.core.texts import text

# text keys: calibration.method_temperature, calibration.method_platt,
# calibration.method_isotonic
from engine.project.parts.final_test import FinalTestRecord


def print_final_stats(final: FinalTestRecord, stream=None, ensemble: bool = False) -> None:
    """The mean ± std of the optimizing metric over the seeds, then each comparison: its
    plain sentence and, below it, the test used and why it fits the pair; ``ensemble``: the
    tested model is an ensemble (tested once, its members not trained again)."""
    stream = stream or sys.stdout
    print_checks(final, stream)
    seeds = final.seeds
    metric = final.metric
    if seeds is not None and seeds.k >= 2:
        mean = seeds.mean.get(metric)
        std = seeds.std.get(metric)
        print(text("cli.final_stats.seeds", k=seeds.k,
                   seeds=", ".join(str(s) for s in seeds.seeds), metric=metric,
                   mean=fmt_value(mean), std=fmt_value(std) if is_number(std) else "?"),
              file=stream)
    elif seeds and not final.retrained:  # the retrained sentence says why one seed
        key = "ensemble_run.tested_once" if ensemble else "cli.final_stats.seeds_one"
        print(text(key, label=final.label), file=stream)
    for row in final.comparisons:
        print(f"  - {row.sentence}", file=stream)
        why = describe_reason(row.test, row.reason)
        if why:
            # text keys: final_stats.test_{mcnemar,permutation,seeds_ttest}
            used = text("cli.final_stats.test_why", test=describe_test(row.test), why=why)
            print(f"    {used}", file=stream)


def print_checks(final: FinalTestRecord, stream=None) -> None:
    """Which model was tested when it was trained again on train + dev rows, a line for an
    override of the checks before the vault and one for a new experiment (a second look at
    the test set), each with the user's reason; nothing otherwise."""
    stream = stream or sys.stdout
    if final.retrained:  # which model the vault scored, and why its dev score is gone
        print(final.retrained, file=stream)
    checks = final.checks
    if checks.overridden:
        print(text("cli.final_stats.overridden", reasons=" ".join(checks.overridden),
                   reason=checks.override_reason), file=stream)
    if checks.look > 1:
        print(text("cli.final_stats.new_experiment", look=checks.look,
                   earlier=len(final.earlier), reason=checks.look_reason), file=stream)
    rule = final.decision
    if rule is not None and rule.threshold is not None:
        print(text("cli.final_stats.threshold", value=f"{rule.threshold.value:.3g}",
                   rule=rule.threshold.rule), file=stream)
    if rule is not None and rule.calibration is not None:
        print(text("cli.final_stats.calibrated",
                   method=text(f"calibration.method_{rule.calibration.method}")), file=stream)
    if rule is not None and rule.after_test_seen:
        print(text("cli.final_stats.rule_late"), file=stream)
