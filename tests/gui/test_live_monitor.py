"""The live monitor: events in, curves redrawn on a timer, a new run clears, alerts shown."""

import numpy as np
import pytest

from engine.training.requests import TrainRequest
from engine.core.jobs import AlertRaised, BatchEnded, EpochEnded, RunFinished, StageStarted
from gui.jobs import JobRunner
from tests.gui.fake_jobs import FakeJobs
from gui.live_monitor import LiveMonitor

from .conftest import save_screenshot


@pytest.fixture
def monitor(qtbot):
    runner = JobRunner()  # never started: the test emits its signals itself
    widget = LiveMonitor(runner)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    return FakeJobs(runner), widget


def epoch(run_id, n, of=10, **logs):
    return EpochEnded(run_id, n, of, logs)


def wait_for(qtbot, widget, name, count):
    qtbot.waitUntil(lambda: len(widget.series(name)[0]) == count, timeout=3000)


def test_epoch_events_reach_the_curves_on_the_timer(qtbot, monitor):
    runner, widget = monitor
    runner.start()
    logs = [dict(loss=0.9, val_loss=0.95, metric=0.6, val_metric=0.55),
            dict(loss=0.7, val_loss=0.8, metric=0.7, val_metric=0.62),
            dict(loss=0.5, val_loss=0.75, metric=0.8, val_metric=0.64)]
    for n, row in enumerate(logs, start=1):
        runner.emit(epoch("run-a", n, **row))
    assert len(widget.series("loss")[0]) == 0  # nothing is drawn per event ...
    wait_for(qtbot, widget, "loss", 3)           # ... the timer draws
    for name in ("loss", "val_loss", "metric", "val_metric"):
        wait_for(qtbot, widget, name, 3)  # one plot is redrawn per tick
        x, y = widget.series(name)
        assert x.tolist() == [1, 2, 3]
        assert y.tolist() == pytest.approx([row[name] for row in logs])
    assert "run-a" in widget.title.text() and "epoch 3 of 10" in widget.title.text()
    runner.emit(StageStarted("evaluate", "Scoring"))  # no run: ignored
    runner.emit(RunFinished("run-a", "finished"))
    assert "finished after 3 epochs" in widget.title.text()


def test_twenty_thousand_batches_keep_the_buffers_right(qtbot, monitor):
    runner, widget = monitor
    n = 20_000
    steps = np.arange(1, n + 1)
    losses = 1.0 / np.sqrt(steps) + 0.01 * np.sin(steps)
    for step, loss in zip(steps, losses):
        lr = 1e-3 * 0.5 ** (step // 5000) if step % 10 == 1 else None
        runner.emit(BatchEnded("run-b", int(step), float(loss), float(loss),
                                         float(loss) * 0.9, lr))
    wait_for(qtbot, widget, "batch_loss", n)
    x, y = widget.series("batch_loss")
    assert np.array_equal(x, steps) and np.allclose(y, losses)
    assert np.allclose(widget.series("smoothed")[1], losses * 0.9)
    wait_for(qtbot, widget, "learning_rate", n // 10)
    x, lr = widget.series("learning_rate")
    assert len(x) == n // 10 and x[0] == 1 and x[-1] == n - 9
    assert np.allclose(lr, 1e-3 * 0.5 ** (x // 5000)) and lr[-1] == pytest.approx(1e-3 / 8)
    # The view covers all the data although clipping and downsampling are on.
    widget.grab()  # paints, which is when the view follows the data
    (x_low, x_high), _ = widget.plots["batch"].getPlotItem().viewRange()
    assert x_low <= 1 and x_high >= n


def test_a_new_run_clears_the_plots_and_alerts(qtbot, monitor):
    runner, widget = monitor
    runner.emit(epoch("run-c", 1, loss=0.8, val_loss=0.9))
    runner.emit(BatchEnded("run-c", 1, 0.8, 0.8, 0.8, 1e-3))
    runner.emit(AlertRaised("run-c", "diverging", "warning", "old warning"))
    wait_for(qtbot, widget, "loss", 1)
    assert widget.alert_texts() == ["old warning"] and widget.alert_box.isVisible()
    runner.emit(epoch("run-d", 1, loss=0.5, val_loss=0.6))
    wait_for(qtbot, widget, "loss", 1)
    assert widget.series("loss")[1].tolist() == [0.5]
    assert len(widget.series("batch_loss")[0]) == 0
    assert len(widget.series("learning_rate")[0]) == 0
    assert widget.alert_texts() == [] and not widget.alert_box.isVisible()
    assert "run-d" in widget.title.text()
    # A run with nothing to draw (a baseline) leaves the picture as it is.
    runner.start()
    runner.emit(RunFinished("baseline-run", "finished"))
    assert widget.series("loss")[1].tolist() == [0.5] and "run-d" in widget.title.text()
    widget.reset()
    assert len(widget.series("loss")[0]) == 0 and "No model" in widget.title.text()


def test_an_alert_shows_its_text_with_a_mark(qtbot, monitor):
    runner, widget = monitor
    text = "The training loss is going up instead of down."
    runner.emit(AlertRaised("run-e", "diverging", "warning", text))
    assert widget.alert_texts() == [text]
    assert widget.alert_box.isVisible()
    labels = [w.text() for w in widget.alert_box.findChildren(type(widget.title))]
    assert text in labels
    marks = [w for w in widget.alert_box.findChildren(type(widget.title))
             if w.pixmap() is not None and not w.pixmap().isNull()]
    assert [m.accessibleName() for m in marks] == ["warning"]
    runner.emit(AlertRaised("run-e", "non_finite", "error", "The loss became NaN."))
    assert widget.alert_texts() == [text, "The loss became NaN."]
    qtbot.wait(50)  # let the layout make room for the new row
    save_screenshot(widget, "monitor_alerts")


def test_not_a_number_is_not_drawn(qtbot, monitor):
    runner, widget = monitor
    runner.emit(epoch("run-f", 1, loss=0.8))
    runner.emit(epoch("run-f", 2, loss=float("nan")))
    runner.emit(epoch("run-f", 3, loss=0.7))
    wait_for(qtbot, widget, "loss", 2)
    assert widget.series("loss")[0].tolist() == [1, 3]


def test_a_real_training_run_is_drawn(qtbot, engine_runner, split_project):
    widget = LiveMonitor(engine_runner)
    qtbot.addWidget(widget)
    widget.resize(1000, 680)
    widget.set_metric_name("Accuracy")
    widget.show()
    handle = engine_runner.run(TrainRequest(project=str(split_project.root), model="mlp",
                                            params={"epochs": 3}))
    assert handle is not None and handle.name == "train"
    with qtbot.waitSignal(handle.finished, timeout=180_000) as done:
        pass
    run_id = done.args[0]["run_id"]
    # One plot is redrawn per tick, so each curve is waited for on its own.
    for name in ("loss", "val_metric"):
        wait_for(qtbot, widget, name, 3)
    assert widget.series("val_metric")[0].tolist() == [1, 2, 3]
    qtbot.waitUntil(lambda: len(widget.series("batch_loss")[0]) >= 3, timeout=3000)
    qtbot.waitUntil(lambda: len(widget.series("learning_rate")[0]) >= 1, timeout=3000)
    assert run_id in widget.title.text()
    save_screenshot(widget, "monitor")
