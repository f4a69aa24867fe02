"""The training room's job requests: train (or resume) one run, list resumable runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class TrainRequest(JobRequest):
    """Train one model of kind ``model`` with ``params``, or continue the run ``resume``.

    Result: ``TrainingResult`` (``engine.training.job``).
    """

    project: str = ""
    model: str = "mlp"
    params: dict = field(default_factory=dict)
    resume: str = ""


@dataclass(frozen=True)
class ResumableRequest(JobRequest):
    """List the runs that were interrupted and can be continued.

    Result: ``RunsResult``.
    """

    project: str = ""


@dataclass(frozen=True)
class RunsResult:
    """Runs as plain dicts (results of the baselines, or resumable runs)."""

    runs: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"runs": list(self.runs)}

    @classmethod
    def from_dict(cls, data: dict) -> "RunsResult":
        return cls(list(data.get("runs") or []))
