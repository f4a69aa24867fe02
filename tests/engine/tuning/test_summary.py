"""The summary of a study (what the Tune page, report and CSV show) and its trial table."""

import io
import math
import os

import numpy as np
import pandas as pd
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState, create_trial

from engine.tuning.space import ParamRange, SearchSpace
from engine.tuning.study import TuningSettings, journal_path, open_study
from engine.tuning.summary import (position, read_summary, study_summary, summary_is_stale,
                                   write_summary)
from engine.tuning.table import trials_frame, write_trials_csv

SPACE = SearchSpace("mlp", (ParamRange("learning_rate", "float", 1e-4, 1e-1, log=True),
                            ParamRange("width", "int", 16, 256, log=True),
                            ParamRange("batch_size", "categorical", choices=(16, 32, 64))))
WIDE = {"learning_rate": FloatDistribution(1e-4, 1e-1, log=True),
        "width": IntDistribution(16, 256, log=True),
        "batch_size": CategoricalDistribution([16, 32, 64])}


def _add(study, params, value, feasible=True, round_=1, dists=WIDE, state=TrialState.COMPLETE):
    study.add_trial(create_trial(
        params=params, distributions={k: dists[k] for k in params},
        value=value if state == TrialState.COMPLETE else None, state=state,
        user_attrs={"feasible": feasible, "round": round_,
                    "broken": [] if feasible else ["latency_ms < 5"]},
        intermediate_values={1: value + 0.1, 2: value} if value is not None else {}))


def _study(project):
    return open_study(project.root, settings=TuningSettings(SPACE.to_dict(), epochs=2))


def test_a_project_without_a_search_gets_the_recommended_ranges(split_project):
    summary = study_summary(split_project.root)
    assert summary.exists is False and summary.trials == ()
    names = [p["name"] for p in summary.default_space["params"]]
    assert names[0] == "learning_rate" and summary.kind == "mlp"
    assert summary_is_stale(split_project.root)  # nothing written yet


def test_rows_history_best_and_positions(split_project):
    study = _study(split_project)
    _add(study, {"learning_rate": 1e-3, "width": 64, "batch_size": 32}, 0.30)
    _add(study, {"learning_rate": 1e-2, "width": 16, "batch_size": 16}, 0.10, feasible=False)
    _add(study, {"learning_rate": 1e-4, "width": 256, "batch_size": 64}, 0.20)
    _add(study, {"learning_rate": 3e-3, "width": 32, "batch_size": 32}, None,
         state=TrialState.PRUNED)
    summary = write_summary(split_project.root, study=study, importance=False)
    assert read_summary(split_project.root) == summary
    assert not summary_is_stale(split_project.root)
    rows = summary.trials
    assert [r.state for r in rows] == ["complete", "complete", "complete", "pruned"]
    assert [r.trial for r in rows] == [1, 2, 3, 4]
    # The infeasible trial has the lowest error but is never the best.
    assert summary.best.number == 2 and summary.best.value == pytest.approx(0.2)
    assert rows[1].broken == ("latency_ms < 5",) and rows[1].feasible is False
    assert [h.best_so_far for h in summary.history] == [0.3, 0.3, 0.2]
    # Positions on log axes: 1e-3 lies a third of the way from 1e-4 to 1e-1.
    assert rows[0].positions["learning_rate"] == pytest.approx(1 / 3)
    assert rows[2].positions["width"] == pytest.approx(1.0)
    assert rows[0].positions["batch_size"] == pytest.approx(0.5)
    assert rows[0].curve == ((1, pytest.approx(0.4)), (2, pytest.approx(0.3)))
    assert [r.score_position for r in rows] == [pytest.approx(1.0), 0.0,
                                                 pytest.approx(0.5), None]
    assert rows[3].value is None  # a pruned trial has no result, only its curve
    assert summary.log_params == ("learning_rate", "width")
    assert summary.axes["batch_size"].choices == (16, 32, 64)
    assert summary.counts.to_dict() == {"complete": 3, "pruned": 1, "fail": 0, "running": 0}
    proposal = SearchSpace.from_dict(summary.proposal)  # around the feasible trials
    lr = proposal.get("learning_rate")  # 1e-4 to 1e-3, padded by a quarter decade
    assert lr.low == pytest.approx(1e-4) and lr.high == pytest.approx(10 ** -2.75)
    assert summary.next_round == 2


def test_importance_finds_the_setting_that_matters_across_narrowed_rounds(split_project):
    study = _study(split_project)
    rng = np.random.default_rng(0)
    narrow = {**WIDE, "learning_rate": FloatDistribution(1e-3, 1e-2, log=True)}
    for i in range(24):
        fine = i >= 16
        lo, hi = (-3, -2) if fine else (-4, -1)
        lr = 10 ** rng.uniform(lo, hi)
        params = {"learning_rate": lr, "width": int(rng.integers(16, 257)),
                  "batch_size": int(rng.choice([16, 32, 64]))}
        value = (math.log10(lr) + 2.5) ** 2 + 0.001 * rng.normal()
        _add(study, params, value, round_=2 if fine else 1, dists=narrow if fine else WIDE)
    importance = study_summary(split_project.root, study=study).importance
    assert set(importance) == {"learning_rate", "width", "batch_size"}
    assert max(importance, key=importance.get) == "learning_rate"
    assert importance["learning_rate"] > 0.6 > 2 * max(importance["width"], importance["batch_size"])


def test_few_trials_give_no_importance_yet(split_project):
    study = _study(split_project)
    _add(study, {"learning_rate": 1e-3, "width": 64, "batch_size": 32}, 0.3)
    assert study_summary(split_project.root, study=study).importance == {}


def test_the_trial_table_parses_back_to_the_summary(split_project, tmp_path):
    study = _study(split_project)
    _add(study, {"learning_rate": 1e-3, "width": 64, "batch_size": 32}, 0.25)
    _add(study, {"learning_rate": 2e-2, "width": 16, "batch_size": 64}, 0.5, feasible=False)
    summary = write_summary(split_project.root, study=study, importance=False)
    path = tmp_path / "trials.csv"
    write_trials_csv(summary, path)
    back = pd.read_csv(path)
    assert list(back["trial"]) == [1, 2]
    assert list(back["dev_error"]) == pytest.approx([0.25, 0.5])
    assert list(back["best"]) == [True, False]
    assert list(back["learning_rate"]) == pytest.approx([1e-3, 2e-2])
    assert back["broken_limits"].fillna("").tolist() == ["", "latency_ms < 5"]
    assert trials_frame(None).empty and "dev_error" in trials_frame(None).columns


def test_position_of_choices_and_edges():
    assert position((None, None, False, (16, 32, 64)), 64) == 1.0
    assert position((None, None, False, ("adam",)), "adam") == 0.5
    assert position((None, None, False, (1, 2)), 3) is None
    assert position((0.0, 0.5, False, ()), 0.25) == 0.5


def test_a_journal_newer_than_the_summary_makes_it_stale(split_project):
    study = _study(split_project)
    _add(study, {"learning_rate": 1e-3, "width": 64, "batch_size": 32}, 0.3)
    write_summary(split_project.root, study=study, importance=False)
    journal = journal_path(split_project.root)
    later = os.stat(journal).st_mtime + 5
    os.utime(journal, (later, later))
    assert summary_is_stale(split_project.root)
