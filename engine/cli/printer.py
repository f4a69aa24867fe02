"""Printing job events on the terminal, compactly."""

from __future__ import annotations

import sys

from engine.jobs import EpochEnded, Event, Progress, RunFinished, StageStarted


class EventPrinter:
    """A progress callback that prints stages, a line every few epochs and run ends."""

    def __init__(self, stream=sys.stdout, every: int = 10) -> None:
        self.stream = stream
        self.every = every

    def __call__(self, event: Event) -> None:
        if isinstance(event, (StageStarted, Progress)):
            self._say(f"- {event.text}")
        elif isinstance(event, EpochEnded):
            if event.epoch == 1 or event.epoch % self.every == 0:
                logs = ", ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
                self._say(f"    epoch {event.epoch}: {logs}")
        elif isinstance(event, RunFinished):
            self._say(f"    run {event.run_id}: {event.status}")

    def _say(self, line: str) -> None:
        print(line, file=self.stream, flush=True)
