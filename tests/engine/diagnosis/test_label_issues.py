"""Suspected label errors: per-class thresholds, the flagging rule, planted flips are found."""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from engine.diagnosis.label_issues import (class_thresholds, find_label_issues, flag_issues,
                                 out_of_sample_proba)

CENTERS = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])


def planted(n=400, flips=20, seed=0):
    """Three well separated blobs; ``flips`` rows get another class than their blob's."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    X = CENTERS[truth] + rng.normal(0, 1, (n, 2))
    flipped = rng.choice(n, flips, replace=False)
    given = truth.copy()
    given[flipped] = (truth[flipped] + rng.integers(1, 3, flips)) % 3
    return X, truth, given, flipped


def test_thresholds_are_the_mean_probability_of_each_class_over_its_rows():
    proba = np.array([[.9, .1, 0], [.6, .4, 0], [.2, .8, 0], [.3, .3, .4]])
    given = np.array([0, 0, 1, 1])
    assert class_thresholds(proba, given)[:2] == pytest.approx([0.75, 0.55])
    assert np.isnan(class_thresholds(proba, given)[2])  # nobody is labelled 2


def test_a_row_is_suspect_below_its_threshold_with_another_class_above_its_own():
    proba = np.array([[.9, .1], [.8, .2], [.3, .7], [.1, .9], [.95, .05], [.45, .55]])
    given = np.array([0, 0, 0, 1, 1, 1])
    # thresholds: class 0 = mean(.9, .8, .3) = .667; class 1 = mean(.9, .05, .55) = .5
    flagged = flag_issues(proba, given)
    # row 2: p0=.3 < .667 and p1=.7 >= .5 -> suspect, margin .4
    # row 4: p1=.05 < .5 and p0=.95 >= .667 -> suspect, margin .9 (ranked first)
    # row 5: p1=.55 >= .5 -> not suspect
    assert flagged.positions.tolist() == [4, 2]
    assert flagged.suggested.tolist() == [0, 1]
    assert flagged.margin == pytest.approx([0.9, 0.4])


def test_out_of_sample_probabilities_are_sklearns_cross_val_predict():
    X, _, given, _ = planted(n=120, flips=0, seed=1)
    ours = out_of_sample_proba(X, given, 4, seed=5)
    cv = StratifiedKFold(5, shuffle=True, random_state=5)
    theirs = cross_val_predict(LogisticRegression(max_iter=1000), X, given, cv=cv,
                               method="predict_proba")
    assert ours.shape == (120, 4)
    assert ours[:, :3] == pytest.approx(theirs)
    assert (ours[:, 3] == 0).all()  # a class with no rows gets no probability


def test_planted_label_flips_are_found():
    X, truth, given, flipped = planted()
    flagged = flag_issues(out_of_sample_proba(X, given, 3, seed=0), given)
    hits = np.isin(flagged.positions, flipped)
    precision = hits.mean()
    recall = hits.sum() / len(flipped)
    # Measured: 17 flagged, all of them flipped (precision 1.0, recall 0.85).
    assert precision >= 0.9 and recall >= 0.6, (precision, recall)
    right = flagged.suggested[hits] == truth[flagged.positions[hits]]
    assert right.all()  # the suggested label is the true one


def test_project_check_covers_train_and_dev_and_skips_regression(tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    X, truth, given, flipped = planted(n=400, flips=20, seed=2)
    names = np.array(["red", "green", "blue"])
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "colour": names[given]})
    frame.to_csv(tmp_path / "blobs.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(tmp_path / "blobs.csv"),
                                                     target="colour"))
    split_project(project, seed=0)
    labels = project.goal.labels
    from engine.split.datasets import split_frame

    dev = split_frame(project, "dev")
    dev_rows = dev.index.to_numpy()
    # The dev probabilities of a perfect model: the truth, softened.
    proba = np.full((len(dev), 3), 0.05)
    proba[np.arange(len(dev)), [labels.index(names[truth[r]]) for r in dev_rows]] = 0.9
    issues = find_label_issues(project, dev_rows, proba, dev["colour"], limit=100)
    assert issues.checked == {"train": len(split_frame(project, "train")), "dev": len(dev)}
    found = {(s.split, s.row) for s in issues.suspects}
    flipped_dev = set(dev_rows.tolist()) & set(flipped.tolist())
    assert {("dev", r) for r in flipped_dev} <= found  # every flip in dev, nothing else
    assert {r for split, r in found if split == "dev"} == flipped_dev
    train_rows = set(split_frame(project, "train").index.tolist())
    train_found = {r for split, r in found if split == "train"}
    assert train_found and train_found <= train_rows
    assert len(train_found & set(flipped.tolist())) / len(train_found) >= 0.8
    for s in issues.suspects:
        assert s.suggested == names[truth[s.row]] and s.given == names[given[s.row]]
    margins = [s.margin for s in issues.suspects]
    assert margins == sorted(margins, reverse=True)

    project.goal = replace(project.goal, task="regression")
    skipped = find_label_issues(project, dev_rows, None, dev["colour"])
    assert skipped.suspects == () and skipped.notes


def test_a_class_too_small_for_five_folds_skips_the_training_part(tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from engine.split.datasets import split_frame

    rng = np.random.default_rng(0)
    y = np.array(["a"] * 60 + ["b"] * 60 + ["c"] * 6)
    frame = pd.DataFrame({"x": rng.normal(size=len(y)), "y": y})
    frame.to_csv(tmp_path / "t.csv", index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(tmp_path / "t.csv"), target="y"))
    split_project(project, seed=0)
    dev = split_frame(project, "dev")
    proba = np.full((len(dev), 3), 1 / 3)
    issues = find_label_issues(project, dev.index.to_numpy(), proba, dev["y"])
    assert "train" not in issues.checked and issues.checked["dev"] == len(dev)
    assert any("'c'" in n for n in issues.notes)
