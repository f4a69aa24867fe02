import json

import numpy as np
import pandas as pd

from engine.split.datasets import split_frame
from engine.goal.step import GoalChoice, new_project
from engine.core.jobs import EpochEnded, StageStarted, event_from_dict
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.app.workflow import run_until
from tests.conftest import make_mixed_frame


def test_second_file_supplies_dev_and_test_rows(tmp_path):
    web = make_mixed_frame(200, seed=1)
    app = make_mixed_frame(80, seed=2)
    app["age"] += 5  # the data we care about differs a little
    web.to_csv(tmp_path / "web.csv", index=False)
    app.to_csv(tmp_path / "app.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(tmp_path / "web.csv"),
                                                     target_data=str(tmp_path / "app.csv"),
                                                     target="bought"))
    summary = split_project(project, seed=0)
    assert summary.sources["dev"] == "target" and summary.sources["test"] == "target"
    sizes = summary.sizes
    assert sizes["train"] + sizes["train_dev"] == 200
    assert sizes["dev"] + sizes["test"] == 80
    dev = split_frame(project, "dev")
    assert np.allclose(dev["age"].to_numpy(), app.loc[dev.index, "age"].to_numpy())
    train = split_frame(project, "train")
    assert np.allclose(train["age"].to_numpy(), web.loc[train.index, "age"].to_numpy())


def test_specs_events_and_results_cross_a_process_boundary_as_json(split_project):
    spec = TrainingSpec(str(split_project.root), "mlp", {"epochs": 2, "width": 4})
    assert TrainingSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec
    events = []
    result = run_training(spec, events.append)
    wire = [json.loads(json.dumps(e.to_dict())) for e in events]
    assert [event_from_dict(w) for w in wire] == events
    assert any(isinstance(e, EpochEnded) for e in events)
    assert any(isinstance(e, StageStarted) for e in events)
    assert json.loads(json.dumps(result.to_dict()))["run_id"] == result.run_id


def test_run_until_does_each_step_once(split_project):
    done = run_until(split_project, "diagnose", deep_params={"epochs": 2})
    assert done == ["baseline", "diagnose"]
    assert run_until(split_project, "diagnose") == []
    assert split_project.chosen_run and split_project.diagnosis.verdict
    assert not split_project.vault_open


def test_run_until_checks_the_labels_before_a_baseline_with_hard_examples(split_project):
    stages = []
    run_until(split_project, "baseline", stages.append,
              deep_params={"epochs": 2, "width": 8, "hard_examples": 0.5})
    said = [e.text for e in stages if isinstance(e, StageStarted)]
    warning = next(i for i, s in enumerate(said) if s.startswith("Hard examples are on"))
    training = next(i for i, s in enumerate(said) if s.startswith("Training the "))
    assert warning < training  # the warning and the label check come first
    assert any(d.kind == "hard_examples" for d in split_project.decisions)
    deep = next(r for r in split_project.runs if r.model == "mlp")
    assert deep.params["hard_examples"] == 0.5


def test_run_until_speaks_the_wizards_step_names_and_the_older_ones(tmp_path, mixed_csv):
    """One set of step names (the wizard's); 'split' and 'test' still work from older scripts."""
    import pytest

    from engine.app.steps import HEADLESS, STEPS
    from engine.core.errors import ProjectError

    assert set(HEADLESS) <= set(STEPS)
    project = new_project(tmp_path / "p", GoalChoice(data=str(mixed_csv), target="bought"))
    assert run_until(project, "split") == ["data"]
    assert project.split is not None
    assert run_until(project, "data") == []
    with pytest.raises(ProjectError, match="data, baseline, diagnose, tune, final, report"):
        run_until(project, "vault")
