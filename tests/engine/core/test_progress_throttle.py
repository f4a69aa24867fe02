"""ProgressAndCancel sends at most ~20 batch events a second, keeps the exact loss line,
checks every batch, and stays in order when Keras dispatches batch ends to threads."""

import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import keras
import numpy as np
import pytest

from engine.core.jobs import AlertRaised, BatchEnded, CancelToken, EpochEnded
from engine.training.monitor.callbacks import MIN_EVENT_INTERVAL, ProgressAndCancel


def _fit(min_interval, epochs=3, rows=2000, batch_size=8):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 4)).astype("float32")
    y = (X[:, 0] > 0).astype("int64")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    # Learning rate 0: both runs see the very same losses.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss="sparse_categorical_crossentropy")
    events = []
    watcher = ProgressAndCancel("r", epochs, events.append, CancelToken(),
                                batch_size=batch_size, n_samples=rows,
                                min_interval=min_interval)
    start = time.monotonic()
    model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
              callbacks=[watcher])
    return events, time.monotonic() - start


def test_a_fast_fit_sends_at_most_20_batch_events_a_second_plus_each_epochs_ends():
    epochs, steps = 3, 250
    every, _ = _fit(0.0, epochs)
    throttled, seconds = _fit(None, epochs)
    all_batches = [e for e in every if isinstance(e, BatchEnded)]
    batches = [e for e in throttled if isinstance(e, BatchEnded)]
    assert len(all_batches) == epochs * steps
    # The budget: one event per 50 ms, plus each epoch's first and last batch.
    assert MIN_EVENT_INTERVAL == pytest.approx(0.05)
    assert len(batches) <= seconds / MIN_EVENT_INTERVAL + 1 + 2 * epochs
    assert len(batches) < len(all_batches) / 2  # the throttle did engage
    sent = {e.step for e in batches}
    for epoch in range(epochs):
        assert {epoch * steps + 1, (epoch + 1) * steps} <= sent
    # What is sent is exact: the same numbers as when every batch is sent.
    exact = {e.step: e for e in all_batches}
    for event in batches:
        twin = exact[event.step]
        assert (event.loss, event.batch_loss, event.smoothed) == pytest.approx(
            (twin.loss, twin.batch_loss, twin.smoothed), rel=1e-9)
    # Each epoch's last sent batch carries Keras' epoch loss, sent before EpochEnded.
    for i, event in enumerate(throttled):
        if isinstance(event, EpochEnded):
            last = [e for e in throttled[:i] if isinstance(e, BatchEnded)][-1]
            assert last.step == event.epoch * steps
            assert last.loss == pytest.approx(event.logs["loss"], rel=1e-6)
    assert batches[0].learning_rate == 0.0  # the rate rides on each epoch's first event


def _watcher(min_interval=None, steps=None):
    events = []
    watcher = ProgressAndCancel("run-1", 5, events.append, CancelToken(),
                                min_interval=min_interval)
    watcher.set_model(SimpleNamespace(stop_training=False, optimizer=None))
    watcher.set_params({"steps": steps})
    return watcher, events


def test_a_held_back_batch_is_sent_when_the_epoch_ends_and_nan_is_never_held_back():
    watcher, events = _watcher(min_interval=3600.0)
    watcher.on_epoch_begin(0)
    for batch, loss in enumerate([0.9, 0.8, 0.7]):
        watcher.on_train_batch_begin(batch)
        watcher.on_train_batch_end(batch, {"loss": loss})
    assert [e.step for e in events if isinstance(e, BatchEnded)] == [1]
    watcher.on_epoch_end(0, {"loss": 0.7})
    assert [type(e).__name__ for e in events] == ["BatchEnded", "BatchEnded", "EpochEnded"]
    assert events[1].step == 3 and events[1].loss == 0.7
    watcher.on_epoch_begin(1)
    watcher.on_train_batch_begin(0)
    watcher.on_train_batch_end(0, {"loss": 0.6})
    watcher.on_train_batch_begin(1)
    watcher.on_train_batch_end(1, {"loss": math.inf})
    batches = [e for e in events if isinstance(e, BatchEnded)]
    assert batches[-1].step == 5 and not math.isfinite(batches[-1].loss)
    assert watcher.model.stop_training
    assert [e.code for e in events if isinstance(e, AlertRaised)] == ["non_finite"]


def test_the_last_batch_of_an_epoch_is_sent_at_once_when_keras_says_how_many():
    watcher, events = _watcher(min_interval=3600.0, steps=3)
    watcher.on_epoch_begin(0)
    for batch in range(3):
        watcher.on_train_batch_begin(batch)
        watcher.on_train_batch_end(batch, {"loss": 1.0})
    assert [e.step for e in events] == [1, 3]


def test_a_cancel_is_seen_after_every_batch_even_between_sent_events():
    watcher, events = _watcher(min_interval=3600.0)
    watcher.on_epoch_begin(0)
    watcher.on_train_batch_begin(0)
    watcher.on_train_batch_end(0, {"loss": 1.0})
    watcher.cancel.cancel()
    watcher.on_train_batch_end(1, {"loss": 0.9})
    assert watcher.model.stop_training and watcher.cancelled
    # The stop is announced once, and the batch it stopped at is not lost.
    assert [type(e).__name__ for e in events] == ["BatchEnded", "StageStarted", "BatchEnded"]


def test_batch_ends_dispatched_to_threads_out_of_order_are_processed_in_order():
    assert ProgressAndCancel.async_safe is True
    means = [2.0, 1.5, 1.6, 1.2, 1.1, 1.0, 0.9, 0.95]
    sync, sync_events = _watcher(min_interval=0.0)
    threaded, events = _watcher(min_interval=0.0)
    for watcher in (sync, threaded):
        watcher.on_epoch_begin(0)
    for batch, mean in enumerate(means):
        sync.on_train_batch_begin(batch)
        sync.on_train_batch_end(batch, {"loss": mean})
        threaded.on_train_batch_begin(batch)  # begins come in order on the training thread
    order = list(range(len(means)))
    random.Random(3).shuffle(order)
    with ThreadPoolExecutor(max_workers=len(means)) as pool:
        futures = [pool.submit(threaded.on_train_batch_end, b, {"loss": means[b]})
                   for b in order]
        for future in futures:
            future.result(timeout=10)
    assert [e.step for e in events] == list(range(1, len(means) + 1))
    assert [e.batch_loss for e in events] == pytest.approx(
        [e.batch_loss for e in sync_events], rel=1e-12)
    assert [e.smoothed for e in events] == pytest.approx(
        [e.smoothed for e in sync_events], rel=1e-12)
