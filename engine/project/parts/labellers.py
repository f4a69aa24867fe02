"""Several labellers, as stored with the goal: which columns hold the people's labels, how
their vote was built, and how often one person disagrees with the others (the human-level
error, with its interval) and on which classes.

Example:
    >>> h = Labellers(columns=("a", "b", "c"), vote="majority", estimate=0.08,
    ...               low=0.07, high=0.09, rows=900, per_labeller=(0.07, 0.08, 0.09),
    ...               vote_error=0.018, classes=("cat", "dog"), confusion=((800, 70), (75, 700)))
    >>> Labellers.from_dict(h.to_dict()) == h
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Labellers:
    """``columns`` hold the people's labels; ``vote`` is ``majority`` or ``mean``.

    ``estimate`` is the human-level error: how often one person disagrees with the vote of
    the others (for numbers: the root mean squared difference from the others' mean), with
    the bootstrap interval ``low``..``high`` over ``rows`` rows; ``per_labeller`` the same
    for each column. ``vote_error`` is the vote's own expected error if people err
    independently (None for numbers). ``confusion[i][j]`` counts the times one person said
    ``classes[j]`` where the others' vote said ``classes[i]``.
    """

    columns: tuple[str, ...]
    vote: str = "majority"
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    rows: int = 0
    per_labeller: tuple[float | None, ...] = ()
    vote_error: float | None = None
    classes: tuple[str, ...] = ()
    confusion: tuple[tuple[int, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"columns": list(self.columns), "vote": self.vote, "estimate": self.estimate,
                "low": self.low, "high": self.high, "rows": self.rows,
                "per_labeller": list(self.per_labeller), "vote_error": self.vote_error,
                "classes": list(self.classes), "confusion": [list(r) for r in self.confusion]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Labellers:
        return cls(columns=tuple(str(c) for c in raw.get("columns") or ()),
                   vote=str(raw.get("vote") or "majority"), estimate=raw.get("estimate"),
                   low=raw.get("low"), high=raw.get("high"), rows=int(raw.get("rows") or 0),
                   per_labeller=tuple(raw.get("per_labeller") or ()),
                   vote_error=raw.get("vote_error"),
                   classes=tuple(str(c) for c in raw.get("classes") or ()),
                   confusion=tuple(tuple(int(v) for v in r) for r in raw.get("confusion") or ()))
