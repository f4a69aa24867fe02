"""The decisions log: every choice the user (or Practica on their behalf) made, with a time."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any


def now_iso() -> str:
    """The current local time as an ISO-8601 string with its UTC offset, to the second."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    """One entry of the log.

    Args:
        kind: a short code such as ``goal_set``, ``split_made``, ``model_accepted``,
            ``vault_opened``.
        text: the decision in plain words.
        time: when it was made (ISO-8601).
        details: small JSON-able facts behind it.
    """

    kind: str
    text: str
    time: str = field(default_factory=now_iso)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "kind": self.kind, "text": self.text, "details": self.details}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Decision":
        return cls(kind=data["kind"], text=data["text"], time=data["time"],
                   details=dict(data.get("details") or {}))
