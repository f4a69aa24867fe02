"""Jobs in the child engine process, driven through the real JobRunner."""

import pytest

from engine.core.jobs import EpochEnded
from engine.data.samples import SAMPLES
from gui.jobs import JobRunner


@pytest.fixture
def runner(qtbot):
    r = JobRunner(grace_ms=1500)
    with qtbot.waitSignal(r.engine_ready, timeout=120_000) as ready:
        r.start()
    assert ready.args[0]["backend"] == "tensorflow"
    assert ready.args[0]["device"]
    yield r
    r.shutdown()


def test_a_job_result_comes_back(qtbot, runner):
    sample = SAMPLES["wine"]
    with qtbot.waitSignal(runner.job_finished, timeout=60_000) as done:
        assert runner.run("check_file", {"path": str(sample.path), "target": sample.target})
    name, result = done.args
    assert name == "check_file" and result["usable"] is True
    assert not runner.busy


def test_a_failing_job_becomes_a_message_and_the_runner_goes_on(qtbot, runner):
    with qtbot.waitSignal(runner.job_failed, timeout=60_000) as failed:
        runner.run("raise_for_test", {"message": "boom"})
    name, message, details = failed.args
    assert name == "raise_for_test"
    assert "Nothing you made was lost" in message
    assert "RuntimeError: boom" in details
    with qtbot.waitSignal(runner.job_failed, timeout=60_000) as failed:
        runner.run("check_file", {"path": "/no/such/file.csv"})
    assert "no file" in failed.args[1] and failed.args[2] == ""


def test_a_job_that_ignores_cancel_is_stopped_outright(qtbot, runner):
    pid = runner.engine.process.pid
    runner.run("sleep_for_test", {"seconds": 120})
    with qtbot.waitSignal(runner.job_cancelled, timeout=10_000) as cancelled:
        runner.cancel()
    assert "stopped outright" in cancelled.args[1]
    with qtbot.waitSignal(runner.engine_ready, timeout=120_000):
        pass
    assert runner.engine.process.pid != pid
    with qtbot.waitSignal(runner.job_finished, timeout=60_000):
        runner.run("check_file", {"path": str(SAMPLES["wine"].path)})


def test_training_cancel_mid_epoch(qtbot, runner, split_project):
    epochs = []

    def on_event(event):
        if isinstance(event, EpochEnded):
            epochs.append(event.epoch)
            if event.epoch == 2:
                runner.cancel()

    runner.job_event.connect(on_event)
    with qtbot.waitSignal(runner.job_cancelled, timeout=120_000) as cancelled:
        runner.run("train", {"project_dir": str(split_project.root), "model": "mlp",
                             "params": {"epochs": 200, "batch_size": 8}})
    assert cancelled.args == ["train", ""]  # stopped by the token, not killed
    assert 2 <= max(epochs) < 200
    split_project.reload_runs()
    assert [r.status for r in split_project.runs] == ["cancelled"]
