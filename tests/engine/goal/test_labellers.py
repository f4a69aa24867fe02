"""Several labellers: the vote, the human-level error and its interval, the people's
confusion matrix, and a project whose target is the vote (the label columns never inputs).

Planted: three people, each wrong on 8% of 3000 rows, wrong answers spread evenly over the
two other classes. Expected: one person's disagreement with the others' clear vote is 8%
plus a small upward bias (the others' vote is itself wrong now and then: about +0.4 points
here), so the estimate must fall within 2 points of 8% (the bias plus about three standard
errors of a share over ~9000 comparisons), and the interval must hold the estimate and be
narrower than 3 points. The vote is wrong when at least two people are:
3p^2(1-p) + p^3 = 1.8% (a little less with three classes, where two wrong people may
disagree); the measured vote error and the vote error Practica predicts must both be within
1 point of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import GoalError
from engine.data.label_vote import vote_of
from engine.goal.labellers import estimate_labellers
from engine.goal.labellers_text import confused_pairs, labellers_lines
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.datasets import source_frame
from tests.engine.goal.labelled_data import PEOPLE, planted

P = 0.08
VOTE_WRONG = 3 * P ** 2 * (1 - P) + P ** 3


def test_planted_error_is_found():
    frame, truth = planted(wrong=P)
    vote = vote_of(frame, PEOPLE).to_numpy()
    assert abs((vote != truth).mean() - VOTE_WRONG) < 0.01
    h = estimate_labellers(frame, PEOPLE, "multiclass")
    assert abs(h.estimate - P) < 0.02
    assert h.low <= h.estimate <= h.high and h.high - h.low < 0.03
    assert all(abs(p - P) < 0.03 for p in h.per_labeller)
    assert abs(h.vote_error - VOTE_WRONG) < 0.01
    # The people's confusion matrix counts each clear comparison once: 3 people times the
    # share of rows where the two others agree, (1-p)^2 + p^2/2 = 85%.
    assert abs(sum(map(sum, h.confusion)) / (3 * len(frame)) - 0.85) < 0.02


def test_a_careless_person_shows_and_their_mixups_are_named():
    frame, truth = planted(wrong=0.02, seed=1)
    rng = np.random.default_rng(2)
    careless = rng.random(len(frame)) < 0.3  # cy calls 30% of the cats "dog"
    frame["cy"] = np.where(careless & (truth == "cat"), "dog", frame["cy"])
    h = estimate_labellers(frame, PEOPLE, "multiclass")
    assert h.per_labeller[2] > 3 * max(h.per_labeller[:2])
    assert confused_pairs(h)[0][:2] == ("cat", "dog")
    assert any("cat → dog" in line for line in labellers_lines(h))


def test_ties_are_broken_the_same_way_every_time():
    frame = pd.DataFrame({"a": ["x", "y", "y", "z"], "b": ["y", "x", "y", "z"]})
    # The first two rows tie x/y; y is more common in the file, so y wins both times.
    assert vote_of(frame, ["a", "b"]).tolist() == ["y", "y", "y", "z"]


def test_numbers_take_the_mean_and_the_spread_is_found():
    rng = np.random.default_rng(3)
    truth = rng.normal(50, 10, size=4000)
    frame = pd.DataFrame({c: truth + rng.normal(0, 2.0, size=4000) for c in "abc"})
    assert np.allclose(vote_of(frame, list("abc"), "mean"), frame.mean(axis=1))
    h = estimate_labellers(frame, list("abc"), "regression")
    assert abs(h.estimate - 2.0) < 0.1  # one person's planted spread
    assert abs(h.vote_error - 2.0 / np.sqrt(3)) < 0.1


def test_project_target_is_the_vote_and_labels_are_never_inputs(tmp_path):
    frame, _ = planted(rows=600)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(data), target=None,
                                                     label_columns=PEOPLE))
    goal = project.goal
    assert goal.target == "label_vote" and goal.task == "multiclass"
    assert not set(PEOPLE) & set(project.features) and goal.target not in project.features
    assert set(project.features) == {"x1", "x2"}
    assert goal.labellers.columns == PEOPLE and goal.metric == "accuracy"
    assert goal.target_error == pytest.approx(goal.labellers.estimate)
    again = open_project(project.root)
    assert again.goal.labellers == goal.labellers
    read = source_frame(again)  # every later step reads the vote like a plain column
    assert read["label_vote"].tolist() == vote_of(frame, PEOPLE).tolist()
    assert any(d.kind == "labellers_estimated" for d in again.decisions)


def test_a_target_error_given_by_the_user_is_kept(tmp_path):
    frame, _ = planted(rows=300)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    project = new_project(tmp_path / "p", GoalChoice(
        data=str(data), target="animal", label_columns=PEOPLE, target_error=0.2))
    assert project.goal.target == "animal" and project.goal.target_error == 0.2


def test_no_target_is_proposed_for_a_metric_that_does_not_count_disagreements(tmp_path):
    frame, _ = planted(rows=300)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    project = new_project(tmp_path / "p", GoalChoice(
        data=str(data), target=None, label_columns=PEOPLE, metric="f1_macro"))
    goal = project.goal
    assert goal.target_error is None and goal.labellers.estimate is not None
    assert any("did not make it the target" in line
               for line in labellers_lines(goal.labellers, goal.target_error))


def test_bad_label_columns_are_refused(tmp_path):
    frame, _ = planted(rows=100)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    for columns in (("ann",), ("ann", "zed")):
        with pytest.raises(GoalError):
            new_project(tmp_path / "p", GoalChoice(data=str(data), target=None,
                                                   label_columns=columns))
    assert not (tmp_path / "p").exists()
