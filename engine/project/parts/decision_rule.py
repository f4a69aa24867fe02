"""The ``decision_rule`` part of ``project.json``: how the chosen model turns its scores into
answers, fixed on the dev rows before the vault opens.

Two pieces, each optional:

* ``calibration``: a map from the model's raw scores to probabilities that mean what they
  say (``method`` "temperature", "platt" or "isotonic" and its fitted ``params``), with the
  expected calibration error before and after, measured on dev rows the map was not fitted
  on (``scheme`` says how the dev rows were shared between fitting and measuring);
* ``threshold``: for a yes/no task, the probability of "yes" from which the model answers
  "yes" (instead of the most likely class), with the ``rule`` that chose it ("metric": the
  best optimizing metric; "constraint": a satisfying constraint met at the best optimizing
  value; "cost": the lowest expected cost; "manual": the user moved it) and what it gives
  on dev.

The rule belongs to one run (``run``): for any other run it does not apply. ``after_test_seen``
is True when it was set while the vault was already open (the report says so).

Example:
    >>> rule = DecisionRule(run="r1", set_at="2026-12-06T10:00:00+00:00",
    ...     calibration=CalibrationFit("temperature", {"temperature": 1.8}, "cross_fit_5",
    ...                                ece_before=0.12, ece_after=0.03, rows=400),
    ...     threshold=ThresholdChoice(0.31, "constraint", metric="precision",
    ...                               constraint="recall >= 0.9",
    ...                               dev={"recall": 0.91, "precision": 0.62}))
    >>> DecisionRule.from_dict(rule.to_dict()) == rule
    True
    >>> rule.applies_to("r1"), rule.applies_to("r2")
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CALIBRATION_METHODS = ("temperature", "platt", "isotonic")
THRESHOLD_RULES = ("metric", "constraint", "cost", "manual")


@dataclass(frozen=True)
class CalibrationFit:
    """A fitted calibration map and what it did on dev rows it was not fitted on.

    ``params``: ``{"temperature": T}``; ``{"a": A, "b": B}`` (Platt: p = 1 / (1 + exp(A s +
    B)) on the logit s of the raw score); ``{"x": [...], "y": [...]}`` (isotonic: the steps).
    ``reliability_before`` / ``reliability_after`` are the reliability diagram's bins as
    ``(mean confidence, share right, rows)``.
    """

    method: str
    params: dict[str, Any]
    scheme: str = ""
    ece_before: float | None = None
    ece_after: float | None = None
    rows: int = 0
    reliability_before: tuple[tuple[float, float, int], ...] = ()
    reliability_after: tuple[tuple[float, float, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "params": dict(self.params), "scheme": self.scheme,
                "ece_before": self.ece_before, "ece_after": self.ece_after, "rows": self.rows,
                "reliability_before": [list(b) for b in self.reliability_before],
                "reliability_after": [list(b) for b in self.reliability_after]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CalibrationFit:
        return cls(method=str(raw.get("method") or ""), params=dict(raw.get("params") or {}),
                   scheme=str(raw.get("scheme") or ""), ece_before=raw.get("ece_before"),
                   ece_after=raw.get("ece_after"), rows=int(raw.get("rows") or 0),
                   reliability_before=_bins(raw.get("reliability_before")),
                   reliability_after=_bins(raw.get("reliability_after")))


def _bins(raw: Any) -> tuple[tuple[float, float, int], ...]:
    return tuple((float(b[0]), float(b[1]), int(b[2])) for b in raw or ()
                 if isinstance(b, (list, tuple)) and len(b) == 3)


@dataclass(frozen=True)
class ThresholdChoice:
    """The decision threshold of a yes/no task: answer "yes" when P(yes) >= ``value``.

    ``metric`` is the optimizing metric it was chosen for, ``constraint`` the constraint it
    meets (rule "constraint"), ``dev`` the metrics (and the expected cost, when the goal has
    costs) it gives on the dev rows, ``met`` whether the constraint holds there.
    """

    value: float
    rule: str
    metric: str = ""
    constraint: str = ""
    dev: dict[str, float] = field(default_factory=dict)
    met: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "rule": self.rule, "metric": self.metric,
                "constraint": self.constraint, "dev": dict(self.dev), "met": self.met}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ThresholdChoice:
        return cls(value=float(raw.get("value", 0.5)), rule=str(raw.get("rule") or "manual"),
                   metric=str(raw.get("metric") or ""),
                   constraint=str(raw.get("constraint") or ""),
                   dev={str(k): float(v) for k, v in (raw.get("dev") or {}).items()},
                   met=bool(raw.get("met", True)))


@dataclass(frozen=True)
class CostAnswers:
    """For several classes with a cost table: answer the class whose expected cost under
    the (calibrated) probabilities is lowest, instead of the most likely class.

    ``before`` / ``after`` hold the dev figures (expected cost, accuracy) answering by the
    most likely class and by the lowest expected cost; ``changed`` is the share of dev
    rows whose answer changes.
    """

    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)
    changed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"before": dict(self.before), "after": dict(self.after),
                "changed": self.changed}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CostAnswers:
        return cls(before={str(k): float(v) for k, v in (raw.get("before") or {}).items()},
                   after={str(k): float(v) for k, v in (raw.get("after") or {}).items()},
                   changed=float(raw.get("changed") or 0.0))


@dataclass(frozen=True)
class DecisionRule:
    """How ``run`` answers: its calibration (None: raw scores) and its threshold (None: the
    most likely class), or, for several classes with a cost table, ``cost_answers`` (the
    class of lowest expected cost)."""

    run: str
    set_at: str = ""
    calibration: CalibrationFit | None = None
    threshold: ThresholdChoice | None = None
    after_test_seen: bool = False
    cost_answers: CostAnswers | None = None

    def applies_to(self, run_id: str | None) -> bool:
        return bool(run_id) and run_id == self.run

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "set_at": self.set_at,
                "calibration": None if self.calibration is None else self.calibration.to_dict(),
                "threshold": None if self.threshold is None else self.threshold.to_dict(),
                "after_test_seen": self.after_test_seen,
                **({"cost_answers": self.cost_answers.to_dict()}
                   if self.cost_answers is not None else {})}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DecisionRule:
        cal, thr, by_cost = raw.get("calibration"), raw.get("threshold"), raw.get("cost_answers")
        return cls(run=str(raw.get("run") or ""), set_at=str(raw.get("set_at") or ""),
                   calibration=CalibrationFit.from_dict(cal) if isinstance(cal, dict) else None,
                   threshold=ThresholdChoice.from_dict(thr) if isinstance(thr, dict) else None,
                   after_test_seen=bool(raw.get("after_test_seen", False)),
                   cost_answers=(CostAnswers.from_dict(by_cost) if isinstance(by_cost, dict)
                                 else None))


def load(raw: Any) -> DecisionRule | None:
    return DecisionRule.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: DecisionRule | None) -> dict[str, Any] | None:
    return value.to_dict() if value is not None else None
