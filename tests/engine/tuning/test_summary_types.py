"""The typed tuning summary: its JSON form round-trips, and older files still read."""

import json

from engine.tuning.settings import TuningSettings
from engine.tuning.summary import read_summary, summary_path, write_summary
from engine.tuning.summary_types import (VERSION, Axis, BestTrial, HistoryPoint, TrialCounts,
                                         TrialRow, TuningSummary)

FULL = {
    "version": VERSION, "updated": "2026-01-01T00:00:00+00:00", "metric": "accuracy",
    "kind": "mlp", "default_space": {"params": [{"name": "width", "kind": "int"}]},
    "storage": "", "exists": True,
    "settings": {"space": {"params": []}, "sampler": "tpe", "pruner": "", "epochs": 3,
                 "round": 1, "seed": None, "startup_trials": 5, "kfold": 3},
    "trials": [
        {"number": 0, "trial": 1, "state": "complete", "round": 1, "value": 0.25,
         "feasible": True, "broken": [], "run_id": "r1", "params": {"width": 64, "opt": "adam"},
         "epochs": 2, "seconds": 1.5, "worker": "w1", "curve": [[1, 0.3], [2, 0.25]],
         "positions": {"width": 0.5, "opt": None}, "score_position": 0.0,
         "fold_errors": [0.2, 0.3, 0.25], "fold_spread": 0.05, "run_dev_error": 0.28},
        {"number": 1, "trial": 2, "state": "pruned", "round": 2, "value": None,
         "feasible": None, "broken": [], "run_id": "", "params": {"width": 16}, "epochs": 1,
         "seconds": None, "worker": "", "curve": [[1, None]], "positions": {"width": 0.0},
         "score_position": None, "fold_errors": [], "fold_spread": None,
         "run_dev_error": None}],
    "history": [{"number": 0, "trial": 1, "round": 1, "value": 0.25, "feasible": True,
                 "best_so_far": 0.25}],
    "best": {"number": 0, "trial": 1, "run_id": "r1", "value": 0.25},
    "importance": {"width": 1.0}, "proposal": {"params": []}, "next_round": 3,
    "counts": {"complete": 1, "pruned": 1, "fail": 0, "running": 0},
    "log_params": ["width"],
    "axes": {"width": {"low": 16.0, "high": 256.0, "log": True, "choices": []},
             "opt": {"low": None, "high": None, "log": False, "choices": ["adam", "sgd"]}}}


def test_the_json_form_round_trips_unchanged():
    summary = TuningSummary.from_dict(FULL)
    assert summary.to_dict() == FULL
    assert TuningSummary.from_dict(json.loads(json.dumps(summary.to_dict()))) == summary
    assert summary.best == BestTrial(0, 1, "r1", 0.25) and summary.best_number == 0
    assert summary.counts == TrialCounts(complete=1, pruned=1)
    assert summary.axes["opt"] == Axis(choices=("adam", "sgd"))
    assert summary.trials[1].curve == ((1, None),) and summary.trial_row(1).round == 2
    assert summary.trial_row(7) is None
    assert summary.settings == TuningSettings({"params": []}, sampler="tpe", epochs=3,
                                            kfold=3)
    assert summary.history == (HistoryPoint(0, 1, 1, 0.25, True, 0.25),)


def test_an_older_summary_gets_defaults_for_what_it_lacks():
    old = {"version": VERSION, "metric": "rmse", "trials": [
        {"number": 4, "state": "complete", "value": 1.5, "feasible": True,
         "params": {"width": 32}, "curve": [[1, 2.0]]}],
        "best": {"number": 4, "run_id": "r5", "value": 1.5}, "history": [
        {"number": 4, "value": 1.5, "feasible": True, "best_so_far": 1.5}]}
    summary = TuningSummary.from_dict(old)
    assert summary.exists is True and summary.settings is None and summary.proposal is None
    row = summary.trials[0]
    assert row == TrialRow(number=4, trial=5, value=1.5, feasible=True,
                           params={"width": 32}, curve=((1, 2.0),))
    assert summary.best.trial == 5 and summary.history[0].trial == 5
    assert summary.counts == TrialCounts() and summary.axes == {} and summary.next_round == 1
    assert TuningSummary.from_dict({}) == TuningSummary()
    # Settings from an older version: unknown keys dropped, a sampler no longer offered read
    # as no settings.
    settings = TuningSummary.from_dict({"settings": {"sampler": "tpe", "old_key": 1}}).settings
    assert settings == TuningSettings(sampler="tpe")
    assert TuningSummary.from_dict({"settings": {"sampler": "cmaes"}}).settings is None


def test_the_file_holds_the_json_form_and_reads_back_typed(split_project):
    written = write_summary(split_project.root, importance=False)
    assert isinstance(written, TuningSummary) and written.exists is False
    on_disk = json.loads(summary_path(split_project.root).read_text(encoding="utf-8"))
    assert on_disk == written.to_dict()
    assert read_summary(split_project.root) == written
    summary_path(split_project.root).write_text(json.dumps({**FULL, "updated": "x"}),
                                                 encoding="utf-8")
    assert read_summary(split_project.root).updated == "x"
    summary_path(split_project.root).write_text(json.dumps({**FULL, "version": 0}),
                                                 encoding="utf-8")
    assert read_summary(split_project.root) is None
