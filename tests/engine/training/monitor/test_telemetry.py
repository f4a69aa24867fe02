"""Live training telemetry: gradient norms, update ratios, activation statistics, filters,
learning-rate multipliers, health notes, and the events that carry them."""

import json
import math
import time

import keras
import numpy as np
import pytest

from engine.training.monitor.activation_stats import activation_kind, layer_stats
from engine.core.jobs import FiltersSampled, TelemetrySampled, event_from_dict
from engine.training.monitor.telemetry import Telemetry, layer_key
from engine.training.monitor.health import health_notes
from engine.training.monitor.optimizer import OPTIMIZERS, make_optimizer, telemetry_class


def _linear(lr=0.1, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="out")],
                             name="lin")
    model.compile(optimizer=make_optimizer("sgd", lr, momentum=0.0, nesterov=False),
                  loss="mean_squared_error")
    return model


def _data(rows=16, cols=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols)).astype("float32")
    y = rng.normal(size=(rows, 1)).astype("float32")
    return X, y


def _exact(*args, **kwargs):
    """Telemetry at its cadence exactly: no time or overhead budget."""
    return Telemetry(*args, min_interval=0.0, max_overhead=None, **kwargs)


def _samples(events):
    return [e for e in events if isinstance(e, TelemetrySampled)]


def test_recorded_gradient_norms_and_update_ratio_match_the_analytic_gradient():
    X, y = _data()
    model, lr = _linear(lr=0.1), 0.1
    w0, b0 = (np.asarray(v, dtype=np.float64) for v in model.layers[0].get_weights())
    # MSE on one batch: dL/dw = 2/n X^T r, dL/db = 2/n sum(r), r = Xw + b - y.
    r = X.astype(np.float64) @ w0 + b0 - y
    g_w = 2.0 / len(X) * X.T.astype(np.float64) @ r
    g_b = 2.0 / len(X) * r.sum(axis=0)
    events = []
    model.fit(X, y, batch_size=len(X), epochs=1, shuffle=False, verbose=0,
              callbacks=[_exact("r", X, events.append, every=1)])
    norms = model.optimizer.gradient_norms()
    assert norms["lin/out/kernel"] == pytest.approx(np.linalg.norm(g_w), rel=1e-5)
    assert norms["lin/out/bias"] == pytest.approx(np.linalg.norm(g_b), rel=1e-5)
    [sample] = _samples(events)
    assert (sample.step, sample.epoch) == (1, 1)
    assert sample.learning_rate == pytest.approx(lr)
    assert sample.update_ratio["out"] == pytest.approx(
        lr * np.linalg.norm(g_w) / np.linalg.norm(w0), rel=1e-4)
    total = math.hypot(np.linalg.norm(g_w), np.linalg.norm(g_b))
    assert sample.grad_norm["out"] == pytest.approx(total, rel=1e-5)
    assert sample.global_grad_norm == pytest.approx(total, rel=1e-5)
    assert sample.activations is None  # a linear model has no activation to watch


def _mlp(bias=0.0):
    keras.utils.set_random_seed(2)
    model = keras.Sequential([
        keras.Input((3,)),
        keras.layers.Dense(6, activation="relu", name="h_relu",
                           bias_initializer=keras.initializers.Constant(bias)),
        keras.layers.Dense(5, activation="tanh", name="h_tanh"),
        keras.layers.Dense(4, activation="sigmoid", name="h_sigmoid"),
        keras.layers.Dense(1, activation="sigmoid", name="out"),
    ], name="mlp")
    model.compile(optimizer=make_optimizer("adam", 1e-2), loss="binary_crossentropy")
    return model


def _numpy_forward(model, X):
    outs, a = {}, X.astype(np.float64)
    funcs = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh,
             "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z))}
    for layer in model.layers:
        w, b = (np.asarray(v, dtype=np.float64) for v in layer.get_weights())
        a = funcs[activation_kind(layer)](a @ w + b)
        outs[layer.name] = a
    return outs


def test_activation_statistics_equal_numpy_on_the_probe_rows():
    X, _ = _data(rows=100)
    X = X * 4.0  # large inputs: some tanh and sigmoid units saturate
    y = (X[:, :1] > 0).astype("float32")
    model = _mlp()
    events = []
    model.fit(X, y, batch_size=100, epochs=1, verbose=0,
              callbacks=[_exact("r", X, events.append, every=1)])
    [sample] = _samples(events)
    probe = X[:64]  # at most 64 rows are kept
    outs = _numpy_forward(model, probe)  # the probe ran after the step, on these weights
    assert set(sample.activations) == {"h_relu", "h_tanh", "h_sigmoid"}  # not the output
    relu, tanh, sig = outs["h_relu"], outs["h_tanh"], outs["h_sigmoid"]
    got = sample.activations
    assert got["h_relu"]["mean"] == pytest.approx(relu.mean(), rel=1e-4)
    assert got["h_relu"]["std"] == pytest.approx(relu.std(), rel=1e-4)
    assert got["h_relu"]["dead"] == pytest.approx(np.mean((relu <= 0).all(axis=0)))
    assert got["h_tanh"]["std"] == pytest.approx(tanh.std(), rel=1e-4)
    assert got["h_tanh"]["saturated"] == pytest.approx(np.mean(np.abs(tanh) > 0.97))
    assert 0.0 < got["h_tanh"]["saturated"] < 1.0
    assert got["h_sigmoid"]["saturated"] == pytest.approx(
        np.mean((sig < 0.03) | (sig > 0.97)))
    assert "dead" not in got["h_tanh"] and "saturated" not in got["h_relu"]


def test_a_relu_layer_with_a_large_negative_bias_is_all_dead_and_the_note_says_so():
    X, _ = _data(rows=32)
    y = (X[:, :1] > 0).astype("float32")
    model = _mlp(bias=-100.0)
    events = []
    model.fit(X, y, batch_size=32, epochs=1, verbose=0,
              callbacks=[_exact("r", X, events.append, every=1)])
    [sample] = _samples(events)
    assert sample.activations["h_relu"]["dead"] == 1.0
    assert sample.activations["h_relu"]["mean"] == 0.0
    notes = health_notes(sample)
    assert "dead_relu" in [code for code, _, _ in notes]
    assert "h_relu" in dict((c, t) for c, _, t in notes)["dead_relu"]


def test_a_conv_layer_s_dead_unit_is_a_channel_zero_everywhere():
    values = np.ones((2, 3, 3, 4))
    values[..., 1] = 0.0
    values[0, 0, 0, 2] = 0.0  # zero somewhere is not dead
    assert layer_stats(values, "relu")["dead"] == 0.25
    first = np.moveaxis(values, -1, 1)
    assert layer_stats(first, "relu", axis=1)["dead"] == 0.25


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_learning_rate_multipliers_scale_the_step_and_zero_freezes(name):
    X, y = _data()

    def one_step(multipliers):
        keras.utils.set_random_seed(4)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="low"),
                                  keras.layers.Dense(1, name="top")], name="net")
        model.compile(optimizer=make_optimizer(name, 0.05, lr_multipliers=multipliers),
                      loss="mean_squared_error")
        before = [np.array(v) for v in model.get_weights()]
        model.train_on_batch(X, y)
        return [np.array(v) - b for v, b in zip(model.get_weights(), before)], model

    plain, _ = one_step(None)
    scaled, model = one_step({"net/low/kernel": 0.0, "net/top": 0.1})
    assert model.optimizer.lr_factors() == {"net/low/kernel": 0.0, "net/low/bias": 1.0,
                                            "net/top/kernel": 0.1, "net/top/bias": 0.1}
    assert np.all(scaled[0] == 0.0) and np.abs(plain[0]).max() > 0  # frozen kernel
    np.testing.assert_allclose(scaled[1], plain[1], rtol=1e-5)      # factor 1
    np.testing.assert_allclose(scaled[2], 0.1 * plain[2], rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(scaled[3], 0.1 * plain[3], rtol=1e-4, atol=1e-9)


def test_a_layer_the_optimizer_does_not_move_gets_no_update_ratio():
    X, y = _data()
    keras.utils.set_random_seed(4)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="low"),
                              keras.layers.Dense(1, name="top")], name="net")
    model.compile(optimizer=make_optimizer("adam", 0.05, lr_multipliers={"net/low": 0.0}),
                  loss="mean_squared_error")
    events = []
    model.fit(X, y, batch_size=16, epochs=1, verbose=0,
              callbacks=[_exact("r", X, events.append, every=1)])
    [sample] = _samples(events)
    assert set(sample.update_ratio) == {"top"}  # "low" would only read as "too small"
    assert set(sample.grad_norm) == {"low", "top"} and sample.grad_norm["low"] > 0


def test_a_multiplier_that_names_no_variable_is_an_error():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="d")], name="m")
    model.compile(optimizer=make_optimizer("sgd", 0.1, lr_multipliers={"m/nope": 0.1}),
                  loss="mean_squared_error")
    with pytest.raises(ValueError, match="m/nope"):
        model.train_on_batch(*_data())


def test_every_optimizer_and_a_schedule_build_train_and_save(tmp_path):
    X, y = _data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    for name, base in OPTIMIZERS.items():
        optimizer = make_optimizer(name, schedule if name == "sgd" else 1e-3)
        assert isinstance(optimizer, base) and type(optimizer) is telemetry_class(base)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile(optimizer=optimizer, loss="mean_squared_error")
        model.fit(X, y, batch_size=8, epochs=1, verbose=0)
        assert all(n > 0 for n in optimizer.gradient_norms().values())
        assert optimizer.get_config()["record_gradients"] is True
        model.save(tmp_path / f"{name}.keras")
        again = keras.saving.load_model(tmp_path / f"{name}.keras", compile=False)
        np.testing.assert_allclose(again.predict(X, verbose=0), model.predict(X, verbose=0))
    assert make_optimizer("sgd", 0.1).nesterov and make_optimizer("sgd", 0.1).momentum == 0.9
    assert make_optimizer("adam", 0.1, record_gradients=False).gradient_norms() == {}
    with pytest.raises(ValueError, match="adamw"):
        make_optimizer("adamw", 0.1)


def _cnn(filters):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(filters, 3, activation="relu", name="first"),
        keras.layers.Conv2D(4, 3, activation="relu", name="second"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer=make_optimizer("sgd", 0.01), loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("filters, kept", [(4, 4), (40, 32)])
def test_first_layer_filters_are_sent_each_epoch_scaled_to_unit_range(filters, kept):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 2, 20, dtype=np.int32)
    model = _cnn(filters)
    events = []
    model.fit(X, y, batch_size=10, epochs=2, verbose=0,
              callbacks=[_exact("c", X, events.append)])
    sent = [e for e in events if isinstance(e, FiltersSampled)]
    assert [(e.epoch, e.layer) for e in sent] == [(1, "first"), (2, "first")]
    images = np.array(sent[-1].filters)
    assert images.shape == (kept, 3, 3, 1)
    kernel = np.moveaxis(np.asarray(model.get_layer("first").kernel)[..., :kept], -1, 0)
    expected = (kernel - kernel.min()) / (kernel.max() - kernel.min())
    np.testing.assert_allclose(images, expected, atol=6e-4)
    assert images.min() == 0.0 and images.max() == 1.0
    assert {"first", "second"} <= set(_samples(events)[0].activations)


def test_no_filters_without_a_conv2d_and_no_activations_without_probe_rows():
    events = []
    X, y = _data()
    # 0/1 targets for the sigmoid output's binary cross-entropy (PyTorch rejects others).
    _mlp().fit(X, (y > 0).astype("float32"), epochs=1, verbose=0,
               callbacks=[_exact("r", None, events.append, every=1)])
    assert not [e for e in events if isinstance(e, FiltersSampled)]
    assert _samples(events) and all(e.activations is None for e in _samples(events))


def test_samples_keep_to_their_cadence_and_the_time_budget():
    X, y = _data(rows=4000)
    model = _linear()
    exact, throttled = [], []
    model.fit(X, y, batch_size=8, epochs=1, verbose=0,
              callbacks=[Telemetry("r", X, exact.append, every=10, probe_every=50,
                                   min_interval=0.0, max_overhead=None)])
    assert [e.step for e in _samples(exact)] == list(range(1, 501, 10))
    start = time.monotonic()
    model.fit(X, y, batch_size=8, epochs=2, verbose=0,
              callbacks=[Telemetry("r", X, throttled.append, every=1)])
    seconds = time.monotonic() - start
    steps = [e.step for e in _samples(throttled)]
    assert len(steps) <= seconds / 0.05 + 1
    assert len(steps) < 1000 / 2 and steps == sorted(steps)


def test_sampling_never_takes_more_than_its_share_of_the_time():
    X, y = _data(rows=4000)
    model = _linear()
    sent = []

    def slow(event):  # a sample that costs 20 ms
        sent.append(event)
        time.sleep(0.02)

    start = time.monotonic()
    model.fit(X, y, batch_size=8, epochs=2, verbose=0,
              callbacks=[Telemetry("r", X, slow, every=1, min_interval=0.0, max_overhead=0.1)])
    seconds = time.monotonic() - start
    # Samples get half the budget: each waits 0.02 s / 0.05 = 0.4 s for the next. The
    # first waits for nothing and the second for both (0.8 s), so a fit shorter than that
    # (0.3 s on JAX on a fast machine) has two samples, and a longer one pays them back.
    assert 1 <= len(_samples(sent)) <= seconds / 0.4 + 2


def test_the_first_two_samples_keep_to_the_budget_too(monkeypatch):
    """The first sample waits for nothing (its cost may be a one-off, such as a first
    call), so the second waits for both: on a clock that moves only by the steps (10 ms)
    and the samples (20 ms each, a 5 % share), 0.8 s after the second, then 0.4 s."""
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    taken = []

    def progress(event):
        if isinstance(event, TelemetrySampled):
            taken.append(clock[0])
            clock[0] += 0.02

    telemetry = Telemetry("r", None, progress, every=1, min_interval=0.0, max_overhead=0.1)
    telemetry.set_model(_linear())
    telemetry.on_train_begin()
    for step in range(200):
        telemetry.on_train_batch_begin(step)
        clock[0] += 0.01
    gaps = np.diff(taken)
    assert gaps[0] == pytest.approx(0.03)  # the second sample at the next step
    assert 0.82 <= gaps[1] < 0.84  # 2 x 0.02 / 0.05 after the second one ended
    assert all(0.42 <= gap < 0.44 for gap in gaps[2:]) and len(gaps) >= 4


def test_telemetry_events_round_trip_through_plain_json():
    sample = TelemetrySampled("r", 20, 2, 1e-3, {"dense": 1e-3}, {"dense": 0.5}, 0.7,
                              {"dense": {"mean": 0.2, "std": 0.1, "dead": 0.0}})
    filters = FiltersSampled("r", 3, "conv2d", [[[[0.0], [1.0]], [[0.5], [0.25]]]])
    for event in (sample, filters, TelemetrySampled("r", 1, 1)):
        wire = json.loads(json.dumps(event.to_dict()))
        assert event_from_dict(wire) == event


def test_health_notes_name_each_problem_once_with_its_layers():
    def codes(**kw):
        base = dict(run_id="r", step=1, epoch=1, learning_rate=0.1,
                    update_ratio={"a": 1e-3}, grad_norm={}, global_grad_norm=1.0)
        return [c for c, _, _ in health_notes(TelemetrySampled(**{**base, **kw}))]

    assert codes() == []
    assert codes(update_ratio={"a": 1e-6, "b": 1e-3}) == ["update_too_small"]
    assert codes(update_ratio={"a": 0.5, "b": 0.2}) == ["update_too_large"]
    assert codes(global_grad_norm=1e-9) == ["vanishing"]
    assert codes(global_grad_norm=1e4) == ["exploding"]
    assert codes(global_grad_norm=None) == []
    assert codes(activations={"t": {"mean": 0.0, "std": 1.0, "saturated": 0.8},
                              "r": {"mean": 0.0, "std": 0.0, "dead": 0.4}}) == ["saturated"]
    [(code, severity, message)] = health_notes(TelemetrySampled(
        "r", 1, 1, None, {"a": 0.5, "b": 0.9}))
    assert (code, severity) == ("update_too_large", "warning")
    assert "“a”" in message and "“b”" in message and "0.9" in message


def test_layer_names_drop_the_model_name():
    assert layer_key("mlp/dense/kernel", "mlp") == "dense"
    assert layer_key("mlp/base/conv/kernel", "mlp") == "base/conv"
    assert layer_key("dense/kernel", "mlp") == "dense"


def test_unhealthy_samples_twice_in_a_row_raise_one_alert():
    from engine.core.jobs import AlertRaised, TelemetrySampled
    from engine.training.monitor.telemetry import Telemetry

    events = []
    watcher = Telemetry("r", np.zeros((2, 3), dtype="float32"), events.append)
    big = TelemetrySampled("r", 10, 1, 0.1, {"dense": 0.5}, {}, 1.0)
    fine = TelemetrySampled("r", 20, 1, 0.1, {"dense": 1e-3}, {}, 1.0)
    for sample in (big, fine, big, big, big):
        watcher._raise_health_alerts(sample)
    alerts = [e for e in events if isinstance(e, AlertRaised)]
    assert [a.code for a in alerts] == ["update_too_large"]
    assert alerts[0].severity == "warning" and alerts[0].text
