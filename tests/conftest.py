"""Shared test set-up: no display, quiet TensorFlow, projects in temp folders."""

from __future__ import annotations

import os
from pathlib import Path

# No display: Qt's offscreen platform, with a 1920 x 1080 screen (its own is 800 x 800, on
# which the main window would shrink to fit; tests/gui/test_window_size.py tries small ones).
OFFSCREEN = f"offscreen:configfile={Path(__file__).with_name('offscreen_screen.json')}"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = OFFSCREEN
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PRACTICA_LOG_DIR", "/tmp")
# The engine processes the tests start also run the jobs of tests/job_fixtures.py.
os.environ.setdefault("PRACTICA_EXTRA_JOBS", "tests.job_fixtures")
# Under pytest-xdist (`make test`) several workers share the cores: each worker (and the
# engine processes it starts) computes on its share, instead of every one on all of them.
if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):
    _share = str(max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"])))
    for _name in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(_name, _share)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402


def make_mixed_frame(n: int = 160, seed: int = 0) -> pd.DataFrame:
    """A small table with numbers, text categories, missing values and a learnable target."""
    rng = np.random.default_rng(seed)
    age = rng.normal(40, 12, n).round(1)
    income = rng.lognormal(10, 0.5, n).round(0)
    city = rng.choice(["Lyon", "Graz", "Turin", "Porto"], n)
    score = 0.08 * (age - 40) + (city == "Graz") * 1.5 + rng.normal(0, 0.7, n)
    label = np.where(score > 0.4, "yes", "no")
    frame = pd.DataFrame({"age": age, "income": income, "city": city, "bought": label})
    frame.loc[rng.choice(n, 12, replace=False), "income"] = np.nan
    frame.loc[rng.choice(n, 6, replace=False), "city"] = np.nan
    return frame


@pytest.fixture
def mixed_csv(tmp_path):
    path = tmp_path / "customers.csv"
    make_mixed_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def split_project(tmp_path, mixed_csv):
    """A project on ``mixed_csv`` with its goal set and its rows split."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project as do_split

    project = new_project(tmp_path / "proj", GoalChoice(data=str(mixed_csv), target="bought"))
    do_split(project, seed=3)
    return project


@pytest.fixture(autouse=True)
def _unfrozen_collector():
    """The app keeps what lives at a job's start out of full garbage collections
    (gui.quiet_collector); one test process builds hundreds of windows, so each test gives
    the collector its objects back afterwards."""
    yield
    import gc

    if gc.get_freeze_count():
        gc.unfreeze()


@pytest.fixture(scope="session")
def engine_runner(qapp):
    """One engine process shared by the GUI and e2e tests (TensorFlow is imported once)."""
    from gui.jobs import JobRunner

    runner = JobRunner(grace_ms=1500)
    runner.start()
    yield runner
    runner.shutdown()
