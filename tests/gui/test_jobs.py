"""Jobs in the child engine process, driven through the real JobRunner.

Most tests use the engine process the GUI tests share (``engine_runner``); the one that has
the engine stopped outright starts its own."""

import pytest

from engine.core.jobs import EpochEnded
from engine.data.samples import SAMPLES
from engine.data.requests import CheckFileRequest
from engine.training.requests import TrainRequest
from gui.jobs import JobRunner
from tests.job_fixtures import RaiseForTestRequest, SleepForTestRequest


@pytest.fixture
def runner(qtbot):
    r = JobRunner(grace_ms=1500)
    with qtbot.waitSignal(r.engine_ready, timeout=120_000) as ready:
        r.start()
    assert ready.args[0]["backend"] == "tensorflow"
    assert ready.args[0]["device"]
    yield r
    r.shutdown()


def test_a_job_result_comes_back(qtbot, engine_runner):
    runner = engine_runner
    sample = SAMPLES["wine"]
    handle = runner.run(CheckFileRequest(path=str(sample.path), target=sample.target))
    assert handle is not None and handle.name == "check_file"
    with qtbot.waitSignal(handle.finished, timeout=60_000) as done:
        pass
    result = done.args[0]
    assert result["usable"] is True
    assert not runner.busy


def test_a_second_job_waits_for_the_first(qtbot, engine_runner):
    runner = engine_runner
    handle = runner.run(SleepForTestRequest(seconds=0.5))
    assert handle is not None and runner.run(SleepForTestRequest(seconds=0)) is None
    with qtbot.waitSignal(handle.finished, timeout=60_000):
        pass


def test_a_failing_job_becomes_a_message_and_the_runner_goes_on(qtbot, engine_runner):
    runner = engine_runner
    handle = runner.run(RaiseForTestRequest(message="boom"))
    with qtbot.waitSignal(handle.failed, timeout=60_000) as failed:
        pass
    message, details = failed.args
    assert handle.name == "raise_for_test"
    assert "Nothing you made was lost" in message
    assert "RuntimeError: boom" in details
    handle = runner.run(CheckFileRequest(path="/no/such/file.csv"))
    with qtbot.waitSignal(handle.failed, timeout=60_000) as failed:
        pass
    assert "no file" in failed.args[0] and failed.args[1] == ""


def test_a_job_that_ignores_cancel_is_stopped_outright(qtbot, runner):
    pid = runner.engine.process.pid
    handle = runner.run(SleepForTestRequest(seconds=120))
    with qtbot.waitSignal(handle.cancelled, timeout=10_000) as cancelled:
        runner.cancel()
    assert "stopped outright" in cancelled.args[0]
    with qtbot.waitSignal(runner.engine_ready, timeout=120_000):
        pass
    assert runner.engine.process.pid != pid
    handle = runner.run(CheckFileRequest(path=str(SAMPLES["wine"].path)))
    with qtbot.waitSignal(handle.finished, timeout=60_000):
        pass


def test_training_cancel_mid_epoch(qtbot, engine_runner, split_project):
    runner = engine_runner
    epochs = []

    def on_event(event):
        if isinstance(event, EpochEnded):
            epochs.append(event.epoch)
            if event.epoch == 2:
                runner.cancel()

    handle = runner.run(TrainRequest(project=str(split_project.root), model="mlp",
                                     params={"epochs": 200, "batch_size": 8}))
    handle.event.connect(on_event)
    with qtbot.waitSignal(handle.cancelled, timeout=120_000) as cancelled:
        pass
    assert cancelled.args == [""]  # stopped by the token, not killed
    assert 2 <= max(epochs) < 200
    split_project.reload_runs()
    assert [r.status for r in split_project.runs] == ["cancelled"]
