"""End to end with the expected cost as the optimizing metric: two quick runs are trained,
the cheaper one is chosen (not the more accurate one), a constraint on the cost is
checked, and the final test gives the expected cost on the test rows with its interval."""

from __future__ import annotations

import math

import pytest

from engine.diagnosis.step import diagnose_project
from engine.final.step import run_final_test
from engine.core.texts import text
from engine.goal import edit
from engine.goal.cost_table import table_from_pairs
from engine.goal.metrics import COST
from engine.goal.run_choice import best_run, feasibility
from engine.goal.step import GoalChoice, new_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from tests.conftest import make_mixed_frame


def _trained(root, costs):
    make_mixed_frame(200, seed=4).to_csv(root / "data.csv", index=False)
    project = new_project(root / "p", GoalChoice(data=str(root / "data.csv"), target="bought",
                                                 metric=COST, costs=costs))
    split_project(project, seed=3)
    for kind in ("majority", "linear"):
        run_training(TrainingSpec(str(project.root), kind, {}))
    project.reload_runs()
    return project, {r.model: r for r in project.runs}


def test_a_keras_run_reports_the_expected_cost_after_every_epoch(tmp_path):
    make_mixed_frame(160, seed=2).to_csv(tmp_path / "data.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(tmp_path / "data.csv"),
                                                     target="bought", metric=COST,
                                                     costs=("yes:no=4",)))
    split_project(project, seed=3)
    run_training(TrainingSpec(str(project.root), "mlp", {"epochs": 2, "width": 8}))
    project.reload_runs()
    run = project.runs[-1]
    assert run.status == "finished" and run.errors["dev"] == run.metrics["dev"][COST]
    dev_costs = [epoch["val_metric"] for epoch in run.history]
    # each epoch's dev cost lies between 0 and the dearest mistake
    assert len(dev_costs) == 2 and all(0 <= c <= 4 for c in dev_costs)


def test_free_misses_make_the_always_no_model_the_cheapest(tmp_path):
    # A miss costs nothing, a false alarm 100: answering "no" every time costs 0.
    project, runs = _trained(tmp_path, ("yes:no=0", "no:yes=100"))
    majority, linear = runs["majority"], runs["linear"]
    assert majority.metrics["dev"][COST] == 0.0 < linear.metrics["dev"][COST]
    assert linear.metrics["dev"]["f1"] > majority.metrics["dev"]["f1"]
    assert majority.errors["dev"] == majority.metrics["dev"][COST]
    assert best_run(project).id == majority.id
    # new costs do not rescore the runs trained before: said, and logged with the change
    table = table_from_pairs(project.goal.labels, ["yes:no=3"])
    said = edit.set_costs(project, table)
    assert said == [text("costs.runs_before")]
    assert project.decisions[-1].details["warnings"] == said


def test_costly_misses_choose_the_model_that_finds_them_and_the_final_test_prices_it(tmp_path):
    project, runs = _trained(tmp_path, ("yes:no=5", "no:yes=1"))
    majority, linear = runs["majority"], runs["linear"]
    cheap, dear = linear.metrics["dev"][COST], majority.metrics["dev"][COST]
    assert cheap < dear
    assert best_run(project).id == linear.id
    # a limit between the two costs leaves only the cheaper run feasible
    edit.set_constraints(project, [f"expected_cost <= {(cheap + dear) / 2:.4f}"])
    assert all(c.ok for c in feasibility(project, linear))
    assert not any(c.ok for c in feasibility(project, majority))
    project.save()
    diagnose_project(project)
    assert project.chosen_run == linear.id
    final = run_final_test(project, seeds=1, n_resamples=50)
    entry = final.metrics[COST]
    assert final.metric == COST and math.isfinite(entry.low) and math.isfinite(entry.high)
    assert entry.low <= entry.value <= entry.high and entry.value > 0
    assert final.test_error == pytest.approx(entry.value)
    chosen = next(f for f in final.finalists if f.role == "chosen")
    assert chosen.interval.low == pytest.approx(entry.low)
    # the chosen model and the majority model are compared on their rows' costs
    assert final.comparisons and final.comparisons[0].test == "permutation"
