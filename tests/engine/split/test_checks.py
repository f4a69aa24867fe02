"""The checks made by split_project: stored with the split, reported as progress,
cancellable without writing anything, classes missing from a split, the imbalance advice,
the ways out, and the split job's options."""

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import JobCancelled, ProjectError
from engine.data.findings import check_frame
from engine.app.job_catalog import run_request
from engine.split.requests import SplitRequest
from engine.core.jobs import NEVER, CancelToken, Progress, StageStarted, ignore
from engine.project.project import SPLITS_FILE, open_project
from engine.split.checks import STAGES, way_out
from engine.split.step import split_project
from tests.engine.split.split_check_data import by_code, codes, project_from, table


def test_checks_are_stored_with_the_split_and_survive_reopening(tmp_path):
    project = project_from(tmp_path, table(300))
    events = []
    summary = split_project(project, seed=0, progress=events.append)
    assert summary.checks == () and project.split.checks == ()
    assert summary.drop_copies is False and summary.copies_dropped == {}
    stages = [e for e in events if isinstance(e, StageStarted)]
    assert [s.stage for s in stages] == ["split", "split_checks", "saving"]
    steps = [e for e in events if isinstance(e, Progress) and e.total == len(STAGES)]
    assert [(p.done, p.total) for p in steps] == [(i, len(STAGES)) for i in
                                                  range(len(STAGES) + 1)]
    reopened = open_project(project.root)
    assert reopened.split.checks == () and reopened.split.drop_copies is False


def test_cancelling_the_checks_leaves_the_project_as_it_was(tmp_path):
    project = project_from(tmp_path, table(300))
    token = CancelToken()

    def cancel_at_leakage(event):
        if (isinstance(event, Progress) and event.total == len(STAGES)
                and event.done == STAGES.index("leakage")):
            token.cancel()

    with pytest.raises(JobCancelled):
        split_project(project, progress=cancel_at_leakage, cancel=token)
    assert project.split is None and not (project.root / SPLITS_FILE).exists()
    assert open_project(project.root).split is None


def test_classes_without_rows_in_a_split_are_listed(tmp_path):
    main = table(300)
    main.loc[:9, "label"] = "maybe"  # a third class, in the main file only
    care = table(120, seed=3)
    care.loc[:4, "label"] = "unsure"  # a class the training rows never show
    project = project_from(tmp_path, main, second=care)
    checks = split_project(project, seed=0).checks
    found = by_code(checks, "class_missing")
    assert len(found) == 1 and found[0].severity == "warning"
    message = found[0].message
    assert "dev set: 'maybe'" in message and "test set: 'maybe'" in message
    assert "training set: 'unsure'" in message
    assert "never predict a class it was not trained on" in found[0].fix


def test_a_regression_has_no_class_checks(tmp_path):
    frame = table(200).assign(label=lambda f: f.x1 * 3 + np.random.default_rng(1).normal(
        size=200))
    project = project_from(tmp_path, frame)
    assert project.goal.task == "regression"
    assert "class_missing" not in codes(split_project(project).checks)


def test_the_imbalance_finding_names_the_metric_and_the_training_strategy():
    binary = pd.DataFrame({"x": range(225), "y": ["common"] * 210 + ["rare"] * 15})
    binary["y"] = binary["y"].sample(frac=1, random_state=0).to_numpy()
    found = [f for f in check_frame(binary, "y") if f.code == "imbalance"][0]
    assert "average precision" in found.fix and "F1" in found.fix
    assert "weigh the rare classes more" in found.fix and "oversample" in found.fix
    many = pd.DataFrame({"x": range(230),
                         "y": ["a"] * 200 + ["b"] * 15 + ["c"] * 15})
    found = [f for f in check_frame(many, "y") if f.code == "imbalance"][0]
    assert "macro F1" in found.fix


def test_ways_out_are_named_for_the_findings_that_have_one():
    assert way_out({"code": "copies_across_splits"}) == "drop_copies"
    assert way_out({"code": "near_copies_across_splits"}) == "drop_copies"
    assert way_out({"code": "target_copy", "column": "x"}) == "leave_out"
    assert way_out({"code": "feature_drift"}) is None


def test_the_split_job_passes_the_ways_out(tmp_path):
    frame = table(300)
    frame["result"] = frame["label"]
    project = project_from(tmp_path, frame)
    events = []
    result = run_request(SplitRequest(project=str(project.root), seed=1), events.append,
                         NEVER).to_dict()
    assert [f.get("way_out") for f in by_code(result["checks"], "target_copy")] == [
        "leave_out"] and events
    result = run_request(SplitRequest(project=str(project.root), seed=1, leave_out=("result",),
                                      drop_copies=True), ignore, NEVER).to_dict()
    assert "target_copy" not in codes(result["checks"]) and result["drop_copies"]
    assert "result" not in open_project(project.root).features
    with pytest.raises(ProjectError, match="not one of the columns"):
        run_request(SplitRequest(project=str(project.root), leave_out=("nope",)), ignore, NEVER)
