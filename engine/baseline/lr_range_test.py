"""Sanity check 3: find a good learning rate with a range test.

The learning rate has the largest effect on training, and its effect shows in the loss.
The range test trains a fresh model for a short while and multiplies the learning rate by
the same factor after every batch, from a rate too small to change anything (``start``)
to one far too large (``stop``). The loss first stays flat, then falls faster and faster,
then turns and shoots up when the steps become too large.

The test stops early when the smoothed loss (a moving average, ``engine.baseline.lr_curve``)
exceeds ``BLOW_UP`` (4, as in fastai) times its lowest value, or is no longer a number.
The curve is then read by ``engine.baseline.lr_curve.read_curve``: smoothed, the middle of
its longest steady descent (fastai's "valley") as the candidate, and a guard that offers
it only when the descent is clear and steady and the candidate is an improvement on the
default rate (1e-3); otherwise the default is kept and the user is told in plain words
that no better rate was found.

The rate is set through ``model.optimizer.learning_rate`` before every batch, which works
on every Keras backend. An optimizer built with a schedule (a rate that changes by itself)
does not take a plain number there, so its schedule is swapped for one that follows the
test's rates (the same growth by a constant factor, counted in the optimizer's steps).

Use:
    result = lr_range_test(build, X, y, batch_size=32)
    result.suggested
"""

from __future__ import annotations

import math
from typing import Callable

import keras
import numpy as np

from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag
from engine.baseline.lr_curve import DEFAULT_RATE, LossAverage, read_curve
from engine.baseline.sanity_data import as_arrays
from engine.baseline.sanity_result import LrRangeResult, plain_number
from engine.core.texts import text

BLOW_UP = 4.0
"""The test stops when the smoothed loss exceeds this multiple of its lowest value."""


def lr_schedule(start: float, stop: float, steps: int) -> np.ndarray:
    """``steps`` learning rates growing by the same factor from ``start`` to ``stop``.

    Use:
        lr_schedule(1e-3, 1e-1, 3).round(6).tolist()
    """
    if not 0 < start < stop:
        raise ValueError("the learning rates must satisfy 0 < start < stop")
    if steps < 2:
        raise ValueError("the range test needs at least 2 steps")
    return np.geomspace(start, stop, int(steps))


def lr_range_test(build: Callable[[], keras.Model], X, y, batch_size: int = 32,
                  start: float = 1e-6, stop: float = 1.0, steps: int = 100, seed: int = 0,
                  cancel: CancelFlag = NEVER,
                  on_step: Callable[[int, int], None] | None = None) -> LrRangeResult:
    """Train a fresh model while the learning rate grows every batch, and propose a rate.

    Args:
        build: returns a freshly built, compiled model (the one to train for real; its
            optimizer's learning rate must be a plain number).
        X: inputs of the training rows, one row per example (any shape).
        y: class indices or standardized values of the training rows.
        batch_size: rows per batch, as in real training (all rows if there are fewer).
        start: the first learning rate.
        stop: the last learning rate, if the loss has not blown up before.
        steps: batches to run.
        seed: seeds Keras (weights) and the order of the rows.
        cancel: checked before every batch.
        on_step: optional ``on_step(done, steps)`` called after every batch.

    Returns:
        An ``LrRangeResult`` with the proposal (or None), the curve and a plain sentence.

    Raises:
        JobCancelled: ``cancel`` was set.
        ValueError: the rates or steps make no range.

    Use:
        lr_range_test(build, X, y).code
    """
    X, y = as_arrays(X, y, None)
    rates = lr_schedule(start, stop, steps)
    keras.utils.set_random_seed(seed)
    model = build()
    settable = _take_over_rate(model.optimizer, rates)
    rng = np.random.default_rng(seed)
    size = max(1, min(int(batch_size), len(X)))
    order, pos = rng.permutation(len(X)), 0
    raw: list[float] = []
    smooth: list[float] = []
    average, best, stopped = LossAverage(), math.inf, False
    for i, rate in enumerate(rates):
        if cancel.is_set():
            raise JobCancelled("learning-rate test cancelled")
        if pos + size > len(X):  # a new pass over the rows; same-size batches only
            order, pos = rng.permutation(len(X)), 0
        rows = order[pos:pos + size]
        pos += size
        if settable:
            model.optimizer.learning_rate = float(rate)
        loss = float(model.train_on_batch(X[rows], y[rows], return_dict=True)["loss"])
        raw.append(loss)
        if on_step is not None:
            on_step(i + 1, len(rates))
        if not math.isfinite(loss):
            smooth.append(math.nan)
            stopped = i + 1 < len(rates)
            break
        smooth.append(average.add(loss))
        best = min(best, smooth[-1])
        if smooth[-1] > BLOW_UP * best:
            stopped = i + 1 < len(rates)
            break
    return _propose(rates, raw, smooth, stopped, size)


def _take_over_rate(optimizer, rates: np.ndarray) -> bool:
    """Make ``optimizer`` follow ``rates``; True when it takes a plain number each batch.

    An optimizer built with a schedule keeps it unless told otherwise, and refuses a plain
    number; it gets a schedule that grows by the same factor as ``rates`` from its next
    step on instead (False is returned then, and nothing needs setting per batch).
    """
    try:
        optimizer.learning_rate = float(rates[0])
        return True
    except (TypeError, AttributeError):  # Keras: "its learning rate is not settable"
        pass
    factor = float(rates[1] / rates[0])
    done = int(keras.ops.convert_to_numpy(optimizer.iterations))
    optimizer.learning_rate = keras.optimizers.schedules.ExponentialDecay(
        float(rates[0]) / factor ** done, decay_steps=1, decay_rate=factor)
    return False


def _propose(rates: np.ndarray, raw: list[float], smooth: list[float], stopped: bool,
             size: int) -> LrRangeResult:
    """Read the curve (``read_curve``): the proposal, its reasons and the plain sentence."""
    done = rates[:len(raw)]
    curve = dict(learning_rates=tuple(float(r) for r in done), losses=tuple(smooth),
                 raw_losses=tuple(raw), steps=len(raw), stopped_early=stopped)
    words = dict(start=plain_number(float(rates[0])), stop=plain_number(float(rates[-1])),
                 steps=len(raw), batch=size, default=plain_number(DEFAULT_RATE))
    reading = read_curve(rates, raw)
    found = dict(lowest=reading.lowest, candidate=reading.candidate,
                 valley_start=reading.valley[0] if reading.valley else None,
                 valley_end=reading.valley[1] if reading.valley else None)
    if reading.code in ("not_finite", "no_decrease"):
        return LrRangeResult(False, reading.code, text(f"sanity.lr_{reading.code}", **words),
                             **found, **curve)
    words.update(low=plain_number(reading.valley[0]), high=plain_number(reading.valley[1]),
                 lowest=plain_number(reading.lowest), candidate=plain_number(reading.candidate),
                 suggested=plain_number(reading.suggested or math.nan))
    # text keys: sanity.lr_{not_finite,no_decrease}
    # text keys: sanity.lr_keep_{default_inside,short_valley,close}
    key = "sanity.lr_found" if reading.code == "found" else f"sanity.lr_keep_{reading.why}"
    sentence = text(key, **words)
    if stopped:
        sentence += " " + text("sanity.lr_stopped", last=plain_number(float(done[-1])))
    return LrRangeResult(True, reading.code, sentence, suggested=reading.suggested, **found,
                         **curve)
