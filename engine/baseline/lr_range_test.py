"""Sanity check 3: find a good learning rate with a range test.

The learning rate has the largest effect on training, and its effect shows in the loss.
The range test trains a fresh model for a short while and multiplies the learning rate by
the same factor after every batch, from a rate too small to change anything (``start``)
to one far too large (``stop``). The loss first stays flat, then falls faster and faster,
then turns and shoots up when the steps become too large.

Each batch's loss is noisy, so the curve is an exponential moving average with bias
correction (as in Adam): ``s_t = b s_(t-1) + (1 - b) loss_t``, shown as ``s_t / (1 - b^t)``.
The test stops early when the smoothed loss exceeds ``BLOW_UP`` (4) times its lowest value,
or is no longer a number.

The proposal is the rate where the smoothed loss falls fastest, capped at a tenth of the
rate where it was lowest: at the lowest point the steps are already nearly too large.
"Falls fastest" is measured as the largest fall over a decade of rates (the rate
multiplied by 10), not from one step to the next, which batch noise would dominate; the
rate in the middle of that decade is the steepest point.

The first tenth of the curve (at least ``MIN_SETTLE`` batches), where the rate is too
small to change anything, is the settling part: the average still settles there, so
neither the lowest point nor the steepest fall is looked for in it, and its batch losses
give the starting level and the noise. No rate is proposed unless the smoothed loss gets
clearly below the starting level: by ``MIN_DROP`` (10%) of it and by ``NOISE`` (1)
standard deviation of those batch losses.

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
from engine.baseline.sanity_data import as_arrays
from engine.baseline.sanity_result import LrRangeResult, plain_number
from engine.core.texts import text

SMOOTHING = 0.9
"""Weight of the past in the moving average of the loss (about the last 10 batches)."""
BLOW_UP = 4.0
"""The test stops when the smoothed loss exceeds this multiple of its lowest value."""
MIN_DROP = 0.1
"""No rate is proposed unless the smoothed loss fell by at least this share of its start."""
CAP = 0.1
"""The proposal is at most this share of the rate where the loss was lowest."""
SETTLE = 0.1
"""This share of the first steps is the settling part (see the module docstring)."""
WINDOW_DECADES = 1.0
"""The fall of the loss is measured over this many decades of learning rates."""
MIN_SETTLE = 5
"""The settling part (see ``SETTLE``) has at least this many batches."""
NOISE = 1.0
"""A fall counts only if it exceeds this many standard deviations of the batch losses in
the settling part (where the learning rate is too small to change anything)."""


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
    average, best, stopped = 0.0, math.inf, False
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
        average = SMOOTHING * average + (1 - SMOOTHING) * loss
        smooth.append(average / (1 - SMOOTHING ** (i + 1)))
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


def steepest_fall(smooth: np.ndarray, window: int, settle: int) -> int | None:
    """Index of the middle of the largest fall of ``smooth`` over ``window`` steps.

    Args:
        smooth: the smoothed losses up to their lowest point.
        window: steps compared (a decade of learning rates).
        settle: windows may not begin before this index.

    Returns:
        The index halfway through the window with the largest fall, or None if no window
        fits.

    Use:
        steepest_fall(np.array([5.0, 5, 4.9, 3, 1, 0.9]), 2, 1)
    """
    starts = np.arange(settle, len(smooth) - window)
    if starts.size == 0:
        return None
    falls = smooth[starts + window] - smooth[starts]
    return int(starts[int(np.argmin(falls))]) + window // 2


def _propose(rates: np.ndarray, raw: list[float], smooth: list[float], stopped: bool,
             size: int) -> LrRangeResult:
    """Read the curve: the proposal, its reasons and the plain sentence."""
    done = rates[:len(raw)]
    curve = dict(learning_rates=tuple(float(r) for r in done), losses=tuple(smooth),
                 raw_losses=tuple(raw), steps=len(raw), stopped_early=stopped)
    words = dict(start=plain_number(float(rates[0])), stop=plain_number(float(rates[-1])),
                 steps=len(raw), batch=size)
    finite = np.asarray([s for s in smooth if math.isfinite(s)])
    if finite.size == 0:
        return LrRangeResult(False, "not_finite", text("sanity.lr_not_finite", **words),
                             **curve)
    settle = max(MIN_SETTLE, int(SETTLE * len(rates)))
    if finite.size <= settle:  # blew up while the rate was still tiny
        return LrRangeResult(False, "no_decrease", text("sanity.lr_no_decrease", **words),
                             **curve)
    level, spread = float(np.mean(raw[:settle])), float(np.std(raw[:settle]))
    lowest = settle + int(np.argmin(finite[settle:]))
    if finite[lowest] > level - max(MIN_DROP * level, NOISE * spread):
        return LrRangeResult(False, "no_decrease", text("sanity.lr_no_decrease", **words),
                             lowest=float(done[lowest]), **curve)
    per_decade = (len(rates) - 1) / math.log10(rates[-1] / rates[0])
    window = max(1, round(WINDOW_DECADES * per_decade))
    middle = steepest_fall(finite[:lowest + 1], window, settle)
    steepest = lowest if middle is None else middle
    suggested = float(min(done[steepest], CAP * done[lowest]))
    sentence = text("sanity.lr_found", suggested=plain_number(suggested),
                    steepest=plain_number(float(done[steepest])),
                    lowest=plain_number(float(done[lowest])), **words)
    if stopped:
        sentence += " " + text("sanity.lr_stopped", last=plain_number(float(done[-1])))
    return LrRangeResult(True, "found", sentence, suggested=suggested,
                         steepest=float(done[steepest]), lowest=float(done[lowest]), **curve)
