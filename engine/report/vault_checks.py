"""What the checks before the vault let through on purpose, in plain sentences for the PDF
(the final test section) and the CSV export's README: that the model tested was trained
again on the training and dev rows (so its dev score no longer applies), an override of the
checks with the user's reason, a new experiment (a second look at the test set, so an
optimistic result) with its reason, and each earlier final test, which a new experiment
keeps.

Use:
    check_notes(project)
"""

from __future__ import annotations

from engine.project.project import Project
from engine.words.formatting import fmt_time, fmt_value, metric_label, t


def check_notes(project: Project) -> tuple[str, ...]:
    """One sentence per thing the reader must know about how the final test came to be;
    empty for a plain first final test (or none)."""
    final = project.final_test
    if final is None:
        return ()
    checks = final.checks
    out = [final.retrained] if final.retrained else []  # which model the vault scored
    if checks.overridden:
        out.append(t("vault_checks.overridden", reasons=" ".join(checks.overridden),
                     reason=checks.override_reason))
    if checks.look > 1:
        out.append(t("vault_checks.new_experiment", look=checks.look,
                     reason=checks.look_reason))
    for earlier in final.earlier:
        head = earlier.headline
        out.append(t("vault_checks.earlier", label=earlier.label or earlier.run,
                     time=fmt_time(earlier.evaluated_at),
                     metric=metric_label(earlier.metric),
                     value=fmt_value(head.value if head is not None else None)))
    return tuple(out)
