"""The same engine code trains on JAX and PyTorch where they are installed.

Each backend runs in a fresh interpreter (Keras picks its backend once, at import). Skipped
when the backend is not installed; ``make test-backends`` installs JAX and PyTorch, runs
these and then the engine's Keras tests under each.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import make_mixed_frame

SCRIPT = textwrap.dedent("""
    import json, sys
    import keras
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from engine.training.job import TrainingSpec, run_training
    from engine.core.jobs import TelemetrySampled

    events = []
    project = new_project(sys.argv[1], GoalChoice(data=sys.argv[2], target="bought"))
    split_project(project, seed=1)
    result = run_training(TrainingSpec(str(project.root), "mlp",
                                       {"epochs": 2, "width": 8, "batch_size": 16}),
                          events.append)
    from engine.project.project import open_project
    run = open_project(sys.argv[1]).run(result.run_id)
    print(json.dumps({"backend": keras.backend.backend(), "status": result.status,
                      "device": run.device, "epochs": len(run.history),
                      "telemetry": sum(isinstance(e, TelemetrySampled) for e in events)}))
""")


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_training_runs_on_other_backends(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (make test-backends installs JAX and PyTorch)")
    data = tmp_path / "rows.csv"
    make_mixed_frame(120).to_csv(data, index=False)
    env = {**os.environ, "KERAS_BACKEND": backend}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "p"), str(data)],
                          capture_output=True, text=True, env=env, timeout=600,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["backend"] == backend
    assert out["status"] == "finished" and out["epochs"] == 2
    assert out["device"]
    assert out["telemetry"] >= 1
