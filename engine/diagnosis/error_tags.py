"""Tags a person gives the dev mistakes, and what they add up to.

Tags live in ``project.error_tags``: the row number (as text) of a dev example, in the file
the dev rows come from, mapped to its tags. Being keyed by row, they outlive any one error
analysis: a new analysis of the same data finds them again.

The tag table counts, for each tag, the reviewed mistakes (those of the current analysis
that have at least one tag) that carry it, its share of them, and its *ceiling*: how far
the dev error would fall at most if every mistake of that kind were fixed. The ceiling is
the share times the error the mistakes make up (the dev error rate for classification; for
regression the part of the mean absolute error that the collected large errors carry), so
it extrapolates from the reviewed mistakes to all of them. A mistake may carry several
tags, so the shares can add up to more than 100%.

Use:
    set_tags(project, 17, "Blurry, mislabeled, blurry")
    project.error_tags["17"]
    tag_table(project).rows[0].tag
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from engine.diagnosis.error_analysis import analysis_state, case_lookup
from engine.core.errors import ProjectError
from engine.kinds.input_coding import data_kind
from engine.kinds.registry import UnknownDataKind, data_kind as kind_named
from engine.project.project import Project
from engine.words.formatting import fmt_error, fmt_points, is_number
from engine.core.texts import text

MAX_TAG_CHARS = 60
MAX_TAGS = 20  # per example
CSV_COLUMNS = ("row", "split", "true", "predicted", "confidence", "tags")


@dataclass(frozen=True)
class TagRow:
    """One line of the tag table."""

    tag: str
    count: int
    share: float
    ceiling: float

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "count": self.count, "share": self.share,
                "ceiling": self.ceiling}


@dataclass(frozen=True)
class TagTable:
    """The tag table, most frequent tag first, with what it is based on.

    ``reviewed`` mistakes carry a tag, of ``mistakes`` in the analysis; ``base`` is the error
    the mistakes make up (``ceiling = share x base``); ``task`` tells how to read it.
    """

    rows: tuple[TagRow, ...]
    reviewed: int
    mistakes: int
    base: float
    task: str

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [r.to_dict() for r in self.rows], "reviewed": self.reviewed,
                "mistakes": self.mistakes, "base": self.base, "task": self.task}


def suggested_tags(kind: str | None) -> list[str]:
    """The suggested tags for a data kind (``table``, ``images``, ``text``, ``sequence``;
    a table's for an unknown one): the kind's ``error_tags``."""
    try:
        keys = kind_named(kind or "table").error_tags
    except UnknownDataKind:
        keys = kind_named("table").error_tags
    # text keys: error_analysis.tag.{mislabeled,ambiguous,rare_case,missing_value,outlier}
    # text keys: error_analysis.tag.{blurry,cropped,dark,typo,sarcasm,too_short}
    # text keys: error_analysis.tag.{other_language,noisy}
    return [text(f"error_analysis.tag.{key}") for key in keys]


def project_suggestions(project: Project) -> list[str]:
    """The suggested tags of the project's data kind, then every tag already in use."""
    out = suggested_tags(data_kind(project))
    known = {t.casefold() for t in out}
    for tags in project.error_tags.values():
        for tag in tags:
            if tag.casefold() not in known:
                known.add(tag.casefold())
                out.append(tag)
    return out


def parse_tags(value: str | Iterable[str]) -> list[str]:
    """Tags from a comma-separated text (or a list): trimmed, inner spaces collapsed, empty
    ones dropped, and duplicates that differ only in case merged (the first spelling wins).

    Example:
        >>> parse_tags(" rare  case, Rare Case,,blurry ")
        ['rare case', 'blurry']
    """
    parts = re.split(r"[,;\n]", value) if isinstance(value, str) else list(value)
    out: list[str] = []
    seen: set[str] = set()
    for part in parts:
        tag = " ".join(str(part).split())[:MAX_TAG_CHARS].strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out[:MAX_TAGS]


def set_tags(project: Project, row: int, tags: str | Iterable[str]) -> list[str]:
    """Give the example at ``row`` these tags (replacing its old ones); none clears it.

    A tag that matches a suggestion or a tag in use, apart from case, takes that spelling,
    so "Blurry" and "blurry" count as one tag. The project is changed, not saved.

    Returns:
        The tags now stored for the row.

    Raises:
        ProjectError: ``row`` is not a row number.
    """
    key = _row_key(row)
    spelling: dict[str, str] = {}
    for tag in suggested_tags(data_kind(project)):
        spelling.setdefault(tag.casefold(), tag)
    for other, tags_in_use in project.error_tags.items():
        if other != key:
            for tag in tags_in_use:
                spelling.setdefault(tag.casefold(), tag)
    cleaned = [spelling.get(t.casefold(), t) for t in parse_tags(tags)]
    if cleaned:
        project.error_tags[key] = cleaned
    else:
        project.error_tags.pop(key, None)
    return cleaned


def toggle_tag(project: Project, row: int, tag: str) -> list[str]:
    """Add ``tag`` to the row's tags, or take it away when the row has it already."""
    current = project.error_tags.get(_row_key(row), [])
    wanted = parse_tags([tag])
    if not wanted:
        return list(current)
    if wanted[0].casefold() in {t.casefold() for t in current}:
        return set_tags(project, row, [t for t in current
                                       if t.casefold() != wanted[0].casefold()])
    return set_tags(project, row, [*current, wanted[0]])


def clear_tags(project: Project, row: int | None = None) -> None:
    """Take the tags off one row, or off every row when ``row`` is None."""
    if row is None:
        project.error_tags.clear()
    else:
        project.error_tags.pop(_row_key(row), None)


def tags_of(project: Project, row: int) -> list[str]:
    return list(project.error_tags.get(_row_key(row), []))


def tags_text(tags: Iterable[str]) -> str:
    """Tags as the text a person edits: ``"blurry, rare case"``."""
    return ", ".join(tags)


def tag_table(project: Project) -> TagTable:
    """The tag table of the current analysis (empty when there is none or it is stale)."""
    analysis = project.error_analysis
    if analysis is None or analysis_state(project) != "current":
        return TagTable((), 0, 0, float("nan"), analysis.task if analysis else "")
    mistakes = set(analysis.mistake_rows)
    tagged = [tags for key, tags in project.error_tags.items()
              if tags and key.isdigit() and int(key) in mistakes]
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for tags in tagged:
        for tag in {t.casefold(): t for t in tags}.values():
            folded = tag.casefold()
            spelling.setdefault(folded, tag)
            counts[folded] = counts.get(folded, 0) + 1
    base = float(analysis.mistakes_error if analysis.mistakes_error is not None
                 else float("nan"))
    reviewed = len(tagged)
    rows = [TagRow(spelling[k], n, n / reviewed, n / reviewed * base)
            for k, n in counts.items()]
    rows.sort(key=lambda r: (-r.count, r.tag.casefold()))
    return TagTable(tuple(rows), reviewed, analysis.mistakes, base, analysis.task)


def tags_frame(project: Project) -> pd.DataFrame:
    """Every tagged example: row, split, true and predicted value, confidence and tags
    (joined with ``"; "``). Rows the current analysis does not show keep blank values."""
    lookup = case_lookup(project.error_analysis)
    rows = []
    for key in sorted(project.error_tags, key=lambda k: (not k.isdigit(), int(k) if
                                                         k.isdigit() else 0, k)):
        tags = project.error_tags[key]
        if not tags:
            continue
        case = lookup.get(int(key)) if key.isdigit() else None
        rows.append({"row": int(key) if key.isdigit() else key, "split": "dev",
                     "true": case.true if case else None,
                     "predicted": case.predicted if case else None,
                     "confidence": case.confidence if case else None,
                     "tags": "; ".join(tags)})
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))


def error_words(value: Any, task: str) -> str:
    """An error of the analysis as text: a percent for classification (an error rate), a
    plain number for regression (a mean absolute error)."""
    return fmt_error(value, "mae" if task == "regression" else "accuracy")


def ceiling_words(value: Any, task: str) -> str:
    """A ceiling as the fall of the error it allows: ``-4.50 pt`` or ``-0.1234``."""
    if not is_number(value):
        return fmt_points(value, "accuracy")
    return fmt_points(-float(value), "mae" if task == "regression" else "accuracy")


def _row_key(row: Any) -> str:
    try:
        number = int(row)
    except (TypeError, ValueError):
        raise ProjectError(text("error_analysis.bad_row", row=row)) from None
    if number < 0 or isinstance(row, bool):
        raise ProjectError(text("error_analysis.bad_row", row=row))
    return str(number)
