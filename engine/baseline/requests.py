"""The baseline room's job requests: the baselines (and the network), its sanity checks."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class BaselinesRequest(JobRequest):
    """Train the simple baselines and the network of ``deep_kind`` with ``deep_params``
    (None: recommended), after its sanity checks unless ``sanity`` is False.

    Result: ``RunsResult`` (``engine.training.requests``) with each run's result dict.
    """

    project: str = ""
    deep_params: dict | None = None
    deep_kind: str | None = None
    sanity: bool = True


@dataclass(frozen=True)
class SanityRequest(JobRequest):
    """Run the sanity checks of the network ``kind`` with ``params``.

    Result: a ``StepResult`` holding ``run_sanity``'s dict.
    """

    project: str = ""
    kind: str = "mlp"
    params: dict | None = None
