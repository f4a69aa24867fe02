"""``practica tune`` starts a project's study; ``practica worker`` adds trials to it."""

from __future__ import annotations

import json

from engine.cli.main import main
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training


def test_tune_then_a_worker_share_one_study(split_project, capsys):
    run_training(TrainingSpec(str(split_project.root), "linear", {}))
    folder = str(split_project.root)
    assert main(["tune", folder, "--trials", "2", "--epochs", "1", "--seed", "0",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["trials"] == 2
    assert main(["worker", folder, "--trials", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["trials"] == 3
    assert result["complete"] + result["pruned"] + result["failed"] == 3
    runs = {r.id for r in open_project(folder).runs}
    assert result["best_run"] in runs
    assert (split_project.root / "tuning" / "study.journal").is_file()


def test_tune_needs_a_budget_and_a_worker_needs_a_study(split_project, capsys):
    assert main(["tune", str(split_project.root)]) == 2
    assert "--trials" in capsys.readouterr().err
    assert main(["worker", str(split_project.root), "--trials", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "practica tune" in err[0]


def test_the_tune_job_takes_json_arguments_and_answers_json(split_project):
    from engine.app.job_catalog import run_request
    from engine.core.jobs import decode_request, encode_request
    from engine.tuning.requests import TuneRequest
    from engine.tuning.space import default_space

    space = default_space(split_project, "mlp").to_dict()
    request = TuneRequest(project=str(split_project.root), space=space, epochs=1, seed=1,
                          trials=1)
    wire = json.loads(json.dumps(encode_request(request)))  # what crosses to the engine
    assert decode_request(wire) == request
    result = run_request(decode_request(wire))
    assert json.loads(json.dumps(result.to_dict()))["trials"] == 1


def test_run_until_tune_searches_with_a_budget_and_logs_it(split_project, capsys):
    folder = str(split_project.root)
    assert main(["run", folder, "--until", "tune"]) == 2  # no budget: one plain line
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--trials" in err[0]
    assert main(["run", folder, "--until", "tune", "--epochs", "2", "--trials", "2",
                 "--tune-epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Steps run: baseline, diagnose, tune." in out
    from engine.core.texts import text

    assert text("tuning.optimistic", trials=2) in out  # the best of a search is lucky
    project = open_project(folder)
    kinds = [d.kind for d in project.decisions]
    assert "tuned" in kinds
    from engine.tuning.summary import read_summary

    summary = read_summary(folder)
    assert len(summary.trials) == 2
    tuned = [d for d in project.decisions if d.kind == "tuned"][0]
    assert "2 trials" in tuned.text
    from engine.app.steps import DONE, step_states

    assert step_states(project)["tune"].state == DONE
    # Without a budget a finished search is not run again; with one it goes on, and the
    # best trial is adopted by the rule 'practica tune' follows (adopt_best_trial).
    assert main(["run", folder, "--until", "tune"]) == 0
    assert "none (they were already done)" in capsys.readouterr().out
    assert len(read_summary(folder).trials) == 2
    assert main(["run", folder, "--until", "tune", "--trials", "1", "--tune-epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Steps run: tune." in out
    assert len(read_summary(folder).trials) == 3
    from engine.tuning.choice import best_feasible_trial_run

    project = open_project(folder)
    _trial, best = best_feasible_trial_run(project)
    chosen = project.run(project.chosen_run)
    assert chosen.errors["dev"] <= best.errors["dev"]  # the best trial won, or lost to it
    if "is the chosen model now" in out:
        kinds = [d.kind for d in project.decisions]
        last_search = len(kinds) - 1 - kinds[::-1].index("tuned")
        # after the search: adopted, then read again by the ladder (once or more)
        after = kinds[last_search + 1:]
        assert chosen.id == best.id and after[0] == "tuning_chosen" and "diagnosed" in after


def test_run_until_tune_with_kfold_ranks_trials_by_their_fold_mean(split_project, capsys):
    import shutil

    from engine.core.texts import text
    from engine.tuning.choice import best_feasible_trial_run
    from engine.tuning.summary import read_summary

    folder = str(split_project.root)
    assert main(["run", folder, "--until", "tune", "--epochs", "2", "--trials", "1",
                 "--tune-epochs", "1"]) == 0
    capsys.readouterr()
    # The study scored on the dev rows: trials over folds cannot join it.
    assert main(["run", folder, "--until", "tune", "--trials", "1", "--kfold", "3"]) == 2
    assert "cannot be ranked together" in capsys.readouterr().err
    assert main(["run", folder, "--until", "tune", "--kfold", "3"]) == 2  # no budget
    capsys.readouterr()
    shutil.rmtree(split_project.root / "tuning")  # a new study
    assert main(["run", folder, "--until", "tune", "--trials", "2", "--tune-epochs", "1",
                 "--kfold", "3"]) == 0
    out = capsys.readouterr().out
    assert "Steps run: tune." in out
    assert text("tuning.optimistic_kfold", trials=2, folds=3) in out
    summary = read_summary(folder)
    assert summary.settings.kfold == 3 and all(len(t.fold_errors) == 3 for t in summary.trials)
    trial, _run = best_feasible_trial_run(open_project(folder))
    assert trial == summary.best.trial  # ranked by the mean over the folds, not the dev rows

