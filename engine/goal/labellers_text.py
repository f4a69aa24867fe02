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
    elif target_error is None and h.estimate is not None:
        lines.append(text("labellers.not_proposed"))
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


def people_and_model(h: Labellers, labels, matrix, most: int = MOST_PAIRS
                     ) -> list[tuple[str, str, float, float]]:
    """The mix-ups of people and of the model side by side: (class, answer given instead,
    share of that class people mixed up so, share the model did), the pairs that are
    largest for either first. ``labels``/``matrix`` are the model's dev confusion matrix
    (rows: true class); a class missing on either side is left out."""
    def shares(classes, counts):
        out = {}
        for i, row in enumerate(counts):
            total = sum(row)
            for j, n in enumerate(row):
                if i != j and total:
                    out[(str(classes[i]), str(classes[j]))] = n / total
        return out
    people, model = shares(h.classes, h.confusion), shares(labels, matrix)
    both = [(a, b, people[(a, b)], model[(a, b)]) for (a, b) in people if (a, b) in model]
    return sorted(both, key=lambda r: (-max(r[2], r[3]), r[0], r[1]))[:most]


def comparison_sentence(rows: list[tuple[str, str, float, float]]) -> str | None:
    """One sentence: the mix-up where the model is furthest beyond people, or that it
    is nowhere much worse than people."""
    if not rows:
        return None
    truth, answer, people, model = max(rows, key=lambda r: (r[3] - r[2], r[0], r[1]))
    if model - people < 0.01:
        return text("labellers.model_like_people")
    return text("labellers.model_worse", truth=truth, answer=answer, model=f"{model:.1%}",
                people=f"{people:.1%}")


def confusion_table(h: Labellers) -> list[list[str]]:
    """The labeller confusion matrix as rows of text, with a header row: rows are the
    others' vote, columns one person's answer."""
    head = [text("labellers.matrix_corner")] + list(h.classes)
    return [head] + [[c] + [str(n) for n in row] for c, row in zip(h.classes, h.confusion)]
