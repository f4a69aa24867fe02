from dataclasses import replace
import json
import subprocess
import sys

import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.trial import TrialState, create_trial

from engine.core.jobs import CancelToken, EpochEnded, StageStarted
from engine.project.project import open_project
from engine.tuning.narrowing import narrowed_space, next_round
from engine.tuning.objective import TrialObjective, TuningBudget, run_study
from engine.tuning.space import ParamRange, SearchSpace, default_space
from engine.tuning.study import (TuningSettings, best_feasible_trial, journal_path,
                                 make_pruner, open_study, worker_id)
from engine.project.parts.goal import GoalConstraint


def tiny_space(project) -> SearchSpace:
    """The default MLP space with everything but the learning rate fixed small."""
    space = default_space(project, "mlp")
    for name, value in (("width", 8), ("depth", 1), ("batch_size", 32), ("dropout", 0.0),
                        ("l2", 1e-4)):
        old = space.get(name)
        space = space.with_param(ParamRange(name, old.kind, old.low, old.high, old.log,
                                            old.choices, fixed=value))
    return space


def tiny_settings(project, **kw) -> TuningSettings:
    return TuningSettings(tiny_space(project).to_dict(), epochs=kw.pop("epochs", 2), seed=0,
                          **kw)


def test_study_trains_runs_and_keeps_them_in_the_project_journal(split_project):
    events = []
    budget = TuningBudget(str(split_project.root), tiny_settings(split_project), n_trials=2)
    assert TuningBudget.from_dict(json.loads(json.dumps(budget.to_dict()))) == budget
    result = run_study(budget, events.append)
    assert (result.trials, result.complete) == (2, 2)
    assert journal_path(split_project.root).is_file()
    from engine.core.jobs import Progress

    overall = [(e.done, e.total) for e in events if isinstance(e, Progress)
               and e.text.startswith("Search")]
    assert overall == [(1, 2), (2, 2)]  # the job panel's bar follows the whole search
    stages = [e.text for e in events if isinstance(e, StageStarted) and e.stage == "trial"]
    assert stages == ["Trial 1 of 2", "Trial 2 of 2"]
    study = open_study(split_project.root)
    project = open_project(split_project.root)
    for trial in study.trials:
        run = project.run(trial.user_attrs["run_id"])
        assert trial.value == pytest.approx(run.errors["dev"])  # the value is the dev error
        assert run.params["epochs"] == 2 and trial.user_attrs["round"] == 1
        assert trial.user_attrs["feasible"] is True
    assert result.best_run == best_feasible_trial(study, project).user_attrs["run_id"]


def test_tpe_with_hyperband_pruning_runs_a_study(split_project):
    settings = tiny_settings(split_project, sampler="tpe")
    assert settings.pruner_name == "hyperband"
    result = run_study(TuningBudget(str(split_project.root), settings, n_trials=3))
    assert result.trials == 3 and result.complete + result.pruned == 3
    assert isinstance(open_study(split_project.root).pruner, optuna.pruners.HyperbandPruner)


def test_pruning_stops_a_poor_trial_and_keeps_its_run_marked_pruned(split_project):
    settings = tiny_settings(split_project, epochs=6, startup_trials=1)
    study = optuna.create_study(pruner=make_pruner(settings))
    # A perfect earlier trial: any real trial is worse than its median at epoch 2.
    study.add_trial(create_trial(params={}, distributions={}, value=0.0,
                                 intermediate_values={e: 0.0 for e in range(1, 7)}))
    events = []
    objective = TrialObjective(str(split_project.root), settings, events.append)
    study.optimize(objective, n_trials=1)
    trial = study.trials[-1]
    assert trial.state == TrialState.PRUNED
    epochs = [e.epoch for e in events if isinstance(e, EpochEnded)]
    assert epochs == [1, 2]  # the median pruner waits one epoch, then stops it
    project = open_project(split_project.root)
    run = project.run(trial.user_attrs["run_id"])
    assert run.status == "pruned" and len(run.history) == 2
    assert run.label.startswith("Trial 2 · ") and "stopped early by the search" in run.message
    from engine.training.job import resumable_runs

    assert run.id not in resumable_runs(project)  # not offered for resuming


def test_a_space_optuna_cannot_continue_is_refused_in_plain_words(split_project):
    from engine.core.errors import ProjectError

    settings = tiny_settings(split_project)
    study = open_study(split_project.root, settings=settings)
    study.add_trial(_trial(1e-3, 32, 0.2))
    space = SearchSpace.from_dict(settings.space).with_param(
        ParamRange("learning_rate", "float", 1e-4, 1e-1, log=False))
    with pytest.raises(ProjectError, match="learning_rate"):
        open_study(split_project.root, settings=TuningSettings(space.to_dict(), epochs=2))
    narrower = SearchSpace.from_dict(settings.space).with_param(
        ParamRange("learning_rate", "float", 1e-3, 1e-2, log=True))
    open_study(split_project.root, settings=TuningSettings(narrower.to_dict(), epochs=2))


def test_a_trial_that_breaks_a_constraint_is_never_chosen(split_project):
    split_project.goal = replace(split_project.goal,
                                 constraints=(GoalConstraint("params", "<", 10),))
    split_project.save()
    run_study(TuningBudget(str(split_project.root), tiny_settings(split_project), n_trials=2))
    study = open_study(split_project.root)
    project = open_project(split_project.root)
    assert all(t.user_attrs["feasible"] is False for t in study.trials)
    assert study.trials[0].user_attrs["broken"] == ["params < 10"]
    assert study.trials[0].constraints == {"satisfying": 1.0}  # what TPE reads
    assert best_feasible_trial(study, project) is None
    # A feasible trial with a worse error than either is the one chosen.
    worst = max(t.value for t in study.trials)
    study.add_trial(create_trial(params={}, distributions={}, value=worst + 0.1,
                                 user_attrs={"feasible": True}))
    assert best_feasible_trial(study, project).number == 2
    assert min(t.value for t in study.trials) < study.trials[2].value  # not the lowest


def test_resume_keeps_finished_trials_and_fails_a_crashed_one(split_project):
    root = str(split_project.root)
    run_study(TuningBudget(root, tiny_settings(split_project), n_trials=2))
    before = [(t.number, t.value) for t in open_study(root).trials]
    # A worker process that died in the middle of a trial left it RUNNING.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    study = open_study(root)
    stale = study.ask()
    host = worker_id().rpartition(":")[0]
    stale.set_user_attr("worker", f"{host}:{dead.pid}")
    mine = study.ask()  # this process's own running trial is left alone
    mine.set_user_attr("worker", worker_id())
    result = run_study(TuningBudget(root, None, n_trials=1))  # continue the saved study
    trials = open_study(root).trials
    assert [(t.number, t.value) for t in trials[:2]] == before
    assert trials[stale.number].state == TrialState.FAIL
    assert trials[mine.number].state == TrialState.RUNNING
    assert trials[-1].state == TrialState.COMPLETE and result.complete == 3


def test_cancel_stops_the_study_and_keeps_what_finished(split_project):
    from engine.core.errors import JobCancelled

    token = CancelToken()

    def progress(event):
        if isinstance(event, StageStarted) and event.text == "Trial 2 of 3":
            token.cancel()

    with pytest.raises(JobCancelled):
        run_study(TuningBudget(str(split_project.root), tiny_settings(split_project),
                               n_trials=3), progress, token)
    states = [t.state for t in open_study(split_project.root).trials]
    assert states == [TrialState.COMPLETE, TrialState.FAIL]


def _trial(lr, batch, value, feasible=True):
    return create_trial(
        params={"learning_rate": lr, "batch_size": batch},
        distributions={"learning_rate": FloatDistribution(1e-4, 1e-1, log=True),
                       "batch_size": CategoricalDistribution([16, 32, 64, 128, 256])},
        value=value, user_attrs={"feasible": feasible, "round": 1})


def test_narrowed_ranges_lie_inside_the_original_around_the_best():
    space = SearchSpace("mlp", (ParamRange("learning_rate", "float", 1e-4, 1e-1, log=True),
                                ParamRange("batch_size", "categorical",
                                           choices=(16, 32, 64, 128, 256)),
                                ParamRange("optimizer", "categorical", choices=("adam",),
                                           fixed="adam")))
    study = optuna.create_study()
    for lr, batch, value in ((1e-3, 32, 0.10), (3e-3, 64, 0.12), (2e-3, 32, 0.11),
                             (9e-2, 256, 0.40), (1e-4, 16, 0.45)):
        study.add_trial(_trial(lr, batch, value))
    study.add_trial(_trial(5e-2, 256, 0.01, feasible=False))  # best error, but infeasible
    fine = narrowed_space(study, space, top=3)
    lr = fine.get("learning_rate")
    assert 1e-4 <= lr.low < 1e-3 and 3e-3 < lr.high <= 1e-1
    assert lr.high < 1e-2 and lr.low > 5e-4  # padded on the log axis, not to the edges
    assert fine.get("batch_size") == space.get("batch_size")  # the best disagree: all kept
    assert narrowed_space(study, space, top=2).get("batch_size").fixed == 32  # they agree
    assert fine.get("optimizer") == space.get("optimizer")
    assert next_round(study) == 2
    # The fine round samples inside the new ranges in the same study.
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=2)
    study.sampler = sampler
    from engine.tuning.space import suggest

    trial = study.ask()
    params = suggest(trial, fine)
    assert lr.low <= params["learning_rate"] <= lr.high


def test_continuing_a_seeded_study_draws_new_settings(split_project):
    settings = tiny_settings(split_project, epochs=1)
    rates = []
    for _ in range(3):
        study = open_study(split_project.root, settings=settings)
        trial = study.ask()
        rates.append(trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True))
        study.tell(trial, 0.5)
    assert len(set(rates)) == 3


def test_trials_keep_what_the_user_said_of_mirrored_pictures(split_project):
    from engine.project.run_record import RunRecord

    allowed = RunRecord("r-flip", "mlp", "Keras MLP", "finished", "2026-01-01T00:00:00",
                        params={"flip_keeps_label": True, "rotate_keeps_label": False})
    split_project.run_dir(allowed.id).mkdir(parents=True)
    allowed.save(split_project.run_dir(allowed.id))
    split_project.chosen_run = allowed.id
    split_project.save()
    objective = TrialObjective(str(split_project.root), tiny_settings(split_project))
    assert objective.carried == {"flip_keeps_label": True}  # what was said, no more
    study = optuna.create_study()
    study.optimize(objective, n_trials=1)
    run = open_project(split_project.root).run(study.trials[0].user_attrs["run_id"])
    assert run.params["flip_keeps_label"] is True and run.params["rotate_keeps_label"] is False
    split_project.chosen_run = None
    split_project.save()
    assert TrialObjective(str(split_project.root), tiny_settings(split_project)).carried == {}
