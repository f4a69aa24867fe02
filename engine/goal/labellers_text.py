"""Several labellers in words: the human-level error with its interval, each person's rate,
the vote's own error, and which classes people mix up (shared by the CLI, the GUI and the
report).

Example:
    >>> from engine.project.parts.labellers import Labellers
    >>> h = Labellers(("a", "b", "c"), "majority", 0.08, 0.07, 0.09, 900, (0.07, 0.08, 0.09),
    ...               0.018, ("cat", "dog"), ((800, 70), (75, 700)))
    >>> confused_pairs(h)
    [('dog', 'cat', 75), ('cat', 'dog', 70)]
"""

from __future__ import annotations

from engine.core.texts import text
from engine.project.parts.labellers import Labellers

MOST_PAIRS = 5


def _amount(h: Labellers, value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if h.vote == "majority" else f"{value:.4g}"


def labellers_line(h: Labellers) -> str:
    """One line: the human-level error and its interval."""
    if h.estimate is None:
        return text("labellers.no_estimate", columns=", ".join(h.columns))
    key = "labellers.line_classes" if h.vote == "majority" else "labellers.line_numbers"
    return text(key, n=len(h.columns), columns=", ".join(h.columns),
                error=_amount(h, h.estimate), low=_amount(h, h.low), high=_amount(h, h.high),
                rows=h.rows)


def labellers_lines(h: Labellers, target_error: float | None = None) -> list[str]:
    """The whole account: the line, each person, the vote, the proposed target, the pairs."""
    lines = [labellers_line(h)]
    people = ", ".join(f"{c} {_amount(h, p)}" for c, p in zip(h.columns, h.per_labeller))
    lines.append(text("labellers.each", people=people))
    if h.vote_error is not None:
        # text keys: labellers.vote_error_{majority,mean}
        lines.append(text("labellers.vote_error_" + h.vote, error=_amount(h, h.vote_error)))
    if target_error is not None and h.estimate is not None \
            and abs(target_error - h.estimate) < 1e-12:
        lines.append(text("labellers.proposed", error=_amount(h, target_error)))
    pairs = confused_pairs(h)
    if pairs:
        lines.append(text("labellers.confused", pairs="; ".join(
            text("labellers.pair", truth=t, answer=a, n=n) for t, a, n in pairs)))
    elif h.vote == "majority":
        lines.append(text("labellers.never_confused"))
    return lines


def confused_pairs(h: Labellers, most: int = MOST_PAIRS) -> list[tuple[str, str, int]]:
    """(others' vote, one person's answer, times) of the mix-ups, most frequent first."""
    pairs = [(h.classes[i], h.classes[j], n) for i, row in enumerate(h.confusion)
             for j, n in enumerate(row) if i != j and n > 0]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))[:most]


def confusion_table(h: Labellers) -> list[list[str]]:
    """The labeller confusion matrix as rows of text, with a header row: rows are the
    others' vote, columns one person's answer."""
    head = [text("labellers.matrix_corner")] + list(h.classes)
    return [head] + [[c] + [str(n) for n in row] for c, row in zip(h.classes, h.confusion)]
