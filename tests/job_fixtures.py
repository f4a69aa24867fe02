"""Jobs for tests only, added to the engine process' catalogue by ``PRACTICA_EXTRA_JOBS``
(``tests/conftest.py`` sets it): one that fails on purpose, one that ignores its cancel token."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class WeightsSourceForTestRequest(JobRequest):
    """Point the engine process' weights catalogue entry ``name`` at a local server
    (``base_url``) with the SHA-256 ``digest`` of the test file, and its Keras cache at
    ``keras_home``; an empty ``name`` puts everything back."""

    name: str = ""
    digest: str = ""
    base_url: str = ""
    keras_home: str = ""


_SAVED: dict = {}
_ENV = ("PRACTICA_WEIGHTS_URL", "KERAS_HOME", "no_proxy")


def _weights_source(request: WeightsSourceForTestRequest, progress, cancel):
    from engine.models.pretrained import catalogue

    if not _SAVED:
        _SAVED.update(sources=dict(catalogue.SOURCES),
                      env={name: os.environ.get(name) for name in _ENV})
    if not request.name:
        catalogue.SOURCES.update(_SAVED["sources"])
        for name, value in _SAVED["env"].items():
            os.environ.pop(name, None) if value is None else os.environ.update({name: value})
        _SAVED.clear()
        return StepResult({})
    folder = catalogue.SOURCES[request.name][0]
    catalogue.SOURCES[request.name] = (folder, "sha256", request.digest)
    os.environ.update({"PRACTICA_WEIGHTS_URL": request.base_url,
                       "KERAS_HOME": request.keras_home, "no_proxy": "127.0.0.1"})
    return StepResult({})


JOBS = {RaiseForTestRequest: _raise, SleepForTestRequest: _sleep,
        WeightsSourceForTestRequest: _weights_source}
