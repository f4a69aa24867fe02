"""The checks of the split in the PDF report (inside the splits section): what
``engine.split.checks`` found right after the split, and the copies left out."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.words.formatting import fmt_count, t
from engine.report.pdf.style import heading, lead, plain, table
from engine.core.texts import text


def split_checks_part(project: Project) -> list[Flowable]:
    """A sub-heading, a sentence on what was checked, the copies left out and a table of the
    findings (severity, what was found, what to do); nothing for a split made before the
    checks existed."""
    split = project.split
    if split is None or split.checks is None:
        return []
    out: list[Flowable] = [heading(t("checks.heading"), 2), lead(t("checks.intro"))]
    dropped = split.copies_dropped
    if dropped:
        # text keys: checks.from_{dev,test}, checks.from_train_dev
        where = ", ".join(f"{fmt_count(n)} {text(f'checks.from_{k}')}"
                          for k, n in dropped.items())
        out.append(plain(t("checks.dropped", n=fmt_count(sum(dropped.values())), where=where)))
    findings = split.checks
    if not findings:
        return out + [plain(t("checks.none"))]
    # text keys: report.checks.severity_{blocker,warning,info}
    rows = [[t(f"checks.severity_{f.severity or 'info'}"), f.message, f.fix]
            for f in findings]
    return out + [table([t("checks.col_severity"), t("checks.col_message"),
                         t("checks.col_fix")], rows, widths=[1.6, 4.6, 4.6])]
