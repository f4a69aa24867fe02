"""Engine test set-up: the kill loop's warm parent starts as soon as the tests are chosen.

``test_kill_loop.py`` kills processes forked from a parent that has imported TensorFlow
(about ten seconds). When that test is among those to run, the parent starts right after
collection and imports while the other tests run, so the loop does not wait for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

KILL_LOOP_TEST = "test_kill_loop.py::test_twenty_kills_during_training_and_tuning_lose_nothing"
_parents: list = []


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    if any(item.nodeid.endswith(KILL_LOOP_TEST) for item in items):
        from bench.kill_loop import WarmParent

        _parents.append(WarmParent())


def pytest_unconfigure(config):
    while _parents:
        _parents.pop().close()


@pytest.fixture
def warm_parent():
    """The warm parent started after collection (or a new one); the loop closes it."""
    from bench.kill_loop import WarmParent

    return _parents.pop() if _parents else WarmParent()


@pytest.fixture(scope="module")
def split_template(tmp_path_factory) -> Path:
    """A project with its goal set and its rows split, made once per test module; tests
    work on copies of it."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from tests.conftest import make_mixed_frame

    base = tmp_path_factory.mktemp("template")
    data = base / "customers.csv"
    make_mixed_frame().to_csv(data, index=False)
    project = new_project(base / "proj", GoalChoice(data=str(data), target="bought"))
    split_project(project, seed=3)
    return project.root
