import os
import subprocess
import sys
from pathlib import Path

import pytest
from optuna.trial import TrialState

from engine.core.errors import ProjectError
from engine.project.project import open_project
from engine.tuning.objective import run_worker
from engine.tuning.study import TuningSettings, open_study
from tests.engine.tuning.test_study import tiny_space

REPO = Path(__file__).resolve().parents[3]
WORKER = ("import sys; from engine.tuning.objective import run_worker; "
          "r = run_worker(sys.argv[1], n_trials=2); print('trials', r.trials)")


def test_a_worker_needs_a_started_study(split_project):
    with pytest.raises(ProjectError, match="No tuning search"):
        run_worker(str(split_project.root), n_trials=1)


def test_two_worker_processes_share_one_study(split_project):
    root = str(split_project.root)
    open_study(root, settings=TuningSettings(tiny_space(split_project).to_dict(), epochs=1))
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3",
           "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, root], cwd=REPO, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in outputs]
    trials = open_study(root).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 4
    assert sorted(t.number for t in trials) == [0, 1, 2, 3]
    owners = {t.user_attrs["worker"] for t in trials}
    assert len(owners) == 2  # both processes contributed ...
    assert all(sum(t.user_attrs["worker"] == o for t in trials) == 2 for o in owners)
    runs = [t.user_attrs["run_id"] for t in trials]
    assert len(set(runs)) == 4  # ... each trial with its own run, none lost
    project = open_project(root)
    assert all(project.run(r).status == "finished" for r in runs)


def _parallel_budget(project, n_trials, epochs=1):
    from engine.tuning.objective import TuningBudget

    settings = TuningSettings(tiny_space(project).to_dict(), epochs=epochs, seed=0)
    return TuningBudget(str(project.root), settings, n_trials=n_trials, workers=2)


def test_two_workers_started_by_the_job_share_one_budget(split_project):
    from engine.tuning.summary import read_summary
    from engine.tuning.workers import run_parallel

    result = run_parallel(_parallel_budget(split_project, 4))
    trials = open_study(str(split_project.root)).trials
    assert result.trials == len(trials) == 4  # the budget counts all workers' trials
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    assert not list((split_project.root / "tuning").glob("stop-*"))
    summary = read_summary(split_project.root)
    assert len(summary.trials) == 4 and summary.best.number == result.best_trial


def test_cancel_stops_every_worker_and_keeps_finished_trials(split_project):
    from engine.core.errors import JobCancelled
    from engine.core.jobs import CancelToken, TrialEnded
    from engine.tuning.workers import run_parallel

    token = CancelToken()

    def progress(event):
        if isinstance(event, TrialEnded):
            token.cancel()

    with pytest.raises(JobCancelled):
        run_parallel(_parallel_budget(split_project, 50, epochs=2), progress=progress,
                     cancel=token)
    trials = open_study(str(split_project.root)).trials
    assert any(t.state == TrialState.COMPLETE for t in trials)
    assert not any(t.state == TrialState.RUNNING for t in trials)
    assert len(trials) < 10


def test_a_late_worker_runs_nothing_once_the_budget_is_spent(split_project):
    root = str(split_project.root)
    open_study(root, settings=TuningSettings(tiny_space(split_project).to_dict(), epochs=1))
    first = run_worker(root, n_trials=1, first_trial=0)
    assert first.trials == 1
    assert run_worker(root, n_trials=1, first_trial=0).trials == 1
