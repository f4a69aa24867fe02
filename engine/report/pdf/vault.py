"""The vault record in the PDF report (inside the splits section): whether the test set is
still locked, or when it was opened and why, how many evaluations it has seen since (a
final test scores the chosen model, its seed copies and the models compared with it at
once: that counts as one use), and how many runs were made after it was opened.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.words.formatting import dash, fmt_time, fmt_value, metric_label, t, t_or
from engine.report.pdf.style import heading, plain, table


def vault_part(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("splits.vault_heading"), 2)]
    vault = project.vault
    if not vault.is_open:
        return out + [plain(t("splits.vault_locked"))]
    out.append(plain(t("splits.vault_opened", time=fmt_time(vault.opened_at))))
    if vault.reason:
        out.append(plain(t("splits.vault_reason", reason=vault.reason)))
    evaluations = vault.evaluations
    uses = vault.uses
    words = t("vault.evaluations", n=len(evaluations))
    if len(evaluations) > uses:
        words += " " + t("vault.kinds", tests=uses, others=len(evaluations) - uses)
    out.append(plain(words))
    late = sum(1 for r in project.runs if r.after_vault)
    out.append(plain(t("vault.late_runs", n=late) if late else t("vault.no_late_runs")))
    if uses > 1:
        out.append(plain(t("vault.many", n=uses), "note"))
    if evaluations:
        rows = [[fmt_time(e.time), e.run or dash(), _role(e.role),
                 metric_label(e.facts.get("metric")), fmt_value(e.facts.get("value"))]
                for e in evaluations]
        out.append(table([t("splits.col_time"), t("splits.col_run"), t("vault.col_role"),
                          t("splits.col_metric"), t("splits.col_value")], rows,
                         widths=[1.6, 3, 1.3, 1.6, 1.0], width_share=0.95, right=(4,)))
    return out


def _role(role: str | None) -> str:
    key = role or "chosen"
    # text keys: report.vault.role_{chosen,baseline,ensemble,seed_copy}
    return t_or(f"report.vault.role_{key}", key.replace("_", " "))
