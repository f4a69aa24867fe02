"""The vault's record in ``project.json``: when the test set was opened, why, and each
evaluation made on it since.

Example:
    >>> vault = Vault().opened("2026-12-06T10:00:00+00:00", reason="final test")
    >>> vault.is_open, vault.with_evaluation(Evaluation("2026-12-06T10:01:00+00:00", "r1")).uses
    (True, 1)
    >>> Vault.from_dict(vault.to_dict()) == vault
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Evaluation:
    """One look at the test set: when, which run (or seed copy or ensemble), and facts such
    as the metric and its value or the run's role (``chosen``, ``seed_copy``, ...)."""

    time: str
    run: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return str(self.facts.get("role") or "")

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "run": self.run, **self.facts}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Evaluation:
        facts = {k: v for k, v in raw.items() if k not in ("time", "run")}
        return cls(time=str(raw.get("time", "")), run=str(raw.get("run", "")), facts=facts)


@dataclass(frozen=True)
class Vault:
    """Closed until ``opened_at`` is set; opening is for good."""

    opened_at: str | None = None
    reason: str = ""
    evaluations: tuple[Evaluation, ...] = ()

    @property
    def is_open(self) -> bool:
        return bool(self.opened_at)

    @property
    def uses(self) -> int:
        """How many final tests the evaluations hold: those of a chosen model (no role, or
        ``chosen``), not its seed copies or the other finalists."""
        return sum(1 for e in self.evaluations if e.role in ("", "chosen"))

    def opened(self, when: str, reason: str = "") -> Vault:
        return self if self.is_open else Vault(opened_at=when, reason=reason)

    def with_evaluation(self, evaluation: Evaluation) -> Vault:
        return replace(self, evaluations=(*self.evaluations, evaluation))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"opened_at": self.opened_at,
                               "evaluations": [e.to_dict() for e in self.evaluations]}
        if self.is_open:
            out["reason"] = self.reason
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Vault:
        raw = raw if isinstance(raw, dict) else {}
        return cls(opened_at=raw.get("opened_at") or None, reason=str(raw.get("reason") or ""),
                   evaluations=tuple(Evaluation.from_dict(e) for e in raw.get("evaluations") or ()
                                     if isinstance(e, dict)))


def load(raw: Any) -> Vault:
    """The vault of ``project.json``; a hand-edited opening time that is not a time (``true``,
    a number) is refused (``TypeError``), never read as an open or closed vault."""
    if isinstance(raw, dict) and (not isinstance(raw.get("opened_at"), (str, type(None)))
                                  or not isinstance(raw.get("evaluations") or [], list)):
        raise TypeError("vault")
    return Vault.from_dict(raw)


def dump(value: Vault) -> dict[str, Any]:
    return value.to_dict()
