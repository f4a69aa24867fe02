"""Tuning with k-fold: each trial's value is its mean error over K folds of the non-test rows
(never a test row), the fold errors and spread are kept, the trial's run stays a normal run,
and every face says that the best score of a search is optimistic."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import engine.diagnosis.kfold as kfold
import engine.diagnosis.learning_curve_fit as curve_fit
import engine.tuning.fold_scores as fold_scores
from engine.cli.main import main as cli_main
from engine.core.errors import ProjectError
from engine.core.jobs import StageStarted
from engine.core.texts import text
from engine.project.project import open_project
from engine.tuning.objective import TuningBudget, run_study
from engine.tuning.space import tree_space
from engine.tuning.study import TuningSettings, open_study
from engine.tuning.summary import read_summary
from tests.engine.tuning.test_study import tiny_settings


def _key(frame):
    return list(zip(frame["age"], frame["income"].fillna(-1), frame["city"].fillna("?")))


def test_each_trial_is_scored_on_folds_of_the_non_test_rows_only(split_project, monkeypatch):
    asked, fits = [], []
    real_split_frame, real_fit = kfold.split_frame, curve_fit.fit_point

    def spy(project, name):
        asked.append(name)
        return real_split_frame(project, name)

    def record(project, kind, params, train, y_train, held, y_held, *rest):
        fits.append((_key(train), _key(held)))
        return real_fit(project, kind, params, train, y_train, held, y_held, *rest)

    monkeypatch.setattr(kfold, "split_frame", spy)
    monkeypatch.setattr(curve_fit, "fit_point", record)
    events = []
    settings = tiny_settings(split_project, kfold=3, pruner="none")
    result = run_study(TuningBudget(str(split_project.root), settings, n_trials=2),
                       events.append)
    assert (result.trials, result.complete, result.kfold) == (2, 2, 3)
    assert "test" not in asked and len(fits) == 6  # 2 trials x 3 folds

    splits = json.loads((split_project.root / "splits.json").read_text())
    source = pd.read_csv(split_project.source("main").path)
    test_rows = set(_key(source.iloc[splits["test"]["rows"]]))
    non_test = _key(source.drop(index=splits["test"]["rows"]))
    for first in (0, 3):  # each trial holds every non-test row out exactly once
        held = [row for _, h in fits[first:first + 3] for row in h]
        assert sorted(held) == sorted(non_test)
    for train, held in fits:
        assert test_rows.isdisjoint(train) and test_rows.isdisjoint(held)
        assert set(train).isdisjoint(held) and len(train) + len(held) == len(non_test)

    project = open_project(split_project.root)
    study = open_study(split_project.root)
    for trial in study.trials:
        errors = trial.user_attrs["fold_errors"]
        assert len(errors) == 3 and all(0 <= e <= 1 for e in errors)
        assert trial.value == pytest.approx(np.mean(errors))  # the value is the folds' mean
        assert trial.user_attrs["fold_spread"] == pytest.approx(np.std(errors, ddof=1))
        run = project.run(trial.user_attrs["run_id"])  # a normal run, on the training rows
        assert run.status == "finished"
        assert trial.user_attrs["run_dev_error"] == pytest.approx(run.errors["dev"])
    assert result.best_value == pytest.approx(np.mean(result.best_fold_errors))
    assert result.best_value == min(t.value for t in study.trials)
    summary = read_summary(split_project.root)
    assert summary.settings.kfold == 3
    best_row = summary.trial_row(summary.best_number)
    assert best_row.value == pytest.approx(np.mean(best_row.fold_errors))
    assert best_row.fold_spread == pytest.approx(np.std(best_row.fold_errors, ddof=1))
    folds_said = [e.text for e in events if isinstance(e, StageStarted)
                  and e.stage == "trial_fold"]
    assert folds_said[:3] == [text("tuning.stage_fold", trial=1, fold=k, folds=3)
                              for k in (1, 2, 3)]

    # Scores on folds and on the dev rows are never ranked together in one study.
    with pytest.raises(ProjectError, match="cannot be ranked together"):
        run_study(TuningBudget(str(split_project.root), tiny_settings(split_project),
                               n_trials=1))


def test_boosted_trees_are_tuned_on_folds_with_the_trees_their_run_kept(split_project,
                                                                        monkeypatch):
    seen = []
    real_fit = curve_fit.fit_point

    def record(project, kind, params, *rest):
        seen.append((kind, params.get("rounds")))
        return real_fit(project, kind, params, *rest)

    monkeypatch.setattr(curve_fit, "fit_point", record)
    settings = TuningSettings(tree_space().to_dict(), epochs=1, seed=0, kfold=2)
    result = run_study(TuningBudget(str(split_project.root), settings, n_trials=1))
    assert result.complete == 1 and len(result.best_fold_errors) == 2
    run = open_project(split_project.root).run(result.best_run)
    assert seen == [("boosted", run.params["rounds"])] * 2


def test_the_command_line_says_the_best_score_is_optimistic(split_project, capsys):
    root = str(split_project.root)
    fixed = ["--fix", "width=8", "--fix", "depth=1", "--fix", "batch_size=32"]
    assert cli_main(["tune", root, "--trials", "1", "--epochs", "2", "--seed", "0", *fixed]) == 0
    out = capsys.readouterr().out
    assert text("tuning.small_hint", rows="128") in out  # small data: k-fold is offered
    assert text("tuning.optimistic", trials=1) in out

    other = split_project.root.parent / "other"
    import shutil

    shutil.copytree(split_project.root, other)
    shutil.rmtree(other / "tuning")
    assert cli_main(["tune", str(other), "--trials", "1", "--epochs", "2", "--seed", "0",
                     "--kfold", "3", *fixed]) == 0
    out = capsys.readouterr().out
    assert text("tuning.optimistic_kfold", trials=1, folds=3) in out
    assert "mean error over 3 folds" in out and "nested folds" in out
    assert text("tuning.small_hint", rows="128") not in out
    assert cli_main(["tune", str(other), "--trials", "1", "--epochs", "2", "--kfold", "3",
                     "--json", *fixed]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["kfold"] == 3 and len(printed["best_fold_errors"]) == 3
    assert printed["best_value"] == pytest.approx(np.mean(printed["best_fold_errors"]))
    assert printed["optimism"] == text("tuning.optimistic_kfold", trials=2, folds=3)
    assert cli_main(["tune", str(other), "--trials", "1", "--kfold", "11"]) == 2
    assert "folds" in capsys.readouterr().err


def test_optimism_sentences_and_fold_arithmetic():
    assert "final test" in fold_scores.optimism_sentence(20)
    assert "nested" in fold_scores.optimism_sentence(20, folds=5)
    assert fold_scores.check_folds(0) == 0 and fold_scores.check_folds(5) == 5
    with pytest.raises(ProjectError):
        fold_scores.check_folds(1)


def test_a_cancel_while_scoring_the_folds_stops_the_search(split_project):
    from optuna.trial import TrialState

    from engine.core.errors import JobCancelled
    from engine.core.jobs import CancelToken

    token = CancelToken()
    folds_begun = []

    def progress(event):
        if isinstance(event, StageStarted) and event.stage == "trial_fold":
            folds_begun.append(event.text)
            token.cancel()  # as the user pressing Stop while the first fold trains

    settings = tiny_settings(split_project, kfold=3, pruner="none")
    with pytest.raises(JobCancelled):
        run_study(TuningBudget(str(split_project.root), settings, n_trials=3), progress,
                  token)
    assert len(folds_begun) == 1  # stopped within the first fold, no further fold began
    study = open_study(split_project.root)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert "fold_errors" not in study.trials[0].user_attrs
