"""Reading a learning-rate range test's loss curve: the smoothed loss, its valley, and
whether a rate other than the default is worth suggesting.

The curve (``engine.baseline.lr_range_test``) holds one loss per batch while the rate grows
by the same factor every batch. Each batch's loss is noisy, and reading a noisy curve's
steepest point is what made the old rule propose rates of 1e-5 to 1e-4 where the default
1e-3 trains well. So the curve is read in three steps.

1. **Smoothing.** An exponential moving average with bias correction, as in fastai's
   ``lr_find`` (L. Smith's range test as implemented by fastai) and Adam:
   ``a_t = b a_(t-1) + (1 - b) loss_t``, read as ``a_t / (1 - b^t)`` so the first values
   are not pulled toward 0. ``b`` = ``SMOOTHING`` (0.9: about the last 10 batches, half a
   decade of rates at the test's 16 batches per decade).
2. **The valley rule** (fastai's ``valley``, its default suggestion since 2021, chosen
   there over the steepest point, the minimum divided by ten and a "slide" rule): the
   longest stretch of steadily falling smoothed losses (the longest decreasing subsequence
   of the curve up to its lowest point), and the rate in its middle (halfway in log
   scale). The middle of a long descent has falling loss on both sides: it is far from the
   flat start (rates too small to change anything) and from the lowest point (steps
   already nearly too large). The steepest point and the minimum / 10 each rest on one
   point of a noisy curve, the steepest point most of all. One change to fastai's rule:
   the stretch is looked for only after the flat start, from the last batch whose smoothed
   loss is still within ``DESCENT_START`` (10%) of the whole fall from the starting level;
   on a flat, noisy start a decreasing subsequence can pick slightly lower points for
   decades, which would stretch the valley into rates that change nothing.
3. **The guard.** The suggestion is offered only when it can be trusted, otherwise the
   default rate (``DEFAULT_RATE``, 1e-3) is kept and the user is told so in plain words:

   * a clear descent: the lowest smoothed loss is below the starting level by
     ``MIN_DROP`` (10%) of it and by ``NOISE`` standard deviations of the first batches'
     losses (else the code is ``no_decrease``, a failed check);
   * a steady one: the valley spans at least ``MIN_VALLEY_DECADES`` decades of rates,
     ``STEADY`` (60%) of its batches lie on the descent, and it holds at least
     ``VALLEY_SHARE`` of the whole fall (a few lucky batches, or a fall by jumps between
     noisy plateaus, are no valley);
   * an improvement over the default: a candidate below the default is offered only when
     the default lies past the valley's end (the loss had stopped falling there, so 1e-3
     is too large); while the default is itself in the steady fall, a smaller rate only
     learns more slowly (code ``keep_default``, ``why`` = ``default_inside``). This is the
     guard against the failure of the old rule, which proposed rates of 1e-5 to 1e-4 on
     curves that were still falling at 1e-3. A candidate above the default is offered
     only when it is more than ``CLOSE`` (2) times the default: closer than that, the
     rates are the same within what the curve can tell apart (the smoothing blurs it by
     about half a decade), and the default is kept (``why`` = ``close``).

   The suggestion is also never larger than ``CAP`` (a third) of the rate at the lowest
   loss, where the steps are already nearly too large.

The moving average lags behind the batches: its value at batch ``t`` is a weighted mean of
the batches before, on average ``b / (1 - b)`` (9) batches back, about half a decade of
rates. Read as it is, the whole curve seems shifted toward larger rates (fastai leaves it
so); here every rate read from the smoothed curve (the valley, its middle, the lowest point)
is taken that many batches earlier.

Example (a loss that falls around a rate of 10^-1.5 and blows up past 0.3):
    >>> rates = np.geomspace(1e-6, 1, 100)
    >>> x = np.log10(rates)
    >>> loss = 0.1 + 0.9 / (1 + np.exp(3 * (x + 1.5))) + np.where(x > -0.5, 10 * (x + 0.5) ** 2, 0)
    >>> reading = read_curve(rates, loss)
    >>> reading.code, round(reading.suggested, 3), [round(r, 3) for r in reading.valley]
    ('found', 0.015, [0.002, 0.107])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.models.train_params import TrainParams

SMOOTHING = 0.9
"""Weight of the past in the moving average of the loss (about the last 10 batches)."""
SETTLE = 0.1
"""This share of the first batches (at least ``MIN_SETTLE``) gives the starting level and
the noise; the rate is too small there to change anything."""
MIN_SETTLE = 5
MIN_DROP = 0.1
"""The lowest smoothed loss must be below the starting level by this share of it ..."""
NOISE = 1.0
"""... and by this many standard deviations of the batch losses of the settling part."""
MIN_VALLEY_DECADES = 0.5
"""A valley spans at least this many decades of rates (8 batches of the usual test)."""
STEADY = 0.6
"""In a steady fall, at least this share of the valley's batches lie on its descent (the
longest decreasing subsequence skips the rest): a curve that falls by jumps between noisy
plateaus has a long decreasing subsequence too, but one that skips most batches."""
VALLEY_SHARE = 0.5
"""A valley holds at least this share of the fall from the starting level to the lowest
smoothed loss."""
DESCENT_START = 0.1
"""The descent begins after the last batch whose smoothed loss is within this share of the
whole fall of the starting level (the flat start, noise included, is no descent)."""
CLOSE = 2.0
"""A candidate above the default must be more than this many times the default."""
CAP = 1 / 3
"""The suggestion is at most this share of the rate where the smoothed loss was lowest."""
DEFAULT_RATE = TrainParams.learning_rate
"""The rate kept when no better one is found: the default of the training settings."""


class LossAverage:
    """The bias-corrected exponential moving average of the losses added so far.

    Example:
        >>> avg = LossAverage(0.5)
        >>> avg.add(4.0), avg.add(2.0)
        (4.0, 2.6666666666666665)
    """

    def __init__(self, beta: float = SMOOTHING) -> None:
        self.beta, self.value, self.count = beta, 0.0, 0

    def add(self, loss: float) -> float:
        """Take ``loss`` in; return the smoothed value now."""
        self.count += 1
        self.value = self.beta * self.value + (1 - self.beta) * loss
        return self.value / (1 - self.beta ** self.count)


def smoothed(raw, beta: float = SMOOTHING) -> np.ndarray:
    """The smoothed curve of the batch losses ``raw`` (see ``LossAverage``).

    Example:
        >>> smoothed([4.0, 2.0], 0.5).round(3).tolist()
        [4.0, 2.667]
    """
    avg = LossAverage(beta)
    return np.array([avg.add(float(v)) for v in raw], dtype=float)


def longest_descent(curve: np.ndarray) -> tuple[int, int, int] | None:
    """The first and last index of the longest decreasing subsequence of ``curve``
    (fastai's "valley") and its number of points, or None when nothing falls.

    Example:
        >>> longest_descent(np.array([5.0, 5.1, 4.0, 4.2, 3.0, 2.0, 2.5, 6.0]))
        (0, 5, 4)
    """
    n = len(curve)
    if n < 2:
        return None
    length = np.ones(n, dtype=int)
    first = np.arange(n)
    for i in range(1, n):
        lower = np.flatnonzero(curve[:i] > curve[i])
        if lower.size:
            best = lower[np.argmax(length[lower])]
            length[i], first[i] = length[best] + 1, first[best]
    end = int(np.argmax(length))
    return (int(first[end]), end, int(length[end])) if length[end] > 1 else None


@dataclass(frozen=True)
class CurveReading:
    """What the curve says.

    ``code``: ``found`` (``suggested`` is a rate worth using), ``keep_default`` (a clear
    descent, but no reason to leave ``DEFAULT_RATE``; ``why`` says which guard held:
    ``short_valley``, ``default_inside`` or ``close``), ``no_decrease`` or ``not_finite``.
    ``candidate`` is the valley rule's rate even when the guard held it back; ``lowest``
    the rate at the lowest smoothed loss; ``valley`` the rates where the valley begins and
    ends.
    """

    code: str
    suggested: float | None = None
    candidate: float | None = None
    lowest: float | None = None
    valley: tuple[float, float] | None = None
    why: str = ""


def read_curve(rates, raw, beta: float = SMOOTHING,
               default: float = DEFAULT_RATE) -> CurveReading:
    """Read a range test's batch losses ``raw`` at learning rates ``rates``.

    Args:
        rates: the rate of each batch, growing by the same factor (at least as many as
            ``raw``; the planned schedule may be longer than a test that stopped early).
        raw: each batch's loss (a last one that is not finite ends the curve).
        beta: the smoothing weight (see ``LossAverage``).
        default: the rate kept when no better one is found.

    Returns:
        A ``CurveReading`` (see the module docstring for the rule and the guard).
    """
    rates = np.asarray(rates, dtype=float)
    raw = np.asarray(raw, dtype=float)
    finite = int(np.argmin(np.isfinite(raw))) if not np.isfinite(raw).all() else len(raw)
    curve = smoothed(raw[:finite], beta)
    if curve.size == 0:
        return CurveReading("not_finite")
    planned = len(rates)
    per_decade = (planned - 1) / math.log10(rates[-1] / rates[0]) if planned > 1 else 1.0
    settle = max(MIN_SETTLE, int(SETTLE * planned))
    if curve.size <= settle:  # blew up while the rate was still tiny
        return CurveReading("no_decrease")
    level, spread = float(np.mean(raw[:settle])), float(np.std(raw[:settle]))
    lowest = settle + int(np.argmin(curve[settle:]))
    fall = level - float(curve[lowest])
    if fall < max(MIN_DROP * abs(level), NOISE * spread):
        return CurveReading("no_decrease")
    above = np.flatnonzero(curve[:lowest] >= level - DESCENT_START * fall)
    begin = int(above[-1]) if above.size else 0
    span = longest_descent(curve[begin:lowest + 1])
    start, end, points = (begin + span[0], begin + span[1], span[2]) if span is not None \
        else (lowest, lowest, 1)
    middle = (start + end) // 2
    lag = round(beta / (1 - beta))  # the average at batch t stands for the batches near t - lag

    def rate(i: int) -> float:
        return float(rates[max(0, i - lag)])

    candidate = min(rate(middle), CAP * rate(lowest))
    valley = (rate(start), rate(end))
    found = dict(candidate=candidate, lowest=rate(lowest), valley=valley)
    steady = (end - start) / per_decade >= MIN_VALLEY_DECADES and \
        points >= STEADY * (end - start + 1) and \
        float(curve[start] - curve[end]) >= VALLEY_SHARE * fall
    if not steady:
        return CurveReading("keep_default", why="short_valley", **found)
    if candidate < default and default <= valley[1]:
        return CurveReading("keep_default", why="default_inside", **found)
    if default <= candidate <= CLOSE * default:
        return CurveReading("keep_default", why="close", **found)
    return CurveReading("found", suggested=candidate, **found)
