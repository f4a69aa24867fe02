"""Several devices train one model: the app's model, optimizer (recording gradients for the
monitor) and callbacks under ``tf.distribute.MirroredStrategy``, as on a machine with
several GPUs, here on the processor split into two logical devices (only possible before
TensorFlow starts, so in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.core.backend import backend_name

SCRIPT = textwrap.dedent("""
    import sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from engine.core.backend import import_keras
    keras = import_keras()
    import numpy as np
    from engine.core.jobs import CancelToken, EpochEnded, TelemetrySampled
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.project.project import open_project
    from engine.training.keras_fit import build_compiled
    from engine.training.monitor.callbacks import ProgressAndCancel
    from engine.training.monitor.telemetry import Telemetry

    coding = load_preprocessor(open_project(sys.argv[1]))
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        model = build_compiled("mlp", coding, {"width": 8, "telemetry": True}, 4).model
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, coding.input_shape[0])).astype("float32")
    y = (X[:, 0] > 0).astype("int64")
    events = []
    history = model.fit(X, y, epochs=3, batch_size=64, verbose=0,
                        validation_data=(X[:64], y[:64]),
                        callbacks=[ProgressAndCancel("m", 3, events.append, CancelToken(),
                                                     batch_size=64, n_samples=256),
                                   Telemetry("m", X[:16], events.append)])
    losses = history.history["loss"]
    print("replicas", strategy.num_replicas_in_sync, type(model.distribute_strategy).__name__)
    print("finite", all(np.isfinite(losses)), "epochs", sum(isinstance(e, EpochEnded)
                                                             for e in events))
    print("telemetry", any(isinstance(e, TelemetrySampled) for e in events))
""")


@pytest.mark.skipif("backend_name() != 'tensorflow'")
def test_the_apps_model_and_monitor_train_under_a_mirrored_strategy(split_template):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[3]), os.environ.get("PYTHONPATH", "")]),
        "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(split_template)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "replicas 2 MirroredStrategy" in lines
    assert "finite True epochs 3" in lines and "telemetry True" in lines
