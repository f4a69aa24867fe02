"""The ``error_analysis`` part of ``project.json``: the chosen run's mistakes on the dev rows,
ready to look at and tag, with the suspected label errors (see
``engine.diagnosis.error_analysis``, which builds it).

The examples (``examples``, ``confident``, ``cell_examples``) are ``ErrorCase`` records: the
row, its true and predicted value, the confidence and the shown inputs, whose form depends on
the data kind. The confusion matrix with the row numbers of each cell is a
``ConfusionCells``.

Example:
    >>> record = ErrorAnalysisRecord.from_dict({"run": "r1", "task": "binary", "mistakes": 2,
    ...     "mistake_rows": [4, 9], "suspects": [{"row": 4, "split": "dev", "given": "a",
    ...     "suggested": "b", "confidence": 0.9, "p_given": 0.1, "margin": 0.8}]})
    >>> record.mistake_rows, record.suspects[0].suggested, record.suspect_check.checked_total
    ((4, 9), 'b', 0)
    >>> ErrorAnalysisRecord.from_dict(record.to_dict()) == record
    True
    >>> cells = ConfusionCells.from_dict({"labels": ["a", "b"], "matrix": [[3, 1], [0, 2]],
    ...                                   "cells": {"0,1": [7]}})
    >>> cells.count(0, 1), cells.rows_of(0, 1), cells.rows_of(1, 0), cells.shares
    (1, (7,), (), ())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suspect:
    """One row whose label looks wrong: its place, the given and the suggested label.

    ``confidence`` is the probability of the suggested label, ``p_given`` that of the given
    one, and ``margin`` their difference (the ranking key).
    """

    row: int
    split: str
    given: str
    suggested: str
    confidence: float
    p_given: float
    margin: float

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "split": self.split, "given": self.given,
                "suggested": self.suggested, "confidence": self.confidence,
                "p_given": self.p_given, "margin": self.margin}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Suspect:
        return cls(row=int(raw.get("row", 0)), split=str(raw.get("split") or ""),
                   given=str(raw.get("given", "")), suggested=str(raw.get("suggested", "")),
                   confidence=raw.get("confidence"), p_given=raw.get("p_given"),
                   margin=raw.get("margin"))


@dataclass(frozen=True)
class SuspectCheck:
    """How many rows of each split the label check looked at and flagged, and plain notes
    on any part that was skipped or sampled."""

    checked: dict[str, int] = field(default_factory=dict)
    checked_total: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    flagged_total: int = 0
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"checked": dict(self.checked), "checked_total": self.checked_total,
                "flagged": dict(self.flagged), "flagged_total": self.flagged_total,
                "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SuspectCheck:
        checked, flagged = dict(raw.get("checked") or {}), dict(raw.get("flagged") or {})
        return cls(checked=checked,
                   checked_total=int(raw.get("checked_total", sum(checked.values()))),
                   flagged=flagged,
                   flagged_total=int(raw.get("flagged_total", sum(flagged.values()))),
                   notes=tuple(str(n) for n in raw.get("notes") or ()))


@dataclass(frozen=True)
class ErrorCase:
    """One dev row shown to the user: its row number in the data file, its true and predicted
    value (class names, or numbers for a regression), the confidence of the prediction and
    the probability of the true class (classes only), the signed error (numbers only), and
    what is shown of its inputs: short feature values by name, its text, its image's path
    (for a recording: the picture of its spectrogram) and a recording's path (``sound``)."""

    row: int
    true: Any = None
    predicted: Any = None
    confidence: float | None = None
    p_true: float | None = None
    error: float | None = None
    values: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    image: str | None = None
    sound: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"row": self.row, "true": self.true, "predicted": self.predicted,
               "confidence": self.confidence, "p_true": self.p_true, "error": self.error,
               "values": dict(self.values), "text": self.text, "image": self.image}
        if self.sound:  # written for recordings only: older projects save back unchanged
            out["sound"] = self.sound
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ErrorCase:
        values = raw.get("values")
        return cls(row=int(raw.get("row") or 0), true=raw.get("true"),
                   predicted=raw.get("predicted"), confidence=raw.get("confidence"),
                   p_true=raw.get("p_true"), error=raw.get("error"),
                   values=dict(values) if isinstance(values, dict) else {},
                   text=raw.get("text"), image=raw.get("image"), sound=raw.get("sound"))


@dataclass(frozen=True)
class ConfusionCells:
    """The dev confusion matrix (rows: true class, columns: predicted), each count's share of
    its true class, and the row numbers of each cell with rows (at most 100), keyed
    ``"i,j"``."""

    labels: tuple[str, ...] = ()
    matrix: tuple[tuple[int, ...], ...] = ()
    shares: tuple[tuple[float, ...], ...] = ()
    cells: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def count(self, i: int, j: int) -> int:
        """How many dev rows fall in cell (``i``, ``j``); 0 outside the matrix."""
        m = self.matrix
        return int(m[i][j]) if 0 <= i < len(m) and 0 <= j < len(m[i]) else 0

    def rows_of(self, i: int, j: int) -> tuple[int, ...]:
        """The row numbers kept for cell (``i``, ``j``)."""
        return self.cells.get(f"{i},{j}", ())

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "matrix": [list(r) for r in self.matrix],
                "shares": [list(r) for r in self.shares],
                "cells": {k: list(v) for k, v in self.cells.items()}}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ConfusionCells:
        cells = raw.get("cells")
        return cls(labels=tuple(str(v) for v in raw.get("labels") or ()),
                   matrix=tuple(tuple(int(c) for c in r) for r in raw.get("matrix") or ()),
                   shares=tuple(tuple(float(c) for c in r) for r in raw.get("shares") or ()),
                   cells={str(k): tuple(int(r) for r in v)
                          for k, v in (cells if isinstance(cells, dict) else {}).items()})


def _cases(raw: Any) -> tuple[ErrorCase, ...]:
    return tuple(ErrorCase.from_dict(c) for c in raw or () if isinstance(c, dict))


@dataclass(frozen=True)
class ErrorAnalysisRecord:
    """The mistakes of run ``run`` on the ``rows`` dev rows of split ``split``.

    ``mistakes`` wrong rows (``mistake_rows``) out of ``rows``; ``dev_error`` is the error
    rate (classes) or mean absolute error (numbers) and ``mistakes_error`` the part of it the
    mistakes make; ``confusion`` is None for numbers to predict.
    """

    run: str = ""
    label: str = ""
    judged_by: str = ""
    split: str = ""
    created: str = ""
    task: str = ""
    data_kind: str = ""
    source: str = ""
    seed: int | None = None
    rows: int = 0
    metric: str | None = None
    metric_error: float | None = None
    mistakes: int = 0
    mistake_rows: tuple[int, ...] = ()
    dev_error: float | None = None
    mistakes_error: float | None = None
    examples: tuple[ErrorCase, ...] = ()
    confident: tuple[ErrorCase, ...] = ()
    cell_examples: tuple[ErrorCase, ...] = ()
    confusion: ConfusionCells | None = None
    suspects: tuple[Suspect, ...] = ()
    suspect_check: SuspectCheck = SuspectCheck()

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "label": self.label, "judged_by": self.judged_by,
                "split": self.split, "created": self.created, "task": self.task,
                "data_kind": self.data_kind, "source": self.source, "seed": self.seed,
                "rows": self.rows, "metric": self.metric, "metric_error": self.metric_error,
                "mistakes": self.mistakes, "mistake_rows": list(self.mistake_rows),
                "dev_error": self.dev_error, "mistakes_error": self.mistakes_error,
                "examples": [c.to_dict() for c in self.examples],
                "confident": [c.to_dict() for c in self.confident],
                "cell_examples": [c.to_dict() for c in self.cell_examples],
                "confusion": None if self.confusion is None else self.confusion.to_dict(),
                "suspects": [s.to_dict() for s in self.suspects],
                "suspect_check": self.suspect_check.to_dict()}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ErrorAnalysisRecord:
        """Read a saved analysis; keys an older file lacks take their defaults."""
        confusion = raw.get("confusion")
        return cls(run=str(raw.get("run") or ""), label=str(raw.get("label") or ""),
                   judged_by=str(raw.get("judged_by") or ""), split=str(raw.get("split") or ""),
                   created=str(raw.get("created") or ""), task=str(raw.get("task") or ""),
                   data_kind=str(raw.get("data_kind") or ""),
                   source=str(raw.get("source") or ""), seed=raw.get("seed"),
                   rows=int(raw.get("rows") or 0), metric=raw.get("metric"),
                   metric_error=raw.get("metric_error"), mistakes=int(raw.get("mistakes") or 0),
                   mistake_rows=tuple(int(r) for r in raw.get("mistake_rows") or ()),
                   dev_error=raw.get("dev_error"), mistakes_error=raw.get("mistakes_error"),
                   examples=_cases(raw.get("examples")), confident=_cases(raw.get("confident")),
                   cell_examples=_cases(raw.get("cell_examples")),
                   confusion=(ConfusionCells.from_dict(confusion)
                              if isinstance(confusion, dict) else None),
                   suspects=tuple(Suspect.from_dict(s) for s in raw.get("suspects") or ()
                                  if isinstance(s, dict)),
                   suspect_check=SuspectCheck.from_dict(raw.get("suspect_check") or {}))


def load(raw: Any) -> ErrorAnalysisRecord | None:
    return ErrorAnalysisRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: ErrorAnalysisRecord | None) -> dict[str, Any] | None:
    return None if value is None else value.to_dict()
