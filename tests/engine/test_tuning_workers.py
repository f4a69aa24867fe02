import os
import subprocess
import sys
from pathlib import Path

import pytest
from optuna.trial import TrialState

from engine.errors import ProjectError
from engine.project import open_project
from engine.tuning_objective import run_worker
from engine.tuning_study import TuningSettings, open_study
from tests.engine.test_tuning_study import tiny_space

REPO = Path(__file__).resolve().parents[2]
WORKER = ("import sys; from engine.tuning_objective import run_worker; "
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
