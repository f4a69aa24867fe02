"""Tuning boosted trees: four settings on log scales, and a study trains tree runs with the
values it suggests."""

from engine.project.project import open_project
from engine.tuning.objective import TuningBudget, run_study
from engine.tuning.space import default_space
from engine.tuning.study import TuningSettings, open_study


def test_tree_space_is_four_log_ranges(split_project):
    space = default_space(split_project, "boosted")
    assert [p.name for p in space.params] == ["learning_rate", "num_leaves",
                                              "min_rows_per_leaf", "l2"]
    assert all(p.log and p.searched for p in space.params)


def test_a_study_of_trees_trains_tree_runs_with_its_settings(split_project):
    settings = TuningSettings(default_space(split_project, "boosted").to_dict(), epochs=1,
                              seed=0)
    result = run_study(TuningBudget(str(split_project.root), settings, n_trials=2))
    assert (result.trials, result.complete) == (2, 2)
    project = open_project(split_project.root)
    for trial in open_study(split_project.root).trials:
        run = project.run(trial.user_attrs["run_id"])
        assert run.model == "boosted" and run.params["rounds"] >= 1
        for name in ("learning_rate", "num_leaves", "min_rows_per_leaf", "l2"):
            assert run.params[name] == trial.params[name]
        assert trial.value == run.errors["dev"]


def test_chosen_trees_are_what_tuning_searches(split_project):
    from engine.training.job import TrainingSpec, run_training
    from engine.tuning.kind import tuning_kind

    assert tuning_kind(split_project) == "mlp"
    run_id = run_training(TrainingSpec(str(split_project.root), "boosted")).run_id
    project = open_project(split_project.root)
    project.chosen_run = run_id
    project.save()
    assert tuning_kind(open_project(split_project.root)) == "boosted"
