"""The ``sanity`` part of ``project.json``: what the sanity checks found before the deep model
was trained for real (``engine.baseline.sanity_checks``), for which model.

Three checks run: can the model learn a handful of rows by heart (``overfit``), is its loss
before training near the value theory predicts (``initial_loss``) — each a ``CheckResult`` —
and which learning rate suits it (``lr_range``, an ``LrRangeResult``). Each says ``passed``,
a stable ``code`` the program can act on, a ``text`` in plain words for the user, and the
numbers behind the verdict. ``SanityRecord`` keeps the three with the verdict and sentence
written when they ran.

``to_dict`` gives strict JSON: numbers that are not finite (a loss that became NaN) are
written as ``None``; ``from_dict`` reads them back as NaN.

Example:
    >>> r = CheckResult("overfit", True, "passed", "It learned them.", loss=0.01, steps=80)
    >>> CheckResult.from_dict(r.to_dict()) == r
    True
    >>> lr = LrRangeResult(True, "found", "Try 0.003.", suggested=0.003)
    >>> record = SanityRecord(True, "All passed.", r, r, lr, model="mlp")
    >>> record.suggested_learning_rate, SanityRecord.from_dict(record.to_dict()) == record
    (0.003, True)
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
        passed: True when the loss clearly went down (a rate was proposed, or the default
            was kept).
        code: ``"found"`` (a rate is proposed), ``"keep_default"`` (the loss went down, but
            no better rate than the default was found), ``"no_decrease"`` (the loss never
            went down) or ``"not_finite"`` (the loss was not a number from the start).
        text: the proposal and how it was found, in plain words.
        suggested: the proposed learning rate, or None (always None unless ``found``).
        steepest: the rate where the smoothed loss fell fastest (older results only; the
            rule now reads the valley, see ``engine.baseline.lr_curve``), or None.
        lowest: the rate where the smoothed loss was lowest, or None.
        learning_rates: the rate used at each step (the curve's x values).
        losses: the smoothed loss at each step (the curve's y values).
        raw_losses: each step's own loss, before smoothing.
        steps: steps run (fewer than planned when the loss blew up and the test stopped).
        stopped_early: True when the test stopped because the loss blew up.
        candidate: the rate the rule picked (the middle of the valley), also when the guard
            kept the default instead; None when there was no descent.
        valley_start, valley_end: the rates where the longest steady descent of the smoothed
            loss began and ended, or None.
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
    candidate: float | None = None
    valley_start: float | None = None
    valley_end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON-able dict (non-finite numbers become None)."""
        return {"check": "lr_range", "passed": self.passed, "code": self.code,
                "text": self.text, "suggested": clean_number(self.suggested),
                "steepest": clean_number(self.steepest), "lowest": clean_number(self.lowest),
                "learning_rates": _clean_list(self.learning_rates),
                "losses": _clean_list(self.losses), "raw_losses": _clean_list(self.raw_losses),
                "steps": self.steps, "stopped_early": self.stopped_early,
                "candidate": clean_number(self.candidate),
                "valley_start": clean_number(self.valley_start),
                "valley_end": clean_number(self.valley_end)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "LrRangeResult":
        """Rebuild a result written by ``to_dict``."""
        return cls(passed=bool(d["passed"]), code=d["code"], text=d["text"],
                   suggested=d.get("suggested"), steepest=d.get("steepest"),
                   lowest=d.get("lowest"),
                   learning_rates=tuple(_nan_if_none(v) for v in d.get("learning_rates", ())),
                   losses=tuple(_nan_if_none(v) for v in d.get("losses", ())),
                   raw_losses=tuple(_nan_if_none(v) for v in d.get("raw_losses", ())),
                   steps=int(d.get("steps", 0)), stopped_early=bool(d.get("stopped_early")),
                   candidate=d.get("candidate"), valley_start=d.get("valley_start"),
                   valley_end=d.get("valley_end"))


CHECKS = ("initial_loss", "overfit", "lr_range")
"""The names of the three checks, as ``SanityRecord`` fields and keys of its JSON form."""


@dataclass(frozen=True)
class SanityRecord:
    """The three checks' results, their verdict and sentence as written when they ran, and
    the zoo family they checked (``model``). A check missing from an older file is None."""

    passed: bool = False
    text: str = ""
    initial_loss: CheckResult | None = None
    overfit: CheckResult | None = None
    lr_range: LrRangeResult | None = None
    model: str = ""

    @property
    def suggested_learning_rate(self) -> float | None:
        return self.lr_range.suggested if self.lr_range is not None else None

    def check(self, name: str) -> CheckResult | LrRangeResult | None:
        """The result of check ``name`` (one of ``CHECKS``)."""
        return getattr(self, name) if name in CHECKS else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"passed": self.passed, "text": self.text,
                               "suggested_learning_rate": clean_number(
                                   self.suggested_learning_rate)}
        out.update({name: result.to_dict() for name in CHECKS
                    if (result := self.check(name)) is not None})
        out["model"] = self.model
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SanityRecord:
        def read(name, kind):
            value = raw.get(name)
            return kind.from_dict(value) if isinstance(value, dict) else None

        return cls(passed=bool(raw.get("passed")), text=str(raw.get("text") or ""),
                   initial_loss=read("initial_loss", CheckResult),
                   overfit=read("overfit", CheckResult),
                   lr_range=read("lr_range", LrRangeResult), model=str(raw.get("model") or ""))


def load(raw: Any) -> SanityRecord | None:
    return SanityRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: SanityRecord | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None
