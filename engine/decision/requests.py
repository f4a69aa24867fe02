"""The decision room's job requests: calibration of the chosen model's probabilities and the
decision threshold of a yes/no task."""

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


@dataclass(frozen=True)
class ThresholdRequest(JobRequest):
    """Choose the decision threshold of ``run`` (empty: the chosen run) on the dev rows by
    ``rule`` ("metric", "constraint" with ``meet``, "cost" or "manual" with ``value``); with
    ``save`` False only draw the curve and say what the rule would choose
    (``engine.decision.threshold.set_threshold``). ``new_experiment``: the reason for setting
    it after the vault opened.

    Result: a ``StepResult`` holding ``ThresholdResult.to_dict()`` with ``line``.
    """

    project: str = ""
    rule: str = "metric"
    meet: str = ""
    value: float | None = None
    run: str = ""
    new_experiment: str = ""
    save: bool = True
