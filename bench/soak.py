"""Soak test: train and plot live for a long time offscreen; fail on a fatal error or on the
GUI process growing by more than 50 MB.

The PySide6 6.12.0 / Python 3.11 crash (a leaked reference to None, ``none_dealloc``) was
found this way: it only shows after thousands of live plot updates. Run with ``make soak``
(10 minutes); ``--minutes`` shortens it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LIMIT_MB = 50.0


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args(argv)
    from bench.event_loop import _project, _wait, ready_window

    app, window = ready_window()
    problems = []
    window.runner.job_failed.connect(lambda job, msg, det: problems.append(msg + det))
    with tempfile.TemporaryDirectory() as tmp:
        root = _project(Path(tmp) / "p")
        window.session.open(root)
        window.show_step("baseline")
        train = {"project_dir": str(root), "model": "mlp",
                 "params": {"epochs": 40, "patience": 40, "batch_size": 8}}
        end = time.monotonic() + args.minutes * 60
        baseline_mb, runs = None, 0
        while time.monotonic() < end and not problems:
            done = []

            def finished(*result, done=done):
                done.append(result)

            window.runner.job_finished.connect(finished)
            window.runner.run("train", train)
            _wait(lambda: done or problems, app)
            window.runner.job_finished.disconnect(finished)
            runs += 1
            if runs == 2:  # after warm-up: caches, fonts, first plots
                baseline_mb = rss_mb()
        growth = rss_mb() - (baseline_mb or rss_mb())
    window.runner.shutdown()
    print(f"soak: {runs} training runs plotted live in {args.minutes:g} min; "
          f"GUI memory growth after warm-up {growth:.1f} MB (limit {LIMIT_MB:g} MB)")
    if problems:
        print("soak: FAILED, a job failed:", problems[0][:500])
        return 1
    if growth > LIMIT_MB:
        print("soak: FAILED, memory grew too much")
        return 1
    print("soak: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
