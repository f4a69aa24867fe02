"""What a mistake costs, in the PDF: the goal's cost table (under the goal) and the
expected cost on the test rows with its interval (in the final test).

Both say nothing when the goal has no cost table.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from engine.core.texts import text
from engine.goal.cost_table import describe_costs
from engine.project.project import Project
from engine.report.pdf.style import heading, lead, plain, table
from engine.words.cost_words import cost_grid, final_cost_sentence
from engine.words.formatting import t


def goal_costs(project: Project) -> list[Flowable]:
    """The cost table: for yes/no the false alarm and the miss in words, for several
    classes a grid (truth in rows, answer in columns) too."""
    goal = project.goal
    if goal is None or goal.costs is None:
        return []
    costs = goal.costs
    out: list[Flowable] = [heading(t("costs.heading"), 2)]
    unit = costs.unit or text("costs.no_unit")
    if len(costs.labels) == 2 and goal.positive_label in costs.labels:
        out.append(lead(t("costs.intro_yes_no", unit=unit)))
        out.extend(plain(line) for line in describe_costs(costs, goal.positive_label))
        return out
    header, rows = cost_grid(costs)
    out.append(lead(t("costs.intro_grid", unit=unit)))
    first = 2.4
    rest = [max(0.8, min(1.6, 7.0 / max(1, len(costs.labels))))] * len(costs.labels)
    out.append(table(header, rows, widths=[first, *rest], right=tuple(range(1, len(header))),
                     width_share=min(0.95, 0.3 + 0.12 * len(costs.labels))))
    return out


def final_costs(project: Project) -> list[Flowable]:
    """The expected cost on the test rows in one sentence, with its interval."""
    sentence = final_cost_sentence(project.final_test, project.goal)
    return [] if sentence is None else [plain(sentence)]
