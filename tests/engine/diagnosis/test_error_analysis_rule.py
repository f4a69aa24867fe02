"""Error analysis counts the mistakes of the decision rule the model answers by."""

from __future__ import annotations

import numpy as np
import pytest

from engine.decision.threshold import set_threshold
from engine.diagnosis.error_analysis import analyse_errors
from engine.split.datasets import split_frame, target_values
from tests.conftest import make_mixed_frame
from tests.engine.use.test_prediction import _project, own_scores


def test_the_mistakes_are_those_of_the_threshold(tmp_path):
    project, (run,) = _project(tmp_path, make_mixed_frame(n=240), models=("linear",))
    dev = split_frame(project, "dev")
    y = target_values(project, dev).astype(str).to_numpy()
    p_yes = own_scores(project, run, dev)[:, project.goal.positive_index]
    plain = analyse_errors(project)
    assert plain.mistakes == int(np.sum(np.where(p_yes >= 0.5, "yes", "no") != y))
    set_threshold(project, "manual", value=0.15)
    ruled = analyse_errors(project)
    answer = np.where(p_yes >= 0.15, "yes", "no")
    assert ruled.mistakes == int(np.sum(answer != y)) != plain.mistakes
    for case in ruled.examples:
        i = list(dev.index).index(case.row)
        assert case.predicted == answer[i]
        want = p_yes[i] if answer[i] == "yes" else 1 - p_yes[i]
        assert case.confidence == pytest.approx(want)
