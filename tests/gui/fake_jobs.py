"""Fake jobs for widgets that watch the runner: a never-started ``JobRunner`` announces a
job handle, and the test sends that job's events itself."""

from __future__ import annotations

from engine.training.requests import TrainRequest
from gui.jobs import JobHandle


class FakeJobs:
    def __init__(self, runner) -> None:
        self.runner = runner
        self.handle: JobHandle | None = None
        self.start()

    def start(self, request=None) -> JobHandle:
        """Announce a new job (a ``train`` job unless ``request`` says otherwise)."""
        self.handle = JobHandle(request if request is not None else TrainRequest())
        self.runner.job_started.emit(self.handle)
        return self.handle

    def emit(self, event) -> None:
        """Send an event of the current job."""
        self.handle.event.emit(event)
