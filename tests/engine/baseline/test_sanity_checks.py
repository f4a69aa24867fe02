"""Sanity checks before real training: overfit a tiny subset, the loss at initialization,
the learning-rate range test, and the three together."""

import json
import math

import keras
import numpy as np
import pytest

from engine.core.errors import JobCancelled
from engine.core.jobs import CancelToken, Progress
from engine.baseline.lr_curve import DEFAULT_RATE
from engine.baseline.lr_range_test import lr_range_test
from engine.baseline.sanity_checks import SanityReport, run_all
from engine.baseline.sanity_data import prior_loss, uniform_loss
from engine.baseline.sanity_initial_loss import initial_loss_check
from engine.baseline.sanity_overfit import overfit_tiny_subset, tiny_subset
from engine.baseline.sanity_result import CheckResult, LrRangeResult
from engine.core.texts import text

N_IN = 6


def binary_data(n=240, seed=0):
    """A learnable two-class problem: the class is the side of a line."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_IN)).astype("float32")
    return X, (X[:, 0] + X[:, 1] > 0).astype("int64")


def regression_data(n=240, seed=0):
    """A learnable regression with a standardized target."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_IN)).astype("float32")
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.1 * rng.normal(size=n)
    return X, (y - y.mean()) / y.std()


def mlp(task, n_classes=2, optimizer=None, width=32, depth=2, zero_output=False, n_in=N_IN):
    """A builder of a small compiled MLP as the app makes them (softmax or linear output)."""
    def build():
        layers = [keras.Input(shape=(n_in,))]
        layers += [keras.layers.Dense(width, activation="relu", kernel_initializer="he_normal")
                   for _ in range(depth)]
        init = "zeros" if zero_output else "glorot_uniform"
        if task == "regression":
            layers.append(keras.layers.Dense(1, kernel_initializer=init))
            loss = "mean_squared_error"
        else:
            layers.append(keras.layers.Dense(n_classes, activation="softmax",
                                             kernel_initializer=init))
            loss = "sparse_categorical_crossentropy"
        model = keras.Sequential(layers)
        model.compile(optimizer=optimizer() if optimizer else keras.optimizers.Adam(1e-3),
                      loss=loss)
        return model
    return build


def momentum():
    """SGD with momentum: compiles much faster than Adam, which keeps the tests quick."""
    return keras.optimizers.SGD(0.05, momentum=0.9)


def strict_json_round_trip(result):
    """``to_dict`` must survive strict JSON and ``from_dict`` must give the same dict."""
    wire = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert type(result).from_dict(wire).to_dict() == result.to_dict()
    return wire


# --- 1. Overfitting a tiny subset ----------------------------------------------------------

def test_a_sound_mlp_learns_a_tiny_subset_by_heart():
    X, y = binary_data()
    result = overfit_tiny_subset(mlp("binary"), X, y, "binary", 2, n=16, steps=300)
    assert result.passed and result.code == "passed" and result.check == "overfit"
    assert result.steps < 300 and len(result.losses) == result.steps  # stopped early
    assert result.loss < 0.1 and result.details["accuracy"] == 1.0
    assert result.losses[-1] < result.losses[0] / 5
    assert "by heart" in result.text
    wire = strict_json_round_trip(result)
    assert wire["passed"] is True and len(wire["losses"]) == result.steps


def test_a_learning_rate_of_zero_fails_because_the_loss_did_not_go_down():
    X, y = binary_data()
    result = overfit_tiny_subset(mlp("binary", optimizer=lambda: keras.optimizers.SGD(0.0)),
                                 X, y, "binary", 2, steps=20)
    assert not result.passed and result.code == "no_progress"
    assert result.steps == 20 and max(result.losses) == pytest.approx(min(result.losses))
    assert "did not go down" in result.text and "out of step" in result.text


def test_a_pipeline_that_reshuffles_labels_every_step_fails_while_a_steady_one_passes():
    X, y = binary_data()
    rows = tiny_subset(y, "binary", 16)
    shuffler = np.random.default_rng(1)
    broken = overfit_tiny_subset(mlp("binary", optimizer=momentum),
                                 X, y, "binary", 2, steps=80,
                                 feed=lambda step: (X[rows], shuffler.permutation(y[rows])))
    assert not broken.passed and broken.code in ("prior_only", "no_progress")
    # It got no lower than guessing from the class shares.
    assert broken.loss > 0.8 * broken.details["prior_loss"]
    steady = overfit_tiny_subset(mlp("binary", optimizer=momentum),
                                 X, y, "binary", 2, steps=80,
                                 feed=lambda step: (X[rows], y[rows]))
    assert steady.passed


def test_a_loss_that_becomes_nan_is_reported():
    X, y = binary_data()
    X[:, 2] = np.nan
    result = overfit_tiny_subset(mlp("binary", optimizer=momentum), X, y, "binary", 2, steps=20)
    assert result.code == "not_finite" and not result.passed and result.steps == 1
    wire = strict_json_round_trip(result)
    assert wire["loss"] is None and wire["losses"] == [None]


def test_regression_overfit_passes_and_a_linear_model_stalls_on_a_curved_target():
    X, y = regression_data()
    sound = overfit_tiny_subset(mlp("regression", optimizer=lambda: keras.optimizers.Adam(1e-2)),
                                X, y, "regression", 0)
    assert sound.passed and sound.loss < 0.01 * np.var(y)
    rng = np.random.default_rng(3)
    Xc = rng.normal(size=(200, 3)).astype("float32")
    yc = Xc[:, 0] * Xc[:, 1] + Xc[:, 2] ** 2
    yc = (yc - yc.mean()) / yc.std()
    linear = overfit_tiny_subset(mlp("regression", depth=0, n_in=3, optimizer=momentum),
                                 Xc, yc, "regression", 0, steps=150)
    assert not linear.passed and linear.code in ("stalled", "slow")
    assert linear.loss < 0.8 * linear.details["prior_loss"]  # it learned something


def test_the_tiny_subset_is_stratified_and_between_5_and_20_rows():
    y = np.array([0] * 90 + [1] * 10)
    assert np.bincount(y[tiny_subset(y, "binary", 10)]).tolist() == [5, 5]
    y3 = np.repeat([0, 1, 2], [50, 3, 50])
    counts = np.bincount(y3[tiny_subset(y3, "multiclass", 16)])
    assert counts.sum() == 16 and counts[1] == 3 and abs(counts[0] - counts[2]) <= 1
    assert len(tiny_subset(np.zeros(100), "regression", 2)) == 5
    assert len(set(tiny_subset(np.zeros(100), "regression", 50))) == 20
    assert len(tiny_subset(np.array([0, 1, 0]), "binary", 16)) == 3


# --- 2. The loss at initialization ---------------------------------------------------------

def test_a_fresh_softmax_with_zero_initialised_output_starts_at_ln_c():
    X, y = binary_data()
    y3 = np.digitize(X[:, 0], [-0.5, 0.5])  # three classes
    result = initial_loss_check(mlp("multiclass", 3, zero_output=True)(), X, y3,
                                "multiclass", 3)
    assert result.passed and result.code == "ok" and result.check == "initial_loss"
    assert result.expected == pytest.approx(math.log(3))
    assert result.loss == pytest.approx(math.log(3), rel=1e-3)
    assert result.details["ratio"] == pytest.approx(1.0, rel=1e-3)
    assert "ln 3" in result.text
    strict_json_round_trip(result)


def test_a_huge_last_layer_bias_fails_the_initial_loss_check():
    X, y = binary_data()
    model = mlp("binary", zero_output=True)()
    kernel, _ = model.layers[-1].get_weights()
    model.layers[-1].set_weights([kernel, np.array([50.0, -50.0], dtype="float32")])
    result = initial_loss_check(model, X, y, "binary", 2)
    assert not result.passed and result.code == "high"
    # Half the rows get a probability of about e**-100 for their class; backends clip it
    # differently (TensorFlow uses the logits, JAX clips at 1e-7), but the loss is far up.
    assert result.loss > 5 * math.log(2) and "far above" in result.text


def test_inputs_that_give_the_answer_away_make_the_initial_loss_too_low():
    _, y = binary_data()
    X = np.eye(2, dtype="float32")[y] * 10  # the label itself, one-hot, as the inputs
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(
        2, activation="softmax", kernel_initializer="identity")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    result = initial_loss_check(model, X, y, "binary", 2)
    assert not result.passed and result.code == "low" and "give" in result.text


def test_unbalanced_classes_mention_the_entropy_of_the_class_shares():
    X, _ = binary_data(400)
    y = (X[:, 0] > 1.2).astype(int)  # about 12% positives
    result = initial_loss_check(mlp("binary", zero_output=True)(), X, y, "binary", 2)
    assert result.passed and result.expected == pytest.approx(math.log(2))
    assert result.details["prior_loss"] == pytest.approx(prior_loss(y, "binary"))
    assert result.details["prior_loss"] < 0.6 * math.log(2)
    assert "unbalanced" in result.text


def test_regression_initial_loss_is_near_one_and_a_huge_bias_fails():
    X, y = regression_data()
    ok = initial_loss_check(mlp("regression", zero_output=True)(), X, y, "regression", 0)
    assert ok.passed and ok.code == "ok"
    assert ok.expected == pytest.approx(1.0, rel=1e-3) and ok.loss == pytest.approx(1.0, rel=1e-3)
    assert ok.details["output_mean_square"] == pytest.approx(0.0)
    model = mlp("regression", zero_output=True)()
    model.layers[-1].set_weights([model.layers[-1].get_weights()[0],
                                  np.array([30.0], dtype="float32")])
    high = initial_loss_check(model, X, y, "regression", 0)
    assert high.code == "high" and not high.passed
    unscaled = initial_loss_check(mlp("regression", zero_output=True)(), X, y * 1000 + 5e4,
                                  "regression", 0)
    assert "do not look standardized" in unscaled.text


def test_a_nan_input_gives_a_not_finite_initial_loss():
    X, y = binary_data()
    X[0, 0] = np.inf
    X[:, 1] = np.nan
    result = initial_loss_check(mlp("binary")(), X, y, "binary", 2)
    assert result.code == "not_finite" and not result.passed
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["loss"] is None


def test_reference_losses():
    y = np.array([0, 0, 0, 1])
    assert uniform_loss(y, "binary", 2) == pytest.approx(math.log(2))
    assert uniform_loss(y, "multiclass", 10) == pytest.approx(math.log(10))
    assert prior_loss(y, "binary") == pytest.approx(-(0.75 * math.log(0.75)
                                                      + 0.25 * math.log(0.25)))
    assert uniform_loss(np.array([1.0, -1.0]), "regression", 0) == pytest.approx(1.0)
    assert prior_loss(np.array([1.0, 3.0]), "regression") == pytest.approx(1.0)


# --- 3. The learning-rate range test -------------------------------------------------------

def test_the_range_test_proposes_a_sensible_rate_on_a_learnable_problem():
    X, y = binary_data()
    models = []

    def build():
        models.append(mlp("binary")())
        return models[-1]

    result = lr_range_test(build, X, y, batch_size=32, steps=100)
    # A clear, steady fall: a rate is proposed, or the default kept when it is as good.
    assert result.passed and result.code in ("found", "keep_default")
    assert 1e-4 <= result.candidate <= 1e-1
    assert result.valley_start < result.candidate < result.valley_end <= result.lowest
    assert result.candidate <= result.lowest / 3 * (1 + 1e-9)
    if result.code == "found":
        assert result.suggested == result.candidate
        assert result.suggested > 2 * DEFAULT_RATE or result.valley_end < DEFAULT_RATE
    else:
        assert result.suggested is None and "keep" in result.text
    assert len(result.learning_rates) == len(result.losses) == len(result.raw_losses)
    assert len(result.losses) == result.steps <= 100
    assert result.learning_rates[0] == pytest.approx(1e-6)
    assert result.learning_rates[-1] <= 1.0
    assert result.stopped_early == (result.steps < 100)
    ratios = np.diff(np.log(result.learning_rates))
    assert np.allclose(ratios, ratios[0])  # grows by the same factor each batch
    assert min(result.losses) < 0.5 * result.losses[0]
    # The optimizer really ran at the last rate recorded.
    assert float(models[0].optimizer.learning_rate) == pytest.approx(
        result.learning_rates[-1], rel=1e-5)
    wire = strict_json_round_trip(result)
    assert wire["candidate"] == pytest.approx(result.candidate)
    assert LrRangeResult.from_dict(wire) == result


def test_an_optimizer_built_with_a_schedule_follows_the_test_rates():
    X, y = binary_data()
    models = []

    def build():
        decay = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.5)
        models.append(mlp("binary", optimizer=lambda: keras.optimizers.SGD(decay))())
        return models[-1]

    result = lr_range_test(build, X, y, start=1e-5, stop=1e-1, steps=30)
    assert result.steps == 30 and not result.stopped_early
    optimizer = models[0].optimizer
    assert int(optimizer.iterations) == 30
    # The next step would run at the rate after the last one: the schedule was taken over.
    assert float(optimizer.learning_rate) == pytest.approx(
        result.learning_rates[-1] * (1e4 ** (1 / 29)), rel=1e-4)


def test_the_range_test_stops_when_the_loss_blows_up():
    X, y = regression_data()
    result = lr_range_test(mlp("regression", optimizer=lambda: keras.optimizers.SGD(0.01)),
                           X, y, batch_size=32, start=1e-4, stop=100.0, steps=60)
    assert result.stopped_early and result.steps < 60
    assert result.passed and 1e-4 <= result.candidate <= 1e-1
    assert not math.isfinite(result.losses[-1]) or result.losses[-1] > 4 * min(result.losses)
    assert "stopped" in result.text
    strict_json_round_trip(result)


def test_no_rate_is_proposed_when_the_loss_never_goes_down():
    X, y = binary_data()
    result = lr_range_test(mlp("binary", optimizer=momentum), np.zeros_like(X), y, steps=40)
    assert not result.passed and result.code == "no_decrease" and result.suggested is None
    assert "no learning rate can be suggested" in result.text
    strict_json_round_trip(result)


def test_checks_honour_the_cancel_token():
    X, y = binary_data()
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        lr_range_test(mlp("binary", optimizer=momentum), X, y, cancel=token)
    later = CancelToken()

    def stop_at_5(done, _steps):
        if done == 5:
            later.cancel()

    seen = []
    with pytest.raises(JobCancelled):
        overfit_tiny_subset(mlp("binary", optimizer=momentum), X, y,
                            "binary", 2, cancel=later,
                            on_step=lambda d, s: (seen.append(d), stop_at_5(d, s)))
    assert seen == [1, 2, 3, 4, 5]


# --- The three together --------------------------------------------------------------------

def test_run_all_reports_progress_and_a_json_report():
    X, y = regression_data()
    events = []
    report = run_all(mlp("regression"), mlp("regression",
                                            optimizer=lambda: keras.optimizers.Adam(1e-2)),
                     X, y, "regression", 0, batch_size=32, progress=events.append)
    assert all(isinstance(e, Progress) for e in events)
    done = [e.done for e in events]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 3
    assert all(e.total == 3 and e.text for e in events)
    assert report.overfit.passed and report.lr_range.passed
    wire = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert wire["passed"] == report.passed and wire["text"] == report.text
    assert wire["suggested_learning_rate"] == report.lr_range.to_dict()["suggested"]
    assert SanityReport.from_dict(wire).to_dict() == report.to_dict()


def test_the_report_names_the_failed_checks():
    ok = CheckResult("overfit", True, "passed", "fine")
    bad = CheckResult("initial_loss", False, "high", "far above")
    lr = LrRangeResult(True, "found", "found", suggested=0.003)
    assert "0.003" in SanityReport(ok, ok, lr).text
    kept = LrRangeResult(True, "keep_default", "kept", candidate=0.004)
    assert SanityReport(ok, ok, kept).passed
    assert SanityReport(ok, ok, kept).text == text("sanity.all_passed_default", lr="0.001")
    words = SanityReport(bad, ok, lr).text
    assert text("sanity.name_initial_loss") in words
    assert text("sanity.name_overfit") not in words


@pytest.mark.parametrize("key", [
    "overfit_passed", "overfit_no_progress", "overfit_prior_only", "overfit_slow",
    "overfit_stalled", "overfit_not_finite"])
def test_every_overfit_outcome_has_its_text(key):
    words = text(f"sanity.{key}", n=16, steps=300, first="1.0", final="0.5", goal="0.05",
                 prior="0.693")
    assert "16" in words and "{" not in words
