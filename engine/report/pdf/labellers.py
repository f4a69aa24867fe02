"""Several labellers, in the PDF under the goal: how often one person disagrees with the
others (the human-level error, with its interval), each person, the vote's own error, and
the labeller confusion matrix (others' vote in rows, one person's answer in columns), with
the model's own mix-ups beside the people's when the dev rows have been scored.

Says nothing when the goal has one label column.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.goal.labellers_text import (comparison_sentence, confusion_table, labellers_lines,
                                        people_and_model)
from engine.project.project import Project
from engine.report.pdf.style import heading, lead, plain, table
from engine.words.formatting import t


def people_part(goal, confusion) -> list[Flowable]:
    """The model's mix-ups on the dev rows beside the people's (error analysis)."""
    if goal is None or goal.labellers is None or confusion is None or not confusion.labels:
        return []
    rows = people_and_model(goal.labellers, confusion.labels, confusion.matrix)
    sentence = comparison_sentence(rows)
    if sentence is None:
        return []
    cells = [[f"{a} → {b}", f"{p:.1%}", f"{m:.1%}"] for a, b, p, m in rows]
    return [heading(t("labellers.compare_heading"), 2), lead(t("labellers.compare_intro")),
            table([t("labellers.col_mixup"), t("labellers.col_people"), t("labellers.col_model")],
                  cells, widths=[2.6, 1.4, 1.4], right=(1, 2), width_share=0.6),
            plain(sentence)]


def goal_labellers(project: Project) -> list[Flowable]:
    goal = project.goal
    if goal is None or goal.labellers is None:
        return []
    h = goal.labellers
    out: list[Flowable] = [heading(t("labellers.heading"), 2), lead(t("labellers.intro"))]
    out.extend(plain(line) for line in labellers_lines(h, goal.target_error))
    rows = confusion_table(h)
    if len(rows) > 1:
        n = len(rows) - 1
        rest = [max(0.8, min(1.6, 7.0 / n))] * n
        out.append(table(rows[0], rows[1:], widths=[2.8, *rest], right=tuple(range(1, n + 1)),
                         width_share=min(0.95, 0.35 + 0.12 * n)))
    return out
