"""Warnings in plain words while a model trains, read from the epoch history.

``check_alerts`` looks at the epoch logs so far and names what looks wrong: the loss is no
longer a number, the loss is climbing (the steps are too large), the model starts to
memorise the training rows (training loss falls while the dev loss rises), or the loss does
not fall at all. The texts live in ``resources/help/monitor.toml`` under ``[monitor]``,
the advice for a loss that blew up in ``resources/help/faults.toml``.
Each alert is meant to be raised once per run: pass the codes already sent as ``sent``.

Example:
    >>> history = [{"loss": 0.7}, {"loss": float("nan")}]
    >>> [a.code for a in check_alerts(history)]
    ['non_finite']
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from engine.core.texts import text

NON_FINITE = "non_finite"
DIVERGING = "diverging"
MEMORISING = "memorising"
NOT_LEARNING = "not_learning"

BLOW_UP_FACTOR = 1e6
"""A finite loss this many times its start (or than 1, if the start was smaller) has
blown up as surely as an infinite one: training stops at once the same way. A learning
loss never climbs so far (regression targets are standardized, so losses start near 1);
on PyTorch a far too large step leaves the loss at 1e12-1e28 for epochs before it turns
into NaN."""


@dataclass(frozen=True)
class Alert:
    """Something that looks wrong in a run.

    Args:
        code: a stable name (``non_finite``, ``diverging``, ``memorising``, ``not_learning``).
        severity: ``"error"`` (the run cannot go on) or ``"warning"`` (it can, but look).
        text: what is wrong and what to do, in plain words.
    """

    code: str
    severity: str
    text: str


def non_finite_alert(learning_rate: float | None = None) -> Alert:
    """The alert for a loss that became infinite or not a number: a smaller learning rate,
    a look at the data for infinite or extreme values, then gradient clipping."""
    return Alert(NON_FINITE, "error", non_finite_advice(learning_rate))


def blown_up(loss: float, first_loss: float | None) -> bool:
    """Whether a batch's (running mean) ``loss`` has blown up: it is infinite or not a
    number, or ``BLOW_UP_FACTOR`` times the run's first batch loss (at least 1).

    Example:
        >>> blown_up(float("nan"), 0.7), blown_up(4e12, 0.99), blown_up(2.0, 0.7)
        (True, True, False)
    """
    if not math.isfinite(loss):
        return True
    if first_loss is None or not math.isfinite(first_loss):
        return False
    return loss > BLOW_UP_FACTOR * max(first_loss, 1.0)


def non_finite_advice(learning_rate: float | None = None) -> str:
    """What to do about a loss that blew up (the alert's text and the run's message)."""
    return text("faults.non_finite", lr_hint=_lr_hint(learning_rate))


def check_alerts(history: list[dict[str, float]], sent: Collection[str] = (), *,
                 initial_loss: float | None = None, learning_rate: float | None = None,
                 window: int = 3, patience: int = 3, flat_epochs: int = 5,
                 rise: float = 0.10, blow_up: float = 3.0,
                 min_drop: float = 0.01) -> list[Alert]:
    """The alerts the epoch ``history`` calls for, except those in ``sent``.

    Args:
        history: one dict of Keras logs per finished epoch (``loss``, ``val_loss`` ...).
        sent: codes already raised in this run; they are not raised again.
        initial_loss: the loss of the very first batch, before any learning; without it
            "not learning" compares with the first epoch's mean loss.
        learning_rate: the optimizer's learning rate, quoted in the advice.
        window: epochs in a row the training loss must rise to count as diverging.
        patience: epochs in a row the dev loss must rise while the training loss falls.
        flat_epochs: epochs after which a loss that has not fallen is reported.
        rise: how much (a fraction) the loss must grow over ``window`` epochs.
        blow_up: a loss this many times its lowest value so far counts as diverging.
        min_drop: the fraction by which the loss must have fallen to count as learning.

    Returns:
        The new alerts, most serious first.
    """
    loss = [float(row.get("loss", math.nan)) for row in history]
    val = [float(row.get("val_loss", math.nan)) for row in history]
    found: list[Alert] = []
    last = history[-1] if history else {}
    if any(key in last and not math.isfinite(float(last[key])) for key in ("loss", "val_loss")):
        found.append(non_finite_alert(learning_rate))
    elif _diverging(loss, window, rise, blow_up):
        found.append(_alert(DIVERGING, "warning", learning_rate))
    else:
        if _memorising(loss, val, patience):
            found.append(Alert(MEMORISING, "warning", text("monitor.memorising", k=patience)))
        if _not_learning(loss, initial_loss, flat_epochs, min_drop):
            found.append(_alert(NOT_LEARNING, "warning", learning_rate, n=len(loss)))
    return [a for a in found if a.code not in sent]


def _lr_hint(learning_rate: float | None) -> str:
    return "" if learning_rate is None else " " + text("monitor.lr_hint", lr=f"{learning_rate:g}")


def _alert(code: str, severity: str, learning_rate: float | None, **values) -> Alert:
    return Alert(code, severity, text(f"monitor.{code}", lr_hint=_lr_hint(learning_rate),
                                      **values))


def _diverging(loss: list[float], window: int, rise: float, blow_up: float) -> bool:
    """The training loss climbs: ``window`` rises in a row adding up to more than ``rise``,
    or it is ``blow_up`` times its lowest value (and the climb is not a ripple on a loss
    that has fallen almost to zero)."""
    if len(loss) < 2:
        return False
    last, lowest, first = loss[-1], min(loss), loss[0]
    if len(loss) > window:
        recent = loss[-window - 1:]
        if all(b > a for a, b in zip(recent, recent[1:])) and last > recent[0] * (1 + rise):
            return True
    return last > blow_up * lowest and last - lowest > 0.05 * max(first - lowest, 0.0)


def _memorising(loss: list[float], val: list[float], patience: int) -> bool:
    """The dev loss rose ``patience`` epochs in a row while the training loss fell."""
    if len(val) <= patience or any(math.isnan(v) for v in val[-patience - 1:]):
        return False
    recent = val[-patience - 1:]
    dev_rising = all(b > a for a, b in zip(recent, recent[1:]))
    return dev_rising and loss[-1] < loss[-patience - 1]


def _not_learning(loss: list[float], initial_loss: float | None, flat_epochs: int,
                  min_drop: float) -> bool:
    """After ``flat_epochs`` epochs the loss is no lower than where it started."""
    if len(loss) < flat_epochs:
        return False
    start = loss[0]
    if initial_loss is not None and math.isfinite(initial_loss):
        start = max(start, initial_loss)
    return min(loss[1:]) >= start - min_drop * abs(start)
