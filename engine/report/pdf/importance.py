"""The "Which inputs matter" section: the saved permutation importance of the chosen run
(``engine.diagnosis.importance``). Nothing at all when it was never measured."""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.diagnosis.importance import importance_lines, load_importance, shares
from engine.project.project import Project
from engine.report.pdf.style import heading, lead, plain, table
from engine.words.formatting import t

MAX_SHOWN = 30


def importance_section(project: Project) -> list[Flowable]:
    """The ranked inputs with their intervals and the plain sentences, or ``[]``."""
    result = load_importance(project)
    if result is None:
        return []
    rows = [[str(n), i.name, f"{i.mean:+.4f}", f"{i.low:+.4f} to {i.high:+.4f}", f"{s:.0%}"]
            for n, (i, s) in enumerate(zip(result.inputs, shares(result.inputs)), 1)]
    out: list[Flowable] = [heading(t("importance.title"))]
    lines = importance_lines(result)
    out.append(lead(lines[0]))
    out.append(table([t("importance.col_rank"), t("importance.col_input"),
                      t("importance.col_drop"), t("importance.col_interval"),
                      t("importance.col_share")], rows[:MAX_SHOWN],
                     widths=[0.6, 4, 1.6, 2.6, 1], right=(0, 2, 3, 4)))
    if len(rows) > MAX_SHOWN:
        out.append(plain(t("importance.more", shown=MAX_SHOWN, total=len(rows))))
    out += [plain(line) for line in lines[1:]]
    return out
