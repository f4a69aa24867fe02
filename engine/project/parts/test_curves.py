"""The curves of the final test (``final_test.curves`` in ``project.json``), as frozen records.

``engine.final.test_curves.curve_bundle`` builds a ``CurveBundle``: for a classifier the ROC
and precision-recall curves (one per class against the rest, only the positive class for a
binary task) with their areas, the calibration curve with its expected calibration error,
precision / recall / F1 per class, top-k accuracy and the coverage-vs-accuracy curve of the
reject option with the threshold chosen for the target accuracy; for a regression the
predicted-against-true points and the quantiles of the residuals. A section the task does not
have, or could not compute (no scores, say), is ``None``.

Curve points are tuples of floats; ``None`` stands where a number is undefined. ``to_dict``
gives the JSON stored since the first release and ``from_dict`` reads it, with defaults for
keys an older file lacks.

Example:
    >>> bundle = CurveBundle.from_dict({"task": "binary", "rows": 4,
    ...     "labels": ["no", "yes"], "positive_label": "yes",
    ...     "roc": {"curves": [{"label": "yes", "fpr": [0, 1], "tpr": [0, 1], "auc": 0.5}],
    ...             "macro_auc": 0.5}})
    >>> bundle.roc.curves[0].fpr, bundle.roc.curves[0].auc, bundle.pr, bundle.coverage
    ((0.0, 1.0), 0.5, None, None)
    >>> CurveBundle.from_dict(bundle.to_dict()) == bundle
    True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _points(raw: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in raw or ())


def _dict(raw: Any) -> dict[str, Any]:
    return raw if isinstance(raw, dict) else {}


@dataclass(frozen=True)
class RocCurve:
    """One class against the rest: false against true positive rates and the area under
    them (``None`` when the class is absent from the rows, or is every row)."""

    label: str
    fpr: tuple[float, ...] = ()
    tpr: tuple[float, ...] = ()
    auc: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "fpr": list(self.fpr), "tpr": list(self.tpr),
                "auc": self.auc}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RocCurve:
        return cls(label=str(raw.get("label", "")), fpr=_points(raw.get("fpr")),
                   tpr=_points(raw.get("tpr")), auc=raw.get("auc"))


@dataclass(frozen=True)
class RocCurves:
    """The ROC curves and their macro-averaged area (the one area for a binary task)."""

    curves: tuple[RocCurve, ...] = ()
    macro_auc: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"curves": [c.to_dict() for c in self.curves], "macro_auc": self.macro_auc}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RocCurves:
        return cls(curves=tuple(RocCurve.from_dict(c) for c in raw.get("curves") or ()
                                if isinstance(c, dict)),
                   macro_auc=raw.get("macro_auc"))


@dataclass(frozen=True)
class PrCurve:
    """One class against the rest: precision against recall, the average precision and the
    class's share of the rows (the precision of flagging rows at random)."""

    label: str
    recall: tuple[float, ...] = ()
    precision: tuple[float, ...] = ()
    average_precision: float | None = None
    base_rate: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "recall": list(self.recall),
                "precision": list(self.precision), "average_precision": self.average_precision,
                "base_rate": self.base_rate}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PrCurve:
        return cls(label=str(raw.get("label", "")), recall=_points(raw.get("recall")),
                   precision=_points(raw.get("precision")),
                   average_precision=raw.get("average_precision"),
                   base_rate=raw.get("base_rate"))


@dataclass(frozen=True)
class PrCurves:
    """The precision-recall curves and their macro-averaged average precision."""

    curves: tuple[PrCurve, ...] = ()
    macro_average_precision: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"curves": [c.to_dict() for c in self.curves],
                "macro_average_precision": self.macro_average_precision}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PrCurves:
        return cls(curves=tuple(PrCurve.from_dict(c) for c in raw.get("curves") or ()
                                if isinstance(c, dict)),
                   macro_average_precision=raw.get("macro_average_precision"))


@dataclass(frozen=True)
class Calibration:
    """Predicted probability against observed frequency per non-empty bin (``counts`` rows
    each) and the expected calibration error. ``kind`` is ``positive`` (P(positive) of a
    binary task) or ``confidence`` (the confidence in the predicted class)."""

    kind: str = "positive"
    bins: int = 10
    predicted: tuple[float, ...] = ()
    observed: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()
    ece: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "bins": self.bins, "predicted": list(self.predicted),
                "observed": list(self.observed), "counts": list(self.counts), "ece": self.ece}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Calibration:
        return cls(kind=str(raw.get("kind") or "positive"), bins=int(raw.get("bins", 10)),
                   predicted=_points(raw.get("predicted")),
                   observed=_points(raw.get("observed")),
                   counts=tuple(int(c) for c in raw.get("counts") or ()), ece=raw.get("ece"))


@dataclass(frozen=True)
class RejectChoice:
    """The reject option's threshold chosen for a target accuracy, and what it gives on the
    rows it was measured on: the share and number of rows answered, their accuracy and its
    95% Wilson interval (``low``, ``high``). ``engine.final.reject_option`` makes it."""

    threshold: float
    coverage: float
    accuracy: float
    answered: int
    rows: int
    target_accuracy: float
    low: float
    high: float

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "coverage": self.coverage,
                "accuracy": self.accuracy, "answered": self.answered, "rows": self.rows,
                "target_accuracy": self.target_accuracy, "low": self.low, "high": self.high}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RejectChoice:
        return cls(threshold=raw.get("threshold"), coverage=raw.get("coverage"),
                   accuracy=raw.get("accuracy"), answered=int(raw.get("answered") or 0),
                   rows=int(raw.get("rows") or 0), target_accuracy=raw.get("target_accuracy"),
                   low=raw.get("low"), high=raw.get("high"))


@dataclass(frozen=True)
class RejectCurve:
    """Coverage and accuracy of the answered rows for each confidence threshold (highest
    first), the accuracy asked for and where it comes from (``abstain_accuracy`` or
    ``target_error``), the threshold chosen for it (``None``: none reaches it, or nothing was
    asked), whether it was chosen on these rows, and the accuracy when answering every row."""

    threshold: tuple[float, ...] = ()
    coverage: tuple[float, ...] = ()
    accuracy: tuple[float, ...] = ()
    target_accuracy: float | None = None
    target_source: str | None = None
    chosen: RejectChoice | None = None
    chosen_here: bool = True
    full_accuracy: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": list(self.threshold), "coverage": list(self.coverage),
                "accuracy": list(self.accuracy), "target_accuracy": self.target_accuracy,
                "target_source": self.target_source,
                "chosen": None if self.chosen is None else self.chosen.to_dict(),
                "chosen_here": self.chosen_here, "full_accuracy": self.full_accuracy}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RejectCurve:
        chosen = raw.get("chosen")
        return cls(threshold=_points(raw.get("threshold")),
                   coverage=_points(raw.get("coverage")), accuracy=_points(raw.get("accuracy")),
                   target_accuracy=raw.get("target_accuracy"),
                   target_source=raw.get("target_source"),
                   chosen=RejectChoice.from_dict(chosen) if isinstance(chosen, dict) else None,
                   chosen_here=bool(raw.get("chosen_here", True)),
                   full_accuracy=raw.get("full_accuracy"))


@dataclass(frozen=True)
class ClassScores:
    """Precision, recall and F1 of one class and its number of test rows (``support``)."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "precision": self.precision, "recall": self.recall,
                "f1": self.f1, "support": self.support}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ClassScores:
        return cls(label=str(raw.get("label", "")), precision=raw.get("precision"),
                   recall=raw.get("recall"), f1=raw.get("f1"),
                   support=int(raw.get("support") or 0))


@dataclass(frozen=True)
class RegressionPoints:
    """Predicted against true values (a subsample) and the quantiles of the residuals
    (predicted minus true) and of their size, keyed by the quantile as text (``"0.5"``)."""

    true: tuple[float, ...] = ()
    predicted: tuple[float, ...] = ()
    residual_quantiles: dict[str, float | None] = field(default_factory=dict)
    abs_residual_quantiles: dict[str, float | None] = field(default_factory=dict)

    def residual(self, q: float) -> float | None:
        """The ``q`` quantile of the residuals (``None`` when not stored or undefined)."""
        return self.residual_quantiles.get(f"{q:g}")

    def abs_residual(self, q: float) -> float | None:
        """The ``q`` quantile of the residuals' size."""
        return self.abs_residual_quantiles.get(f"{q:g}")

    def to_dict(self) -> dict[str, Any]:
        return {"true": list(self.true), "predicted": list(self.predicted),
                "residual_quantiles": dict(self.residual_quantiles),
                "abs_residual_quantiles": dict(self.abs_residual_quantiles)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> RegressionPoints:
        return cls(true=_points(raw.get("true")), predicted=_points(raw.get("predicted")),
                   residual_quantiles=dict(_dict(raw.get("residual_quantiles"))),
                   abs_residual_quantiles=dict(_dict(raw.get("abs_residual_quantiles"))))


@dataclass(frozen=True)
class CurveBundle:
    """Every curve of a final test on ``rows`` test rows of a ``task``.

    A classifier has ``labels`` (as text, in the coding order), ``positive_label`` (binary
    only), ``roc``, ``pr``, ``per_class`` and, when the model gave scores, ``calibration``
    and ``coverage``; ``top_k`` (accuracy by k as text) only with many classes. A regression
    has only ``regression``.
    """

    task: str = ""
    rows: int = 0
    labels: tuple[str, ...] = ()
    positive_label: str | None = None
    roc: RocCurves | None = None
    pr: PrCurves | None = None
    calibration: Calibration | None = None
    per_class: tuple[ClassScores, ...] = ()
    top_k: dict[str, float | None] | None = None
    coverage: RejectCurve | None = None
    regression: RegressionPoints | None = None

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    def to_dict(self) -> dict[str, Any]:
        def part(value):
            return None if value is None else value.to_dict()

        if self.is_regression:
            return {"task": self.task, "rows": self.rows, "regression": part(self.regression)}
        return {"task": self.task, "rows": self.rows, "labels": list(self.labels),
                "positive_label": self.positive_label, "roc": part(self.roc),
                "pr": part(self.pr), "calibration": part(self.calibration),
                "per_class": [r.to_dict() for r in self.per_class],
                "top_k": None if self.top_k is None else dict(self.top_k),
                "coverage": part(self.coverage)}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CurveBundle:
        """Read a stored bundle; a section that is missing or not a mapping is ``None``."""
        def part(kind, key):
            value = raw.get(key)
            return kind.from_dict(value) if isinstance(value, dict) else None

        top_k = raw.get("top_k")
        positive = raw.get("positive_label")
        return cls(task=str(raw.get("task") or ""), rows=int(raw.get("rows") or 0),
                   labels=tuple(str(v) for v in raw.get("labels") or ()),
                   positive_label=None if positive is None else str(positive),
                   roc=part(RocCurves, "roc"), pr=part(PrCurves, "pr"),
                   calibration=part(Calibration, "calibration"),
                   per_class=tuple(ClassScores.from_dict(r) for r in raw.get("per_class") or ()
                                   if isinstance(r, dict)),
                   top_k=dict(top_k) if isinstance(top_k, dict) else None,
                   coverage=part(RejectCurve, "coverage"),
                   regression=part(RegressionPoints, "regression"))
