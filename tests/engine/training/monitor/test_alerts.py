"""Alerts read from the epoch history, and the callback that sends each one once."""

import math
from types import SimpleNamespace

import pytest

from engine.core.jobs import AlertRaised, CancelToken, event_from_dict
from engine.training.monitor.callbacks import ProgressAndCancel
from engine.training.monitor.alerts import Alert, blown_up, check_alerts


def rows(loss, val=None):
    val = val or [None] * len(loss)
    return [{"loss": a, **({} if b is None else {"val_loss": b})} for a, b in zip(loss, val)]


def codes(history, **kw):
    return [a.code for a in check_alerts(history, **kw)]


HEALTHY = rows([0.69, 0.52, 0.44, 0.40, 0.37, 0.36, 0.355],
               [0.66, 0.55, 0.49, 0.47, 0.46, 0.455, 0.452])


def test_a_healthy_run_raises_nothing():
    for n in range(len(HEALTHY) + 1):
        assert codes(HEALTHY[:n], initial_loss=0.7) == []


@pytest.mark.parametrize("last", [{"loss": math.nan, "val_loss": 0.5},
                                  {"loss": math.inf},
                                  {"loss": 0.4, "val_loss": math.nan}])
def test_a_loss_that_is_not_a_number(last):
    alerts = check_alerts(HEALTHY[:3] + [last], learning_rate=0.5)
    assert [(a.code, a.severity) for a in alerts] == [("non_finite", "error")]
    assert "0.5" in alerts[0].text and "smaller" in alerts[0].text


def test_a_climbing_loss_is_diverging():
    climbing = rows([0.7, 0.5, 0.55, 0.62, 0.71])  # three rises in a row, +29%
    assert codes(climbing) == ["diverging"]
    assert codes(climbing[:-1]) == []  # two rises are not enough yet
    wobbly = rows([0.7, 0.5, 0.51, 0.515, 0.52])  # three small rises, +4%: noise
    assert codes(wobbly) == []


def test_a_loss_far_above_its_minimum_is_diverging():
    assert codes(rows([1.0, 0.2, 0.1, 0.6])) == ["diverging"]
    # A ripple on a loss that has fallen almost to zero is not divergence.
    assert codes(rows([1.0, 0.01, 0.001, 0.004])) == []
    text = check_alerts(rows([1.0, 0.2, 0.1, 0.6]), learning_rate=0.03)[0].text
    assert "0.03" in text and "learning rate" in text


def test_dev_loss_rising_while_train_loss_falls_is_memorising():
    history = rows([0.6, 0.5, 0.4, 0.3, 0.2], [0.55, 0.50, 0.52, 0.56, 0.61])
    alerts = check_alerts(history)
    assert [(a.code, a.severity) for a in alerts] == [("memorising", "warning")]
    assert "3 epochs" in alerts[0].text
    assert codes(history[:-1]) == []  # risen only twice
    both_rise = rows([0.6, 0.5, 0.55, 0.56, 0.57], [0.55, 0.50, 0.52, 0.56, 0.61])
    assert "memorising" not in codes(both_rise)
    assert codes(history, patience=4) == []


def test_a_loss_that_does_not_fall_is_not_learning():
    flat = rows([0.693, 0.694, 0.692, 0.693, 0.694])
    assert codes(flat) == ["not_learning"]
    assert codes(flat[:4]) == []  # too early to say
    assert "5 epochs" in check_alerts(flat)[0].text
    # Everything learned in epoch 1: the first batch shows the loss did fall.
    learned_at_once = rows([0.30, 0.299, 0.30, 0.298, 0.299])
    assert codes(learned_at_once) == ["not_learning"]
    assert codes(learned_at_once, initial_loss=0.69) == []


def test_codes_already_sent_are_not_raised_again():
    flat = rows([0.693, 0.694, 0.692, 0.693, 0.694])
    assert codes(flat, sent={"not_learning"}) == []
    assert isinstance(check_alerts(flat)[0], Alert)


def _watcher(events):
    watcher = ProgressAndCancel("run-1", 20, events.append, CancelToken())
    model = SimpleNamespace(stop_training=False, optimizer=None)
    watcher.set_model(model)
    return watcher, model


def test_the_callback_sends_each_alert_once_per_run_and_it_crosses_processes():
    events = []
    watcher, _ = _watcher(events)
    for epoch, logs in enumerate(rows([0.7, 0.5, 0.55, 0.62, 0.71, 0.8, 0.9])):
        watcher.on_epoch_end(epoch, logs)
    alerts = [e for e in events if isinstance(e, AlertRaised)]
    assert [(a.run_id, a.code) for a in alerts] == [("run-1", "diverging")]
    assert event_from_dict(alerts[0].to_dict()) == alerts[0]


def test_a_non_finite_batch_stops_the_fit_with_one_alert():
    events = []
    watcher, model = _watcher(events)
    watcher.on_train_batch_end(0, {"loss": 0.7})
    watcher.on_train_batch_end(1, {"loss": math.nan})
    assert model.stop_training and watcher.non_finite
    watcher.on_epoch_end(0, {"loss": math.nan})
    alerts = [e for e in events if isinstance(e, AlertRaised)]
    assert [(a.code, a.severity) for a in alerts] == [("non_finite", "error")]


def test_a_loss_a_million_times_its_start_has_blown_up():
    assert blown_up(math.nan, 0.7) and blown_up(math.inf, None)
    assert blown_up(4.5e12, 0.99) and not blown_up(9e5, 0.99)
    # A start below 1 counts as 1, so a tiny first loss does not make a small rise fatal.
    assert not blown_up(0.5, 1e-9) and blown_up(2e6, 1e-9)
    assert not blown_up(1e8, None)  # no first loss yet: only NaN and inf count


def test_a_finite_loss_that_blew_up_stops_the_fit_like_a_nan():
    events = []
    watcher, model = _watcher(events)
    watcher.on_train_batch_end(0, {"loss": 0.99})
    watcher.on_train_batch_end(1, {"loss": 4e5})
    assert not model.stop_training
    watcher.on_train_batch_end(2, {"loss": 4.5e12})  # PyTorch, SGD at a rate of 1e6
    assert model.stop_training and watcher.non_finite
    # A batch that began before the stop was seen (asynchronous batch ends) is not reported.
    watcher.on_train_batch_end(3, {"loss": 1e28})
    batches = [e for e in events if type(e).__name__ == "BatchEnded"]
    assert batches[-1].loss == 4.5e12 and [a.code for a in events
                                           if isinstance(a, AlertRaised)] == ["non_finite"]


def test_a_dev_loss_that_is_not_a_number_stops_the_fit():
    events = []
    watcher, model = _watcher(events)
    watcher.on_train_batch_end(0, {"loss": 0.7})
    watcher.on_epoch_end(0, {"loss": 0.6, "val_loss": 0.65})
    assert not model.stop_training
    watcher.on_epoch_end(1, {"loss": 3e4, "val_loss": math.nan})
    assert model.stop_training and watcher.non_finite
    assert [a.code for a in events if isinstance(a, AlertRaised)] == ["non_finite"]
