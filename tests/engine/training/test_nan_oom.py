"""A loss that blows up and memory that runs out: the run stops at once, is saved as failed
and says what to do, in the CLI and in the job's events (which the GUI shows)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.training.checkpoint_store import load_checkpoint
from engine.cli import commands
from engine.cli.main import main
from engine.cli.printer import EventPrinter
from engine.core.errors import ProjectError
from engine.core.jobs import AlertRaised, BatchEnded, EpochEnded
from engine.training.monitor.alerts import blown_up
from engine.training.monitor.callbacks import ProgressAndCancel
from engine.core.out_of_memory import is_out_of_memory, out_of_memory_advice
from engine.project.project import open_project
from engine.training.job import TrainingSpec, resumable_runs, run_training


@pytest.fixture
def split_project(split_template, tmp_path):
    """A fresh copy of the split project (runs of one test never meet another's)."""
    shutil.copytree(split_template, tmp_path / "proj")
    return open_project(tmp_path / "proj")


@pytest.fixture
def recorded(monkeypatch):
    """The events ``practica train`` prints, recorded as well."""
    events = []

    class Recorder(EventPrinter):
        def __call__(self, event):
            events.append(event)
            super().__call__(event)

    monkeypatch.setattr(commands, "EventPrinter", Recorder)
    return events


def _train(root, *settings):
    args = ["train", str(root), "--model", "mlp", "--set", "telemetry=false",
            "--set", "width=8"]
    for setting in settings:
        args += ["--set", setting]
    return main(args)


def test_a_loss_that_blows_up_stops_at_once_with_advice(split_project, capsys, recorded):
    code = _train(split_project.root, "learning_rate=1e6", "optimizer=sgd", "epochs=20",
                  "patience=20")
    out = capsys.readouterr().out
    assert code == 0
    run = open_project(split_project.root).runs[-1]
    assert run.status == "failed"
    for advice in ("ten times smaller (it is 1e+06 now)", "infinite or extreme values",
                   "clip_norm=1"):
        assert advice in run.message
    assert f"  {run.message}" in out.splitlines() and "failed" in out
    # Stopped inside the first epoch, at the batch whose loss blew up (NaN on TensorFlow;
    # on PyTorch it is still finite, at 1e12): the last batch reported, and the only one.
    assert [e.epoch for e in recorded if isinstance(e, EpochEnded)] == [1]
    batches = [e for e in recorded if isinstance(e, BatchEnded)]
    blew = [blown_up(e.loss, batches[0].batch_loss) for e in batches]
    assert blew[-1] and sum(blew) == 1
    assert len(run.history) == 1
    # The live alert (what the GUI's monitor shows) carries the same advice, once.
    alerts = [e for e in recorded if isinstance(e, AlertRaised)]
    assert [(a.code, a.severity, a.text) for a in alerts] == \
        [("non_finite", "error", run.message)]
    assert run.id not in resumable_runs(open_project(split_project.root))


def test_clip_norm_reaches_the_optimizer_and_a_bad_one_is_refused(split_project):
    from engine.core.backend import import_keras
    from engine.training.keras_fit import build_compiled
    from engine.kinds.preprocess_store import load_preprocessor

    import_keras()
    coding = load_preprocessor(split_project)
    built = build_compiled("mlp", coding, {"width": 4, "clip_norm": 1.5}, 3)
    assert built.model.optimizer.global_clipnorm == 1.5
    assert not build_compiled("mlp", coding, {"width": 4}, 3).model.optimizer.global_clipnorm
    with pytest.raises(ProjectError, match="clip_norm"):
        build_compiled("mlp", coding, {"width": 4, "clip_norm": "lots"}, 3)


def _tensorflow_oom():
    import tensorflow as tf

    return tf.errors.ResourceExhaustedError(
        None, None, "OOM when allocating tensor with shape[64,8] and type float")


class XlaRuntimeError(RuntimeError):
    """What JAX raises (its real class lives in jaxlib)."""


class OutOfMemoryError(RuntimeError):
    """What PyTorch raises (``torch.OutOfMemoryError``)."""


def _wrapped():
    try:
        raise MemoryError()
    except MemoryError as inner:
        try:
            raise RuntimeError("the step failed") from inner
        except RuntimeError as outer:
            return outer


@pytest.mark.parametrize("make, expected", [
    (_tensorflow_oom, True),
    (MemoryError, True),
    (lambda: XlaRuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 4GB"), True),
    (lambda: OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), True),
    # PyTorch on the processor (a plain RuntimeError).
    (lambda: RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator:"
                          " can't allocate memory: you tried to allocate 9600000000000 bytes."
                          " Error code 12 (Cannot allocate memory)"), True),
    (_wrapped, True),
    (lambda: ValueError("the shapes (3, 4) and (5,) do not match"), False),
    (lambda: RuntimeError("CUDA error: device-side assert triggered"), False),
])
def test_out_of_memory_is_recognised_by_name_on_every_backend(make, expected):
    assert is_out_of_memory(make()) is expected


def test_running_out_of_memory_saves_a_failed_run_with_advice(split_project, capsys,
                                                              monkeypatch, recorded):
    from engine.core.backend import backend_name

    error = _tensorflow_oom() if backend_name() == "tensorflow" else MemoryError()
    begin = ProgressAndCancel.on_train_batch_begin

    def exhausted(self, batch, logs=None):
        begin(self, batch, logs)
        if self._begun == 3:  # the second epoch's first batch: a checkpoint exists
            raise error

    monkeypatch.setattr(ProgressAndCancel, "on_train_batch_begin", exhausted)
    code = _train(split_project.root, "batch_size=64", "epochs=5")
    out = capsys.readouterr().out
    assert code == 0
    project = open_project(split_project.root)
    run = project.runs[-1]
    assert (run.status, run.message) == ("failed", out_of_memory_advice(64))
    assert "batch size 64" in run.message and "for example 32" in run.message
    assert f"  {run.message}" in out.splitlines()
    assert [e.epoch for e in recorded if isinstance(e, EpochEnded)] == [1]
    alerts = [e for e in recorded if isinstance(e, AlertRaised)]
    assert [(a.code, a.severity, a.text) for a in alerts] == \
        [("out_of_memory", "error", run.message)]
    # Failed for good: no checkpoint to resume from, no half-made model file.
    folder = project.run_dir(run.id)
    assert load_checkpoint(folder) is None and not (folder / "model.keras").exists()
    assert run.id not in resumable_runs(project)


def _huge_allocations_refused() -> bool:
    """Whether Linux refuses at once an allocation far beyond its memory (overcommit mode
    0 or 2); elsewhere the test could make the machine fill its memory."""
    try:
        return Path("/proc/sys/vm/overcommit_memory").read_text().strip() in ("0", "2")
    except OSError:
        return False


@pytest.mark.skipif(not _huge_allocations_refused(),
                    reason="only where the system refuses an allocation larger than its "
                           "memory at once")
def test_a_model_too_big_for_memory_is_caught_for_real(split_project):
    # 4 inputs x 1e11 units: a 1.6 TB weight matrix, refused by the allocator at once.
    result = run_training(TrainingSpec(str(split_project.root), "mlp",
                                       {"width": 10 ** 11, "epochs": 1, "telemetry": False,
                                        "batch_size": 16}))
    assert result.status == "failed"
    assert result.message == out_of_memory_advice(16)
    assert open_project(split_project.root).run(result.run_id).status == "failed"
