"""The ``learning_curve`` part of ``project.json``: the chosen run's configuration trained
again on growing shares of the training rows ("will more data help?"), every fit, the
per-size means and spreads, and the verdict (see ``engine.diagnosis.learning_curve``, which
builds it).

Example:
    >>> point = CurvePoint(0.5, 100, 0, 0.02, 0.08, 12)
    >>> record = LearningCurveRecord(run="r1", sizes=(0.5,), seeds=1, points=(point,),
    ...     summary=(SizeSummary(0.5, 100, 1, 0.02, 0.0, 0.08, 0.0),), verdict="little")
    >>> LearningCurveRecord.from_dict(record.to_dict()) == record
    True
    >>> CurvePoint.from_dict({"fraction": 1, "rows": 9, "seed": 0, "train_error": 0,
    ...                       "dev_error": 0.1}).epochs
    0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class CurvePoint:
    """One fit: a share of the training rows, its row count, the seed and both errors."""

    fraction: float
    rows: int
    seed: int
    train_error: float
    dev_error: float
    epochs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CurvePoint:
        return cls(float(d["fraction"]), int(d["rows"]), int(d.get("seed", 0)),
                   float(d["train_error"]), float(d["dev_error"]), int(d.get("epochs") or 0))


@dataclass(frozen=True)
class SizeSummary:
    """One training-set size: its share of the training rows, its rows, and the mean and
    standard deviation (over ``seeds``) of the training and dev errors."""

    fraction: float
    rows: int
    seeds: int
    train_mean: float
    train_std: float
    dev_mean: float
    dev_std: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SizeSummary:
        return cls(float(d["fraction"]), int(d["rows"]), int(d["seeds"]),
                   float(d["train_mean"]), float(d["train_std"]), float(d["dev_mean"]),
                   float(d["dev_std"]))


@dataclass(frozen=True)
class LearningCurveRecord:
    """The curves drawn for run ``run`` (judged with ``judged_by``) at ``created``.

    ``numbers`` holds the verdict's own measurements (the last drop of the dev error, its
    noise, the train-dev gap and its threshold, the doublings to the target ...), keyed by
    name as ``engine.diagnosis.learning_curve_verdict`` reports them. ``folds`` is 0 when
    the dev rows were the yardstick, K when each size was fitted once per fold of the
    non-test rows (then ``seeds`` is K and a point's ``seed`` its fold).
    """

    run: str = ""
    judged_by: str = ""
    metric: str = ""
    target_error: float | None = None
    sizes: tuple[float, ...] = ()
    seeds: int = 0
    max_epochs: int | None = None
    points: tuple[CurvePoint, ...] = ()
    summary: tuple[SizeSummary, ...] = ()
    verdict: str = ""
    answer: str = ""
    explanation: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    folds: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {"run": self.run, "judged_by": self.judged_by, "metric": self.metric,
               "target_error": self.target_error, "sizes": list(self.sizes),
               "seeds": self.seeds, "max_epochs": self.max_epochs,
               "points": [p.to_dict() for p in self.points],
               "summary": [s.to_dict() for s in self.summary], "verdict": self.verdict,
               "answer": self.answer, "explanation": self.explanation,
               "numbers": dict(self.numbers), "created": self.created}
        if self.folds:  # drawn over folds; a record of one split keeps its old form
            out["folds"] = self.folds
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LearningCurveRecord:
        """Read saved curves; keys an older file lacks take their defaults."""
        return cls(run=str(raw.get("run") or ""), judged_by=str(raw.get("judged_by") or ""),
                   metric=str(raw.get("metric") or ""), target_error=raw.get("target_error"),
                   sizes=tuple(raw.get("sizes") or ()), seeds=int(raw.get("seeds") or 0),
                   max_epochs=raw.get("max_epochs"),
                   points=tuple(CurvePoint.from_dict(p) for p in raw.get("points") or ()
                                if isinstance(p, dict)),
                   summary=tuple(SizeSummary.from_dict(s) for s in raw.get("summary") or ()
                                 if isinstance(s, dict)),
                   verdict=str(raw.get("verdict") or ""), answer=str(raw.get("answer") or ""),
                   explanation=str(raw.get("explanation") or ""),
                   numbers=dict(raw.get("numbers") or {}), created=str(raw.get("created") or ""),
                   folds=int(raw.get("folds") or 0))


def load(raw: Any) -> LearningCurveRecord | None:
    return LearningCurveRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: LearningCurveRecord | None) -> dict[str, Any] | None:
    return None if value is None else value.to_dict()
