"""Printing job events on the terminal, compactly."""

from __future__ import annotations

import sys

from engine.core.jobs import (AlertRaised, EpochEnded, Event, Progress, RunFinished,
                              StageStarted, TrialEnded)
from engine.core.texts import text


class EventPrinter:
    """A progress callback that prints stages, a line every few epochs, the monitor's
    alerts (once per run and kind) and run ends; ``runs`` collects the runs that ended."""

    def __init__(self, stream=None, every: int = 10) -> None:
        self.stream = stream
        self.every = every
        self.last = ""
        self.runs: list[str] = []
        self._alerts: set[tuple[str, str]] = set()
        self._folds = False  # the trial running was scored on folds (tuning with k-fold)

    def __call__(self, event: Event) -> None:
        if isinstance(event, (StageStarted, Progress)):
            if event.text != self.last:  # a job repeats its stage with each progress step
                self._say(f"- {event.text}")
            self.last = event.text
            self._folds = self._folds or getattr(event, "stage", "") == "trial_fold"
        elif isinstance(event, EpochEnded):
            if event.epoch == 1 or event.epoch % self.every == 0:
                logs = ", ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
                self._say(f"    epoch {event.epoch}: {logs}")
        elif isinstance(event, AlertRaised):
            if (event.run_id, event.code) not in self._alerts:
                self._alerts.add((event.run_id, event.code))
                self._say("  " + text("cli.monitor.alert_live", severity=event.severity,
                                      text=event.text))
        elif isinstance(event, RunFinished):
            self.runs.append(event.run_id)
            self._say(f"    run {event.run_id}: {event.status}")
        elif isinstance(event, TrialEnded):
            value = "" if event.value is None else f"{event.value:.4g}"
            folds = "_kfold" if self._folds and event.state == "complete" else ""
            self._folds = False
            # text keys: tuning.trial_{complete,fail,pruned}, tuning.trial_complete_kfold
            self._say("  " + text(f"tuning.trial_{event.state}{folds}", n=event.number,
                                  error=value))

    def _say(self, line: str) -> None:
        print(line, file=self.stream or sys.stdout, flush=True)  # stdout as it is now


def once_per_fit(printer):
    """Print a progress line when its words change (once per fit), not at every epoch
    (``practica learning-curve`` and ``practica kfold`` train many small models)."""
    last = [None]

    def progress(event) -> None:
        words = getattr(event, "text", None)
        if words != last[0]:
            last[0] = words
            printer(event)

    return progress
