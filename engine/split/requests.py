"""The split room's job request."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class SplitRequest(JobRequest):
    """Split the project's data (``fractions`` as ``Fractions.to_dict``; None: suggested).

    Result: a ``StepResult`` holding ``split_project``'s summary.
    """

    project: str = ""
    fractions: dict | None = None
    seed: int = 0
    drop_copies: bool | None = None
    leave_out: tuple[str, ...] = ()
