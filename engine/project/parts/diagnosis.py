"""The ``diagnosis`` part of ``project.json``: the error ladder read for the chosen run, its
gaps, the verdict and the advice (see ``engine.diagnosis.ladder``, which builds it).

Example:
    >>> record = DiagnosisRecord.from_dict({"run": "r1", "verdict": "variance",
    ...     "ladder": [{"name": "train", "label": "training set", "error": 0.01}]})
    >>> record.verdict, record.rung("train").error, record.rung("dev")
    ('variance', 0.01, None)
    >>> DiagnosisRecord.from_dict(record.to_dict()) == record
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LadderRow:
    """One rung of the ladder: ``name`` in target/train/train_dev/dev/test, its error."""

    name: str
    label: str
    error: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "error": self.error}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LadderRow:
        name = str(raw.get("name", ""))
        return cls(name=name, label=str(raw.get("label", name)), error=raw.get("error"))


@dataclass(frozen=True)
class DiagnosisRecord:
    """The diagnosis of run ``run``, read with the judging key ``judged_by``.

    ``gaps`` and ``thresholds`` are keyed by gap name (``avoidable_bias``, ``variance``,
    ``mismatch``, ``dev_overfit``), as the ladder's code looks them up by name; a gap is
    ``None`` where its rungs were not given.
    """

    run: str = ""
    judged_by: str = ""
    verdict: str = ""
    verdict_label: str = ""
    gaps: dict[str, float | None] = field(default_factory=dict)
    advice: tuple[str, ...] = ()
    ladder: tuple[LadderRow, ...] = ()
    explanation: str = ""
    threshold: float | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    target: float | None = None
    target_given: bool = False

    def rung(self, name: str) -> LadderRow | None:
        """The ladder's rung called ``name``, if it has one."""
        return next((r for r in self.ladder if r.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "judged_by": self.judged_by, "verdict": self.verdict,
                "verdict_label": self.verdict_label, "gaps": dict(self.gaps),
                "advice": list(self.advice), "ladder": [r.to_dict() for r in self.ladder],
                "explanation": self.explanation, "threshold": self.threshold,
                "thresholds": dict(self.thresholds), "target": self.target,
                "target_given": self.target_given}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DiagnosisRecord:
        """Read a saved diagnosis; keys an older file lacks take their defaults."""
        return cls(run=str(raw.get("run") or ""), judged_by=str(raw.get("judged_by") or ""),
                   verdict=str(raw.get("verdict") or ""),
                   verdict_label=str(raw.get("verdict_label") or ""),
                   gaps=dict(raw.get("gaps") or {}),
                   advice=tuple(str(a) for a in raw.get("advice") or ()),
                   ladder=tuple(LadderRow.from_dict(r) for r in raw.get("ladder") or ()
                                if isinstance(r, dict)),
                   explanation=str(raw.get("explanation") or ""),
                   threshold=raw.get("threshold"), thresholds=dict(raw.get("thresholds") or {}),
                   target=raw.get("target"), target_given=bool(raw.get("target_given")))


def load(raw: Any) -> DiagnosisRecord | None:
    return DiagnosisRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: DiagnosisRecord | None) -> dict[str, Any] | None:
    return None if value is None else value.to_dict()
