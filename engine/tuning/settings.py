"""How a tuning study searches: its ``TuningSettings`` (kept on the study, shown by the Tune
page and the report through the summary), and the samplers and pruners it may use.

This module imports no Optuna, so the GUI can read the settings; ``engine.tuning.study``
turns them into Optuna's sampler and pruner.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

SAMPLERS = ("random", "grid", "tpe")
PRUNERS = ("median", "hyperband", "none")
DEFAULT_PRUNER = {"random": "median", "grid": "none", "tpe": "hyperband"}
"""The pruner each sampler gets unless told otherwise (Optuna's benchmarks pair median
pruning with random search and Hyperband with TPE)."""


@dataclass(frozen=True)
class TuningSettings:
    """How a study searches.

    Args:
        space: the ``SearchSpace`` as a dict (``SearchSpace.to_dict``).
        sampler: ``random`` (default), ``grid`` or ``tpe``.
        pruner: ``median``, ``hyperband`` or ``none``; empty: the sampler's default.
        epochs: epochs per trial (early stopping may end a trial sooner).
        round: 1 for the coarse search, 2 and on for narrowed ones (kept on each trial).
        seed: sampler seed; None gives every worker its own random stream.
        startup_trials: trials that finish before the median pruner starts pruning.
        kfold: 0 to score each trial on the dev rows; K (2 to 10) to score it by its mean
            error over K folds of the non-test rows (``engine.tuning.fold_scores``).
    """

    space: dict[str, Any] = field(default_factory=dict)
    sampler: str = "random"
    pruner: str = ""
    epochs: int = 20
    round: int = 1
    seed: int | None = None
    startup_trials: int = 5
    kfold: int = 0

    def __post_init__(self) -> None:
        if self.sampler not in SAMPLERS:
            raise ValueError(f"sampler must be one of {', '.join(SAMPLERS)}")
        if self.pruner and self.pruner not in PRUNERS:
            raise ValueError(f"pruner must be one of {', '.join(PRUNERS)}")
        if int(self.epochs) < 1:
            raise ValueError("epochs must be 1 or more")
        if int(self.kfold or 0) and not 2 <= int(self.kfold) <= 10:
            raise ValueError("kfold must be 0, or 2 to 10")

    @property
    def kind(self) -> str:
        return str(self.space["kind"])

    @property
    def pruner_name(self) -> str:
        return self.pruner or DEFAULT_PRUNER[self.sampler]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TuningSettings":
        return cls(**d)

    @classmethod
    def read(cls, d: Any) -> "TuningSettings | None":
        """Settings saved by this or an older version (keys it does not know are dropped);
        None when ``d`` is not settings or holds values no longer allowed."""
        if not isinstance(d, dict):
            return None
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in d.items() if k in known})
        except (TypeError, ValueError):
            return None
