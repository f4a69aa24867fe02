"""The tuning study's summary as typed values: what ``tuning/summary.json`` holds.

``engine.tuning.summary`` builds a ``TuningSummary`` from the Optuna study and keeps it as
JSON (``to_dict``: the file's form, unchanged); the Tune page, the report and the CSV read it
back with ``from_dict``, which takes older files too (missing keys get their defaults). This
module imports neither Optuna nor pandas, so the GUI can use the types.

Use:
    summary = TuningSummary.from_dict(json.loads(text))
    summary.best.run_id if summary.best else None

>>> s = TuningSummary.from_dict({"exists": True, "trials": [{"number": 0, "state": "complete",
...                              "value": 0.25, "curve": [[1, 0.3], [2, 0.25]]}]})
>>> s.trials[0].trial, s.trials[0].round, s.trials[0].curve
(1, 1, ((1, 0.3), (2, 0.25)))
>>> TuningSummary.from_dict(s.to_dict()) == s
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from engine.tuning.settings import TuningSettings

VERSION = 1
"""The version of ``tuning/summary.json`` written."""


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class TrialRow:
    """One trial of the study.

    ``number`` counts from 0 as Optuna does, ``trial`` from 1 as users count; ``value`` is
    the dev error of a finished trial (None for the others), ``feasible`` None until it
    finished, ``broken`` the limits it broke, ``curve`` its (epoch, dev error) points,
    ``positions`` where each setting lies on its axis (0 to 1), ``score_position`` where
    its error lies among the finished trials (0 the best, 1 the worst). In a search with
    k-fold, ``value`` is the mean of ``fold_errors`` (one per held-out fold), ``fold_spread``
    their standard deviation and ``run_dev_error`` the dev error of the trial's own run.
    ``artifact``, ``sha256`` and ``store`` say where the trial's run folder was put for the
    other workers (``engine.tuning.trial_store``; empty when it was not), ``model_sha256``
    the checksum of its model file.
    """

    number: int
    trial: int
    state: str = "complete"
    round: int = 1
    value: float | None = None
    feasible: bool | None = None
    broken: tuple[str, ...] = ()
    run_id: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    epochs: int = 0
    seconds: float | None = None
    worker: str = ""
    curve: tuple[tuple[int, float | None], ...] = ()
    positions: Mapping[str, float | None] = field(default_factory=dict)
    score_position: float | None = None
    fold_errors: tuple[float, ...] = ()
    fold_spread: float | None = None
    run_dev_error: float | None = None
    artifact: str = ""
    sha256: str = ""
    store: str = ""
    model_sha256: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TrialRow:
        number = int(d.get("number", 0))
        return cls(
            number=number, trial=int(d.get("trial", number + 1)),
            state=str(d.get("state", "complete")), round=int(d.get("round", 1) or 1),
            value=_float(d.get("value")), feasible=d.get("feasible"),
            broken=tuple(str(b) for b in d.get("broken") or ()),
            run_id=str(d.get("run_id") or ""), params=dict(d.get("params") or {}),
            epochs=int(d.get("epochs") or 0), seconds=_float(d.get("seconds")),
            worker=str(d.get("worker") or ""),
            curve=tuple((int(p[0]), _float(p[1])) for p in d.get("curve") or ()),
            positions=dict(d.get("positions") or {}),
            score_position=_float(d.get("score_position")),
            fold_errors=tuple(float(e) for e in d.get("fold_errors") or ()),
            fold_spread=_float(d.get("fold_spread")),
            run_dev_error=_float(d.get("run_dev_error")),
            artifact=str(d.get("artifact") or ""), sha256=str(d.get("sha256") or ""),
            store=str(d.get("store") or ""), model_sha256=str(d.get("model_sha256") or ""))

    def to_dict(self) -> dict[str, Any]:
        stored = {k: getattr(self, k) for k in ("artifact", "sha256", "store", "model_sha256")
                  if getattr(self, k)}
        return {**self._fields(), **stored}

    def _fields(self) -> dict[str, Any]:
        return {"number": self.number, "trial": self.trial, "state": self.state,
                "round": self.round, "value": self.value, "feasible": self.feasible,
                "broken": list(self.broken), "run_id": self.run_id, "params": dict(self.params),
                "epochs": self.epochs, "seconds": self.seconds, "worker": self.worker,
                "curve": [list(p) for p in self.curve], "positions": dict(self.positions),
                "score_position": self.score_position, "fold_errors": list(self.fold_errors),
                "fold_spread": self.fold_spread, "run_dev_error": self.run_dev_error}


@dataclass(frozen=True)
class HistoryPoint:
    """A finished trial in the order trials were made, with the best feasible dev error so
    far (None until a feasible trial finished)."""

    number: int
    trial: int
    round: int = 1
    value: float | None = None
    feasible: bool | None = None
    best_so_far: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HistoryPoint:
        number = int(d.get("number", 0))
        return cls(number, int(d.get("trial", number + 1)), int(d.get("round", 1) or 1),
                   _float(d.get("value")), d.get("feasible"), _float(d.get("best_so_far")))

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "trial": self.trial, "round": self.round,
                "value": self.value, "feasible": self.feasible, "best_so_far": self.best_so_far}


@dataclass(frozen=True)
class BestTrial:
    """The best feasible trial: its numbers (from 0 and from 1), run and dev error, and
    ``where`` its run can be reached from this folder, in words (empty in older files)."""

    number: int
    trial: int
    run_id: str = ""
    value: float | None = None
    where: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BestTrial:
        number = int(d.get("number", 0))
        return cls(number, int(d.get("trial", number + 1)), str(d.get("run_id") or ""),
                   _float(d.get("value")), str(d.get("where") or ""))

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "trial": self.trial, "run_id": self.run_id,
                "value": self.value, **({"where": self.where} if self.where else {})}


@dataclass(frozen=True)
class TrialCounts:
    """How many trials are in each state."""

    complete: int = 0
    pruned: int = 0
    fail: int = 0
    running: int = 0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> TrialCounts:
        d = d or {}
        return cls(*(int(d.get(s, 0) or 0) for s in ("complete", "pruned", "fail", "running")))

    def to_dict(self) -> dict[str, int]:
        return {"complete": self.complete, "pruned": self.pruned, "fail": self.fail,
                "running": self.running}


@dataclass(frozen=True)
class Axis:
    """A parameter's widest searched range: low and high ends (None for a list of
    choices), on a log scale or not, and the choices (empty for a range)."""

    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple[Any, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Axis:
        return cls(_float(d.get("low")), _float(d.get("high")), bool(d.get("log")),
                   tuple(d.get("choices") or ()))

    def to_dict(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high, "log": self.log,
                "choices": list(self.choices)}


@dataclass(frozen=True)
class TuningSummary:
    """A project's study as the Tune page, the report and the CSV show it.

    ``settings`` is the study's saved ``TuningSettings`` (None before a search),
    ``default_space`` and ``proposal`` ``SearchSpace`` dicts (the recommended ranges, and the
    narrowed ones for the next round), ``importance`` each parameter's share (empty when too
    few trials finished), ``axes`` each parameter's widest range, ``storage`` the database
    URL ("" for the project's journal), ``exists`` whether a search ran.
    """

    exists: bool = False
    version: int = VERSION
    updated: str = ""
    metric: str = ""
    kind: str = ""
    storage: str = ""
    default_space: Mapping[str, Any] = field(default_factory=dict)
    settings: TuningSettings | None = None
    trials: tuple[TrialRow, ...] = ()
    history: tuple[HistoryPoint, ...] = ()
    best: BestTrial | None = None
    importance: Mapping[str, float] = field(default_factory=dict)
    proposal: Mapping[str, Any] | None = None
    next_round: int = 1
    counts: TrialCounts = TrialCounts()
    log_params: tuple[str, ...] = ()
    axes: Mapping[str, Axis] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TuningSummary:
        """Read a summary's JSON form; keys an older file lacks get their defaults."""
        best = d.get("best")
        return cls(
            exists=bool(d.get("exists", bool(d.get("trials")))),
            version=int(d.get("version", VERSION)), updated=str(d.get("updated") or ""),
            metric=str(d.get("metric") or ""), kind=str(d.get("kind") or ""),
            storage=str(d.get("storage") or ""),
            default_space=dict(d.get("default_space") or {}),
            settings=TuningSettings.read(d.get("settings")),
            trials=tuple(TrialRow.from_dict(t) for t in d.get("trials") or ()),
            history=tuple(HistoryPoint.from_dict(h) for h in d.get("history") or ()),
            best=None if not best else BestTrial.from_dict(best),
            importance={str(k): float(v) for k, v in (d.get("importance") or {}).items()},
            proposal=None if not d.get("proposal") else dict(d["proposal"]),
            next_round=int(d.get("next_round") or 1),
            counts=TrialCounts.from_dict(d.get("counts")),
            log_params=tuple(d.get("log_params") or ()),
            axes={str(n): Axis.from_dict(a) for n, a in (d.get("axes") or {}).items()})

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in ``tuning/summary.json``."""
        return {"version": self.version, "updated": self.updated, "metric": self.metric,
                "kind": self.kind, "default_space": dict(self.default_space),
                "storage": self.storage, "exists": self.exists,
                "settings": None if self.settings is None else self.settings.to_dict(),
                "trials": [t.to_dict() for t in self.trials],
                "history": [h.to_dict() for h in self.history],
                "best": None if self.best is None else self.best.to_dict(),
                "importance": dict(self.importance),
                "proposal": None if self.proposal is None else dict(self.proposal),
                "next_round": self.next_round, "counts": self.counts.to_dict(),
                "log_params": list(self.log_params),
                "axes": {n: a.to_dict() for n, a in self.axes.items()}}

    def trial_row(self, number: int | None) -> TrialRow | None:
        """The trial numbered ``number`` (from 0), None when there is none."""
        return next((t for t in self.trials if t.number == number), None)

    @property
    def best_number(self) -> int | None:
        """The best trial's number (from 0), None when no feasible trial finished."""
        return None if self.best is None else self.best.number
