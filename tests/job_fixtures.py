"""Jobs for tests only, added to the engine process' catalogue by ``PRACTICA_EXTRA_JOBS``
(``tests/conftest.py`` sets it): one that fails on purpose, one that ignores its cancel token."""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.core.jobs import JobRequest, StepResult


@dataclass(frozen=True)
class RaiseForTestRequest(JobRequest):
    """A job that fails on purpose (the tests of the error dialog)."""

    message: str = "a deliberate failure"


@dataclass(frozen=True)
class SleepForTestRequest(JobRequest):
    """A job that ignores its cancel token (the tests of the hard stop)."""

    seconds: float = 60.0


def _raise(request: RaiseForTestRequest, progress, cancel):
    raise RuntimeError(request.message)


def _sleep(request: SleepForTestRequest, progress, cancel):
    time.sleep(float(request.seconds))
    return StepResult({})


JOBS = {RaiseForTestRequest: _raise, SleepForTestRequest: _sleep}
