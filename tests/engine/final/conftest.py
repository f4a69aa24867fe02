"""The final-test tests share one trained project (copied by each test before it is used)."""

import pytest

from engine.baseline.step import run_baselines
from engine.goal.step import GoalChoice, new_project
from engine.split.step import split_project
from tests.conftest import make_mixed_frame


@pytest.fixture(scope="package")
def trained_dir(tmp_path_factory):
    """A split project with its baselines trained (majority, linear, boosted trees, MLP: 2
    epochs; the majority model has the fewest weights)."""
    root = tmp_path_factory.mktemp("final")
    make_mixed_frame(200, seed=4).to_csv(root / "data.csv", index=False)
    project = new_project(root / "p", GoalChoice(data=str(root / "data.csv"), target="bought"))
    split_project(project, seed=3)
    run_baselines(project, deep_params={"epochs": 2, "width": 8, "patience": 5},
                  sanity=False)
    return root / "p"
