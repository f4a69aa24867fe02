"""The ``final_test`` part of ``project.json``: the chosen run scored once on the test rows,
every metric with its interval, the seed copies, the other finalists and the paired tests
against them (see ``engine.final.step.run_final_test``, which builds it).

The curves (ROC, PR, calibration, per class, reject option) are a ``CurveBundle``
(``engine.project.parts.test_curves``, built by ``engine.final.test_curves``); the ensemble's
dev record stays a plain JSON mapping, only handed on as stored (``engine.final.ensemble``).

Example:
    >>> record = FinalTestRecord.from_dict({"run": "r1", "metric": "accuracy",
    ...     "metrics": {"accuracy": {"value": 0.9, "low": 0.85, "high": 0.94,
    ...                              "method": "Wilson"}, "f1": 0.8}})
    >>> record.headline.low, record.metrics["f1"].value, record.metrics["f1"].method
    (0.85, 0.8, '')
    >>> FinalTestRecord.from_dict(record.to_dict()) == record
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.project.parts.test_curves import CurveBundle
from engine.project.parts import decision_rule
from engine.project.parts.decision_rule import DecisionRule


@dataclass(frozen=True)
class MetricResult:
    """A metric's value on the test rows with its interval (``None`` ends and method
    ``undefined`` when no interval could be computed)."""

    value: float | None
    low: float | None = None
    high: float | None = None
    method: str = "undefined"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "method": self.method}

    @classmethod
    def from_dict(cls, raw: Any) -> MetricResult:
        """Read an entry; a bare number (an older form) is a value without an interval, and
        an entry without a method has the method ``""`` (unknown)."""
        if not isinstance(raw, dict):
            return cls(value=raw, method="")
        return cls(value=raw.get("value"), low=raw.get("low"), high=raw.get("high"),
                   method=str(raw.get("method") or ""))


@dataclass(frozen=True)
class Confusion:
    """The confusion matrix on the test rows: ``matrix[i][j]`` rows of class ``labels[i]``
    predicted as ``labels[j]``."""

    labels: tuple[Any, ...]
    matrix: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"labels": list(self.labels), "matrix": [list(r) for r in self.matrix]}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Confusion:
        return cls(labels=tuple(raw.get("labels") or ()),
                   matrix=tuple(tuple(r) for r in raw.get("matrix") or ()))


@dataclass(frozen=True)
class SeedSpread:
    """The chosen configuration over its seeds: per metric the values, their mean and
    standard deviation (``None`` or NaN with one seed); ``asked`` is the K the user asked
    for, ``applies`` whether the model depends on a seed at all."""

    k: int = 1
    seeds: tuple[int, ...] = ()
    values: dict[str, tuple[float, ...]] = field(default_factory=dict)
    mean: dict[str, float] = field(default_factory=dict)
    std: dict[str, float | None] = field(default_factory=dict)
    asked: int = 1
    applies: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "seeds": list(self.seeds),
                "values": {n: list(v) for n, v in self.values.items()},
                "mean": dict(self.mean), "std": dict(self.std), "asked": self.asked,
                "applies": self.applies}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> SeedSpread:
        seeds = tuple(raw.get("seeds") or ())
        return cls(k=int(raw.get("k", len(seeds) or 1)), seeds=seeds,
                   values={n: tuple(v) for n, v in (raw.get("values") or {}).items()},
                   mean=dict(raw.get("mean") or {}), std=dict(raw.get("std") or {}),
                   asked=int(raw.get("asked", raw.get("k", 1))),
                   applies=bool(raw.get("applies")))


@dataclass(frozen=True)
class FinalistRecord:
    """One finalist as stored: its role (``chosen``, ``baseline``, ``ensemble``), its test
    metrics, test and dev errors, the interval of the optimizing metric and how many seeds
    its score stands for."""

    role: str
    label: str
    run: str | None
    metrics: dict[str, float] = field(default_factory=dict)
    test_error: float | None = None
    dev_error: float | None = None
    interval: MetricResult = MetricResult(None)
    seeds: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "label": self.label, "run": self.run,
                "metrics": dict(self.metrics), "test_error": self.test_error,
                "dev_error": self.dev_error, "interval": self.interval.to_dict(),
                "seeds": self.seeds}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FinalistRecord:
        return cls(role=str(raw.get("role") or ""), label=str(raw.get("label") or ""),
                   run=raw.get("run"), metrics=dict(raw.get("metrics") or {}),
                   test_error=raw.get("test_error"), dev_error=raw.get("dev_error"),
                   interval=MetricResult.from_dict(raw.get("interval") or {}),
                   seeds=int(raw.get("seeds") or 1))


@dataclass(frozen=True)
class Comparison:
    """One paired test of the chosen model against another finalist (``finalist`` is its
    role): the p-value before and after the correction, the direction (+1: the chosen model
    did better), whether it is significant, the test's counts, one plain sentence and
    ``reason``, why this test fits the pair (``same_seeds``, ``seed_free`` or
    ``single_model``; empty in files from before it was kept)."""

    finalist: str
    label: str
    run: str | None
    test: str
    p_value: float | None
    p_corrected: float | None
    direction: int
    significant: bool
    statistic: float | None
    details: dict[str, Any]
    sentence: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"finalist": self.finalist, "label": self.label, "run": self.run,
               "test": self.test, "p_value": self.p_value, "p_corrected": self.p_corrected,
               "direction": self.direction, "significant": self.significant,
               "statistic": self.statistic, "details": dict(self.details),
               "sentence": self.sentence}
        if self.reason:  # files from before the reason was kept read back unchanged
            out["reason"] = self.reason
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Comparison:
        return cls(finalist=str(raw.get("finalist") or ""), label=str(raw.get("label") or ""),
                   run=raw.get("run"), test=str(raw.get("test") or ""),
                   p_value=raw.get("p_value"), p_corrected=raw.get("p_corrected"),
                   direction=int(raw.get("direction") or 0),
                   significant=bool(raw.get("significant")), statistic=raw.get("statistic"),
                   details=dict(raw.get("details") or {}),
                   sentence=str(raw.get("sentence") or ""),
                   reason=str(raw.get("reason") or ""))


@dataclass(frozen=True)
class VaultChecks:
    """What the checks before the vault let through on purpose (``engine.final.gate``): the
    reasons the user overrode and the reason they gave; which look at the test set this was
    (2 or more: a new experiment, its result optimistic) and why it was asked for."""

    overridden: tuple[str, ...] = ()
    override_reason: str = ""
    look: int = 1
    look_reason: str = ""

    @property
    def plain(self) -> bool:
        """Nothing was overridden and this was the first look."""
        return not self.overridden and self.look <= 1

    def to_dict(self) -> dict[str, Any]:
        return {"overridden": list(self.overridden), "override_reason": self.override_reason,
                "look": self.look, "look_reason": self.look_reason}

    @classmethod
    def from_dict(cls, raw: Any) -> VaultChecks:
        raw = raw if isinstance(raw, dict) else {}
        return cls(overridden=tuple(str(r) for r in raw.get("overridden") or ()),
                   override_reason=str(raw.get("override_reason") or ""),
                   look=int(raw.get("look") or 1), look_reason=str(raw.get("look_reason") or ""))


@dataclass(frozen=True)
class RetrainedModel:
    """The model a final test scored when the chosen settings were trained again on the
    training and dev rows (``engine.final.retrain``): its folder under ``final/``, its file,
    the epochs and rows it was trained on, and the SHA-256 of the file as tested (so that a
    later retraining, stopped before its own test, is never used in its place).

    Example:
        >>> model = RetrainedModel("retrained", "model.keras", 7, 180, "ab")
        >>> RetrainedModel.from_dict(model.to_dict()) == model
        True
    """

    folder: str
    model_file: str
    epochs: int
    rows: int
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "model_file": self.model_file, "epochs": self.epochs,
                "rows": self.rows, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, raw: Any) -> RetrainedModel | None:
        """Read a saved one; None for a missing or damaged entry."""
        if not isinstance(raw, dict) or not raw.get("folder") or not raw.get("model_file"):
            return None
        return cls(folder=str(raw["folder"]), model_file=str(raw["model_file"]),
                   epochs=int(raw.get("epochs") or 0), rows=int(raw.get("rows") or 0),
                   sha256=str(raw.get("sha256") or ""))


@dataclass(frozen=True)
class FinalTestRecord:
    """The final test of run ``run``: ``rows`` test rows at ``evaluated_at``, every metric
    with its interval at ``confidence``, the optimizing ``metric`` and its ``test_error``.

    ``confusion`` is ``None`` for numbers to predict; ``curves`` is the plotting bundle
    (``None`` in files from before it); ``ensemble`` (the ensemble's dev record, when it was
    a finalist) is a plain mapping. ``checks`` says what the checks before the vault let
    through on purpose; ``earlier`` keeps the final tests made before this one (a new
    experiment never erases them), oldest first. ``decision`` is the decision rule the
    chosen model answered by (its calibration and threshold; None: raw scores, the most
    likely class). ``retrained`` is empty when the chosen run's own model was tested, else
    the sentence saying that a copy trained again on the training and dev rows was tested
    and why its dev score no longer applies (``engine.final.retrain``); ``retrained_model``
    then says where that model is (using and exporting the tested model load it).
    """

    run: str = ""
    label: str = ""
    rows: int | None = None
    evaluated_at: str = ""
    metric: str = ""
    metrics: dict[str, MetricResult] = field(default_factory=dict)
    confidence: float = 0.95
    confusion: Confusion | None = None
    curves: CurveBundle | None = None
    seeds: SeedSpread | None = None
    finalists: tuple[FinalistRecord, ...] = ()
    ensemble: dict[str, Any] | None = None
    comparisons: tuple[Comparison, ...] = ()
    correction: str = "holm"
    alpha: float = 0.05
    test_error: float | None = None
    checks: VaultChecks = VaultChecks()
    earlier: tuple[FinalTestRecord, ...] = ()
    decision: DecisionRule | None = None
    retrained: str = ""
    retrained_model: RetrainedModel | None = None

    @property
    def headline(self) -> MetricResult | None:
        """The optimizing metric's entry, if it was scored."""
        return self.metrics.get(self.metric)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "run": self.run, "label": self.label, "rows": self.rows,
            "evaluated_at": self.evaluated_at, "metric": self.metric,
            "metrics": {n: m.to_dict() for n, m in self.metrics.items()},
            "confidence": self.confidence}
        if self.confusion is not None:
            out["confusion"] = self.confusion.to_dict()
        if self.curves is not None:
            out["curves"] = self.curves.to_dict()
        if self.seeds is not None:
            out["seeds"] = self.seeds.to_dict()
        out["finalists"] = [f.to_dict() for f in self.finalists]
        if self.ensemble is not None:
            out["ensemble"] = self.ensemble
        out.update(comparisons=[c.to_dict() for c in self.comparisons],
                   correction=self.correction, alpha=self.alpha, test_error=self.test_error)
        if not self.checks.plain:
            out["checks"] = self.checks.to_dict()
        if self.earlier:
            out["earlier"] = [e.to_dict() for e in self.earlier]
        if self.decision is not None:
            out["decision"] = self.decision.to_dict()
        if self.retrained:
            out["retrained"] = self.retrained
        if self.retrained_model is not None:
            out["retrained_model"] = self.retrained_model.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FinalTestRecord:
        """Read a saved final test; keys an older file lacks take their defaults."""
        confusion, seeds, curves = raw.get("confusion"), raw.get("seeds"), raw.get("curves")
        return cls(
            run=str(raw.get("run") or ""), label=str(raw.get("label") or ""),
            rows=raw.get("rows"), evaluated_at=str(raw.get("evaluated_at") or ""),
            metric=str(raw.get("metric") or ""),
            metrics={n: MetricResult.from_dict(m) for n, m in (raw.get("metrics") or {}).items()},
            confidence=raw.get("confidence", 0.95),
            confusion=Confusion.from_dict(confusion) if isinstance(confusion, dict) else None,
            curves=CurveBundle.from_dict(curves) if isinstance(curves, dict) else None,
            seeds=SeedSpread.from_dict(seeds) if isinstance(seeds, dict) else None,
            finalists=tuple(FinalistRecord.from_dict(f) for f in raw.get("finalists") or ()
                            if isinstance(f, dict)),
            ensemble=raw.get("ensemble") if isinstance(raw.get("ensemble"), dict) else None,
            comparisons=tuple(Comparison.from_dict(c) for c in raw.get("comparisons") or ()
                              if isinstance(c, dict)),
            correction=str(raw.get("correction") or "holm"), alpha=raw.get("alpha", 0.05),
            test_error=raw.get("test_error"), checks=VaultChecks.from_dict(raw.get("checks")),
            earlier=tuple(cls.from_dict(e) for e in raw.get("earlier") or ()
                          if isinstance(e, dict)),
            decision=decision_rule.load(raw.get("decision")),
            retrained=str(raw.get("retrained") or ""),
            retrained_model=RetrainedModel.from_dict(raw.get("retrained_model")))


def load(raw: Any) -> FinalTestRecord | None:
    return FinalTestRecord.from_dict(raw) if isinstance(raw, dict) else None


def dump(value: FinalTestRecord | None) -> dict[str, Any] | None:
    return None if value is None else value.to_dict()
