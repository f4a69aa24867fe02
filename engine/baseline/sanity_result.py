"""What a sanity check found, as small frozen records that travel as plain JSON.

Three checks run before a model is trained for real (see ``engine.baseline.sanity_checks``): can it
learn a handful of rows by heart (``engine.baseline.sanity_overfit``), is its loss before training
near the value theory predicts (``engine.baseline.sanity_initial_loss``), and which learning rate
suits it (``engine.baseline.lr_range_test``). The first two give a ``CheckResult``, the third an
``LrRangeResult``. Both say ``passed``, a stable ``code`` the program can act on, a ``text``
in plain words for the user, and the numbers behind the verdict.

``to_dict`` gives strict JSON: numbers that are not finite (a loss that became NaN) are
written as ``None``; ``from_dict`` reads them back as NaN.

Example:
    >>> r = CheckResult("overfit", True, "passed", "It learned them.", loss=0.01, steps=80)
    >>> CheckResult.from_dict(r.to_dict()) == r
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


def clean_number(value: float | None) -> float | None:
    """``value`` as a plain float, or ``None`` when it is missing or not finite.

    Example:
        >>> clean_number(float("nan")) is None, clean_number(2)
        (True, 2.0)
    """
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _clean_list(values) -> list[float | None]:
    return [clean_number(v) for v in values]


def _nan_if_none(value: float | None) -> float:
    return math.nan if value is None else float(value)


def plain_number(value: float) -> str:
    """A number written for people: three significant digits, no long tails.

    Example:
        >>> plain_number(0.6931), plain_number(2500.4), plain_number(3e7), plain_number(0.00012)
        ('0.693', '2500', '3e+07', '0.00012')
    """
    if not math.isfinite(value):
        return "not a number"
    if 1000 <= abs(value) < 1e6:
        return f"{value:.0f}"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 0.01):
        return f"{value:.2g}"
    return f"{value:.3f}"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one sanity check (the tiny-subset overfit or the initial loss).

    Args:
        check: which check: ``"overfit"`` or ``"initial_loss"``.
        passed: True when nothing looks wrong.
        code: a stable name of the outcome, e.g. ``"passed"``, ``"no_progress"``, ``"high"``.
        text: what was found and what to do, in plain words.
        loss: the loss the verdict rests on (the last loss of the overfit run, or the loss
            before training).
        expected: the value ``loss`` was compared with (the "near zero" goal of the overfit
            check, or the theoretical loss before training); None if there is none.
        steps: training steps run (0 for the initial-loss check).
        details: further named numbers (first and best loss, the loss of guessing from the
            class shares, the ratio to the expected value ...).
        losses: the loss at every step of the overfit run, for a plot (empty otherwise).
    """

    check: str
    passed: bool
    code: str
    text: str
    loss: float = math.nan
    expected: float | None = None
    steps: int = 0
    details: dict[str, float | None] = field(default_factory=dict)
    losses: tuple[float, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON-able dict (non-finite numbers become None)."""
        return {"check": self.check, "passed": self.passed, "code": self.code,
                "text": self.text, "loss": clean_number(self.loss),
                "expected": clean_number(self.expected), "steps": self.steps,
                "details": {k: clean_number(v) for k, v in self.details.items()},
                "losses": _clean_list(self.losses)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CheckResult":
        """Rebuild a result written by ``to_dict``."""
        return cls(check=d["check"], passed=bool(d["passed"]), code=d["code"], text=d["text"],
                   loss=_nan_if_none(d.get("loss")), expected=d.get("expected"),
                   steps=int(d.get("steps", 0)),
                   details={k: (None if v is None else float(v))
                            for k, v in d.get("details", {}).items()},
                   losses=tuple(_nan_if_none(v) for v in d.get("losses", ())))


@dataclass(frozen=True)
class LrRangeResult:
    """What the learning-rate range test found.

    Args:
        passed: True when a learning rate could be proposed.
        code: ``"found"``, ``"no_decrease"`` (the loss never went down) or ``"not_finite"``
            (the loss was not a number from the start).
        text: the proposal and how it was found, in plain words.
        suggested: the proposed learning rate, or None.
        steepest: the rate where the smoothed loss fell fastest, or None.
        lowest: the rate where the smoothed loss was lowest, or None.
        learning_rates: the rate used at each step (the curve's x values).
        losses: the smoothed loss at each step (the curve's y values).
        raw_losses: each step's own loss, before smoothing.
        steps: steps run (fewer than planned when the loss blew up and the test stopped).
        stopped_early: True when the test stopped because the loss blew up.
    """

    passed: bool
    code: str
    text: str
    suggested: float | None = None
    steepest: float | None = None
    lowest: float | None = None
    learning_rates: tuple[float, ...] = ()
    losses: tuple[float, ...] = ()
    raw_losses: tuple[float, ...] = ()
    steps: int = 0
    stopped_early: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON-able dict (non-finite numbers become None)."""
        return {"check": "lr_range", "passed": self.passed, "code": self.code,
                "text": self.text, "suggested": clean_number(self.suggested),
                "steepest": clean_number(self.steepest), "lowest": clean_number(self.lowest),
                "learning_rates": _clean_list(self.learning_rates),
                "losses": _clean_list(self.losses), "raw_losses": _clean_list(self.raw_losses),
                "steps": self.steps, "stopped_early": self.stopped_early}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LrRangeResult":
        """Rebuild a result written by ``to_dict``."""
        return cls(passed=bool(d["passed"]), code=d["code"], text=d["text"],
                   suggested=d.get("suggested"), steepest=d.get("steepest"),
                   lowest=d.get("lowest"),
                   learning_rates=tuple(_nan_if_none(v) for v in d.get("learning_rates", ())),
                   losses=tuple(_nan_if_none(v) for v in d.get("losses", ())),
                   raw_losses=tuple(_nan_if_none(v) for v in d.get("raw_losses", ())),
                   steps=int(d.get("steps", 0)), stopped_early=bool(d.get("stopped_early")))
