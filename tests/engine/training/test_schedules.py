"""The learning-rate schedules give the rates their settings promise."""

import math

import pytest

from engine.training.schedules import learning_rate_plan, rate_at
from engine.models.train_params import TrainParams


def _plan(**kw):
    return learning_rate_plan(TrainParams(learning_rate=0.1, **kw), steps_per_epoch=10)


def test_constant_rate():
    lr, callbacks = _plan()
    assert lr == 0.1 and callbacks == []


def test_step_halves_every_decay_epochs():
    lr, _ = _plan(schedule="step", decay_rate=0.5, decay_epochs=2)
    assert rate_at(lr, 0) == pytest.approx(0.1)
    assert rate_at(lr, 19) == pytest.approx(0.1)
    assert rate_at(lr, 20) == pytest.approx(0.05)
    assert rate_at(lr, 40) == pytest.approx(0.025)


def test_exponential_is_smooth():
    lr, _ = _plan(schedule="exponential", decay_rate=0.5, decay_epochs=2)
    assert rate_at(lr, 10) == pytest.approx(0.1 * 0.5 ** 0.5, rel=1e-5)


def test_inverse_time():
    lr, _ = _plan(schedule="inverse_time", decay_rate=1.0, decay_epochs=1)
    assert rate_at(lr, 30) == pytest.approx(0.1 / 4, rel=1e-5)


def test_warmup_then_cosine_to_zero():
    lr, _ = _plan(schedule="warmup_cosine", warmup_epochs=2, epochs=10)
    assert rate_at(lr, 0) == pytest.approx(0.001, rel=1e-4)
    assert rate_at(lr, 20) == pytest.approx(0.1, rel=1e-4)
    assert rate_at(lr, 60) == pytest.approx(0.1 * 0.5 * (1 + math.cos(math.pi * 0.5)), rel=1e-4)
    assert rate_at(lr, 100) == pytest.approx(0.0, abs=1e-7)


def test_plateau_uses_a_callback_that_waits_less_than_early_stopping():
    lr, callbacks = _plan(schedule="plateau", patience=10, decay_epochs=10)
    assert lr == 0.1
    assert callbacks[0].patience == 5 and callbacks[0].factor == 0.5


def test_unknown_schedule_is_refused():
    with pytest.raises(ValueError):
        TrainParams(schedule="sometimes")
