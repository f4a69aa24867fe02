"""The decision room's job requests: calibration of the chosen model's probabilities."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class CalibrateRequest(JobRequest):
    """Calibrate ``run`` (empty: the chosen run) with ``method`` ("auto", "temperature",
    "platt", "isotonic"; "none" removes it) on the dev rows
    (``engine.decision.calibration``); after the vault opened only with a
    ``new_experiment`` reason.

    Result: a ``StepResult`` holding the ``CalibrationResult`` as a dict, with ``lines``.
    """

    project: str = ""
    run: str = ""
    method: str = "auto"
    new_experiment: str = ""
