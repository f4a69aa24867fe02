"""The ``split`` part of ``project.json``: how the rows were split (shares, seed, sizes and
source file of each split), what the split's checks found, and the goal it was made for.

The row numbers themselves are in ``splits.json``; this is the record of the split.

Example:
    >>> record = SplitRecord.from_dict({"fractions": {"train": 0.6, "train_dev": 0.1,
    ...     "dev": 0.15, "test": 0.15}, "seed": 3, "sizes": {"train": 60, "test": 15},
    ...     "checks": [{"code": "drift", "severity": "warning", "column": "age",
    ...                 "message": "Dev differs.", "fix": "Look.", "way_out": "leave_out"}]})
    >>> record.fractions.dev, record.sizes["test"], record.checks[0].way_out, record.blocked
    (0.15, 15, 'leave_out', False)
    >>> SplitRecord.from_dict(record.to_dict()) == record
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.data.findings import Finding


@dataclass(frozen=True)
class Fractions:
    """Shares of the rows for each split. With a second file, ``dev``/``test`` are shares of it."""

    train: float
    train_dev: float
    dev: float
    test: float

    def to_dict(self) -> dict[str, float]:
        return {"train": self.train, "train_dev": self.train_dev, "dev": self.dev,
                "test": self.test}

    @classmethod
    def from_dict(cls, d: dict[str, float]) -> "Fractions":
        return cls(float(d["train"]), float(d["train_dev"]), float(d["dev"]), float(d["test"]))


@dataclass(frozen=True)
class SplitCheck:
    """One finding of the split's checks (``engine.split.checks``), with the fix Practica
    can apply for it (``way_out``: ``drop_copies``, ``leave_out`` or "" for none)."""

    finding: Finding
    way_out: str = ""

    @property
    def code(self) -> str:
        return self.finding.code

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def column(self) -> str | None:
        return self.finding.column

    @property
    def message(self) -> str:
        return self.finding.message

    @property
    def fix(self) -> str:
        return self.finding.fix

    def to_dict(self) -> dict[str, Any]:
        out = self.finding.to_dict()
        if self.way_out:
            out["way_out"] = self.way_out
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SplitCheck:
        column = raw.get("column")
        finding = Finding(code=str(raw.get("code") or ""), severity=str(raw.get("severity") or ""),
                          column=None if column is None else str(column),
                          message=str(raw.get("message") or ""), fix=str(raw.get("fix") or ""))
        return cls(finding, way_out=str(raw.get("way_out") or ""))


@dataclass(frozen=True)
class SplitRecord:
    """The split of the project's rows.

    ``sizes``, ``sources`` (``main`` or ``target`` file), ``copies_dropped`` and
    ``class_balance`` (classification only: counts of each class) are maps by split name;
    ``made_for`` is the ``goal_key`` the split was made for (``engine.project.fingerprints``);
    ``dropped_missing_target`` counts rows left out for a missing target; ``checks`` is None
    for a split made before the checks existed.
    """

    fractions: Fractions | None = None
    seed: int = 0
    stratified: bool = False
    sizes: dict[str, int] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    dropped_missing_target: int = 0
    notes: tuple[str, ...] = ()
    made_for: str | None = None
    checks: tuple[SplitCheck, ...] | None = None
    drop_copies: bool = False
    copies_dropped: dict[str, int] = field(default_factory=dict)
    class_balance: dict[str, dict[str, int]] | None = None
    row_hashes: dict[str, str] = field(default_factory=dict)
    """A digest of each split's row numbers, written when the split is made
    (``engine.project.split_integrity``); empty for a split made before they existed."""

    @property
    def blocked(self) -> bool:
        """True when a check found a blocker: nothing may train on this split."""
        return any(c.severity == "blocker" for c in self.checks or ())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fractions": self.fractions.to_dict() if self.fractions is not None else None,
            "seed": self.seed, "stratified": self.stratified, "sizes": dict(self.sizes),
            "sources": dict(self.sources), "dropped_missing_target": self.dropped_missing_target,
            "notes": list(self.notes), "made_for": self.made_for,
            "drop_copies": self.drop_copies, "copies_dropped": dict(self.copies_dropped)}
        if self.checks is not None:
            out["checks"] = [c.to_dict() for c in self.checks]
        if self.class_balance is not None:
            out["class_balance"] = {k: dict(v) for k, v in self.class_balance.items()}
        if self.row_hashes:
            out["row_hashes"] = dict(self.row_hashes)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SplitRecord:
        fractions = raw.get("fractions")
        balance, checks = raw.get("class_balance"), raw.get("checks")
        hashes = raw.get("row_hashes")
        return cls(
            fractions=Fractions.from_dict(fractions) if isinstance(fractions, dict) else None,
            seed=int(raw.get("seed") or 0), stratified=bool(raw.get("stratified")),
            sizes={str(k): int(v) for k, v in (raw.get("sizes") or {}).items()},
            sources={str(k): str(v) for k, v in (raw.get("sources") or {}).items()},
            dropped_missing_target=int(raw.get("dropped_missing_target") or 0),
            notes=tuple(str(n) for n in raw.get("notes") or ()),
            made_for=raw.get("made_for"),
            checks=tuple(SplitCheck.from_dict(c) for c in checks if isinstance(c, dict))
            if isinstance(checks, list) else None,
            drop_copies=bool(raw.get("drop_copies")),
            copies_dropped={str(k): int(v) for k, v in (raw.get("copies_dropped") or {}).items()},
            class_balance={str(k): dict(v) for k, v in balance.items()}
            if isinstance(balance, dict) else None,
            row_hashes={str(k): str(v) for k, v in hashes.items()}
            if isinstance(hashes, dict) else {})


def load(raw: Any) -> SplitRecord | None:
    return SplitRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: SplitRecord | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None
