"""Event-loop lateness of the GUI over a whole training job and a search, model builds included.

A 10 ms timer runs on the GUI thread of the real main window (live monitor plotting, the
trials table refilling at each trial switch) while a "train" job and then a three-trial
"tune" job run: how late each tick fires is the freeze a user feels. Each tick later than a
frame is explained by what the GUI process was doing then (``bench.stall_sampler``). The
same training is then run in a plain thread of the GUI process — the design that DESIGN.md
measured and rejected — so the two are compared in one run. Prints p50, p99 and max in ms.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402

from bench.stall_sampler import StallSampler  # noqa: E402

EPOCHS = 15
TICK_MS = 10
LATE_MS = 16  # a tick later than one frame is explained by what the process was doing
P99_TARGET_MS = 8
MAX_TARGET_MS = 33  # two frames at 60 Hz


class Lateness:
    """Collects how late a 10 ms timer fires while it runs."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.samples: list[float] = []
        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.samples.clear()
        self.stamps.clear()
        self.clock.start()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        elapsed = self.clock.nsecsElapsed() / 1e6
        self.clock.restart()
        self.samples.append(max(0.0, elapsed - TICK_MS))
        self.stamps.append(time.perf_counter())

    def late(self, over_ms: float) -> list[tuple[float, float]]:
        """(time, lateness in s) of each tick later than ``over_ms``."""
        return [(t, ms / 1000) for t, ms in zip(self.stamps, self.samples) if ms > over_ms]

    def summary(self) -> dict:
        a = np.array(self.samples)
        return {"p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
                "max": float(a.max()), "ticks": int(len(a))}


def _project(folder: Path) -> Path:
    from engine.goal.step import GoalChoice, new_project
    from engine.data.samples import SAMPLES
    from engine.split.step import split_project

    sample = SAMPLES["breast_cancer"]
    project = new_project(folder, GoalChoice(data=str(sample.path), target=sample.target))
    split_project(project)
    return project.root


def _wait(predicate, app, timeout=600.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        app.processEvents(QEventLoop.AllEvents, 50)
        if time.monotonic() > end:
            raise TimeoutError("the job did not finish")


def _settle(app, seconds: float = 1.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(QEventLoop.AllEvents, 20)


def ready_window():
    """The real app's window, shown, with its engine process started and ready."""
    from gui.app import make_app
    from gui.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.show()
    ready = []
    window.runner.engine_ready.connect(ready.append)
    window.runner.start()
    _wait(lambda: ready, app)
    return app, window


def _run_job(window, app, request) -> None:
    """Run ``request`` in the engine process and wait for its end, whatever it is."""
    _wait(lambda: not window.runner.busy, app)  # a page's own job (an overview) ends first
    handle = window.runner.run(request)
    if handle is None:
        raise RuntimeError("the engine process is busy")
    ended: list = []
    handle.finished.connect(lambda result: ended.append(("finished", result)))
    handle.failed.connect(lambda message, details: ended.append(("failed", message + details)))
    handle.cancelled.connect(lambda message: ended.append(("cancelled", message)))
    _wait(lambda: ended, app)
    if ended[0][0] != "finished":
        raise RuntimeError(f"the {type(request).__name__} job ended: {ended[0]}")


def _report(name: str, summary: dict, sampler: StallSampler, late: list) -> None:
    print(f"event_loop ({name}): p50 {summary['p50']:.1f} ms, p99 {summary['p99']:.1f} ms, "
          f"max {summary['max']:.1f} ms over {summary['ticks']} ticks "
          f"(targets: p99 <= {P99_TARGET_MS} ms, max <= {MAX_TARGET_MS} ms)")
    print(f"  garbage collection in the GUI process: {sampler.gc_summary()}")
    for line in sampler.explain(late):
        print(f"  late > {LATE_MS} ms: {line}")


def main() -> dict:
    from engine.training.requests import TrainRequest
    from engine.tuning.requests import TuneRequest

    app, window = ready_window()
    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp) / "p")
        window.session.open(root)
        params = {"epochs": EPOCHS, "patience": EPOCHS, "batch_size": 16}
        results = {}
        # A training job watched on the live monitor, then a search of three trials (each
        # trial switch rebuilds the model and refills the trials table) on the Tune page.
        for name, step, request in (
                ("training, child process", "baseline",
                 TrainRequest(project=str(root), model="mlp", params=params)),
                ("search of 3 trials, child process", "tune",
                 TuneRequest(project=str(root), trials=3, workers=1, epochs=4, kind="mlp",
                             seed=0))):
            window.show_step(step)
            _settle(app)  # the page's first paint is not part of the job
            meter, sampler = Lateness(), StallSampler()
            sampler.start()
            meter.start()
            _run_job(window, app, request)
            meter.stop()
            sampler.stop()
            results[name] = meter.summary()
            _report(name, results[name], sampler, meter.late(LATE_MS))

        # The rejected design: the same training in a thread of the GUI process.
        from engine.training.job import TrainingSpec, run_training

        finished = threading.Event()

        def work():
            from engine.core.backend import import_keras

            import_keras()
            run_training(TrainingSpec(str(root), "mlp", params))
            finished.set()

        _settle(app)
        meter = Lateness()
        meter.start()
        threading.Thread(target=work, daemon=True).start()
        _wait(finished.is_set, app)
        meter.stop()
        thread = meter.summary()
    window.runner.shutdown()
    child = results["training, child process"]
    print(f"event_loop (thread in GUI process, rejected design): p50 {thread['p50']:.1f} ms, "
          f"p99 {thread['p99']:.1f} ms, max {thread['max']:.1f} ms; "
          f"max ratio thread/child = {thread['max'] / max(child['max'], 0.1):.1f}")
    results["thread"] = thread
    return results


if __name__ == "__main__":
    main()
