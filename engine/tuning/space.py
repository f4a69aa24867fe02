"""The search space of a tuning study: which hyperparameters are searched, over what range.

A ``SearchSpace`` is a tuple of ``ParamRange`` (one per hyperparameter): a float or int
range (on a log scale or not), a list of choices, or a fixed value. ``default_space`` builds
the recommended one for a model family (learning rate first, on a log scale; batch sizes as
powers of two; width, depth, dropout, L2 ...); the GUI edits it through ``to_dict`` /
``from_dict``; ``suggest`` asks an Optuna trial for one set of values, and ``grid`` gives
the discretised values Optuna's ``GridSampler`` walks through. Importing this module does
not import Keras or Optuna.

Use:
    space = default_space(project, "mlp")
    params = suggest(trial, space)          # {"learning_rate": 0.0031, "width": 48, ...}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine.kinds.registry import kind_of
from engine.models import simple_baselines, zoo
from engine.project.project import Project
from engine.models.train_params import IMBALANCE, OPTIMIZERS, SCHEDULES, setting_problem
from engine.project.parts.goal import Goal

FLOAT, INT, CATEGORICAL = "float", "int", "categorical"
KINDS = (FLOAT, INT, CATEGORICAL)
GRID_POINTS = 4
"""Values per numeric range in a grid search."""

POWERS_OF_TWO = (16, 32, 64, 128, 256)


@dataclass(frozen=True)
class ParamRange:
    """One hyperparameter of the search.

    Args:
        name: the training or architecture setting (``learning_rate``, ``width`` ...).
        kind: ``float``, ``int`` or ``categorical``.
        low, high: the range of a float or int (inclusive).
        log: sample evenly on a log scale (each decade gets the same share).
        choices: the values of a categorical (numbers, text or booleans).
        fixed: when not None, the value used in every trial (the parameter is not searched).

    Example:
        >>> ParamRange("learning_rate", "float", 1e-4, 1e-1, log=True).searched
        True
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple = ()
    fixed: Any = None

    @property
    def is_categorical(self) -> bool:
        return self.kind == CATEGORICAL

    @property
    def is_int(self) -> bool:
        return self.kind == INT

    @property
    def is_float(self) -> bool:
        return self.kind == FLOAT

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        object.__setattr__(self, "choices", tuple(self.choices))
        for value in (self.fixed, *((self.low, self.high) if self.fixed is None else ())):
            problem = setting_problem(self.name, value)
            if problem:  # the same limits as the settings a run is trained with
                raise ValueError(problem)
        if self.fixed is not None:
            return
        if self.is_categorical:
            if not self.choices:
                raise ValueError(f"{self.name}: a categorical needs at least one choice")
            return
        if self.low is None or self.high is None or not self.low <= self.high:
            raise ValueError(f"{self.name}: low must not exceed high")
        if self.log and self.low <= 0:
            raise ValueError(f"{self.name}: a log scale needs a range above 0")

    @property
    def searched(self) -> bool:
        """Whether trials vary this parameter."""
        return self.fixed is None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "low": self.low, "high": self.high,
                "log": self.log, "choices": list(self.choices), "fixed": self.fixed}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ParamRange":
        return cls(str(d["name"]), str(d["kind"]), d.get("low"), d.get("high"),
                   bool(d.get("log", False)), tuple(d.get("choices") or ()), d.get("fixed"))


@dataclass(frozen=True)
class SearchSpace:
    """The ranges of one study, for one model kind.

    Example:
        >>> space = SearchSpace("mlp", (ParamRange("width", "int", 8, 128),))
        >>> SearchSpace.from_dict(space.to_dict()) == space
        True
    """

    kind: str
    params: tuple[ParamRange, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", tuple(self.params))
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("each parameter may appear once")

    def get(self, name: str) -> ParamRange:
        """The range of ``name`` (``KeyError`` when the space has none)."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def with_param(self, param: ParamRange) -> "SearchSpace":
        """A copy with ``param`` replacing the range of the same name (or added)."""
        kept = [param if p.name == param.name else p for p in self.params]
        if param.name not in {p.name for p in self.params}:
            kept.append(param)
        return replace(self, params=tuple(kept))

    def fixed_values(self) -> dict[str, Any]:
        """The parameters every trial shares."""
        return {p.name: p.fixed for p in self.params if not p.searched}

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "params": [p.to_dict() for p in self.params]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SearchSpace":
        return cls(str(d["kind"]), tuple(ParamRange.from_dict(p) for p in d["params"]))


def _float(name: str, low: float, high: float, log: bool = False) -> ParamRange:
    return ParamRange(name, "float", float(low), float(high), log)


def _int(name: str, low: int, high: int, log: bool = False) -> ParamRange:
    return ParamRange(name, "int", int(low), int(high), log)


def _pick(name: str, choices: tuple, fixed: Any) -> ParamRange:
    return ParamRange(name, "categorical", choices=choices, fixed=fixed)


def default_space(project: Project, kind: str) -> SearchSpace:
    """The recommended search space for model ``kind`` on ``project``.

    Searched by default, most important first: the learning rate (1e-4 to 1e-1, log
    scale), the batch size (powers of two, 16 to 256), the width (16 to 256 units, log
    scale) and depth of the network, dropout (0 to 0.5) and L2 (1e-6 to 1e-2, log scale).
    The optimizer, learning-rate schedule, batch normalisation, class imbalance strategy
    and augmentation are listed with their choices but fixed; the user can free them.

    Args:
        project: the project (its data kind and task decide which settings apply).
        kind: a Keras family of ``engine.models.zoo`` (``mlp``, ``cnn`` ...) or boosted
            trees (``tree_space``).

    Returns:
        A ``SearchSpace`` the user may edit.
    """
    if kind == simple_baselines.TREES:
        return tree_space()
    family = zoo.family(kind)
    arch = family.params()
    params = [_float("learning_rate", 1e-4, 1e-1, log=True),
              ParamRange("batch_size", "categorical", choices=POWERS_OF_TWO),
              _int("width", 16, 256, log=True)]
    if hasattr(arch, "depth"):
        params.append(_int("depth", 1, 4))
    if hasattr(arch, "filters"):
        params.append(ParamRange("filters", "categorical", choices=(8, 16, 32, 64)))
    if hasattr(arch, "embed_dim"):
        params.append(ParamRange("embed_dim", "categorical", choices=(16, 32, 64, 128)))
    params += [_float("dropout", 0.0, 0.5), _float("l2", 1e-6, 1e-2, log=True),
               _pick("optimizer", tuple(o for o in OPTIMIZERS if o != "adadelta"), "adam"),
               _pick("schedule", SCHEDULES, "none"),
               _pick("batch_norm", (False, True), bool(arch.batch_norm))]
    if (project.goal or Goal()).task != "regression":
        params.append(_pick("imbalance", IMBALANCE, "none"))
    if kind_of(project).augmentation != "none":  # text takes no augmentation
        params.append(ParamRange("augment", "float", 0.0, 1.0, fixed=0.0))
    return SearchSpace(kind, tuple(params))


def tree_space() -> SearchSpace:
    """The search space of boosted trees, every setting on a log scale: the learning rate
    (0.01 to 0.3), leaves per tree (4 to 128), the fewest rows a leaf may hold (2 to 100) and
    the L2 penalty on leaf values (0.001 to 10)."""
    return SearchSpace(simple_baselines.TREES, (
        _float("learning_rate", 0.01, 0.3, log=True), _int("num_leaves", 4, 128, log=True),
        _int("min_rows_per_leaf", 2, 100, log=True), _float("l2", 1e-3, 10.0, log=True)))


def suggest(trial: Any, space: SearchSpace) -> dict[str, Any]:
    """One set of hyperparameters for ``trial`` (an ``optuna.Trial``) from ``space``.

    Searched parameters go through ``trial.suggest_float`` / ``suggest_int`` /
    ``suggest_categorical`` (so Optuna records their distributions); fixed ones are copied.

    Returns:
        ``{name: value}`` for every parameter of the space.
    """
    values = space.fixed_values()
    for p in space.params:
        if not p.searched:
            continue
        if p.is_float:
            values[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.log)
        elif p.is_int:
            values[p.name] = trial.suggest_int(p.name, int(p.low), int(p.high), log=p.log)
        else:
            values[p.name] = trial.suggest_categorical(p.name, list(p.choices))
    return values


def suggest_distribution(p: ParamRange):
    """The Optuna distribution ``suggest`` asks for ``p`` (``p`` must be searched)."""
    from optuna.distributions import (CategoricalDistribution, FloatDistribution,
                                      IntDistribution)

    if p.is_float:
        return FloatDistribution(p.low, p.high, log=p.log)
    if p.is_int:
        return IntDistribution(int(p.low), int(p.high), log=p.log)
    return CategoricalDistribution(list(p.choices))


def grid(space: SearchSpace, points: int = GRID_POINTS) -> dict[str, list]:
    """The values a grid search tries per searched parameter: ``points`` values evenly
    spread over each numeric range (on a log scale where the range is log), every choice of
    a categorical."""
    out: dict[str, list] = {}
    for p in space.params:
        if not p.searched:
            continue
        if p.is_categorical:
            out[p.name] = list(p.choices)
            continue
        spread = np.geomspace if p.log else np.linspace
        values = [float(v) for v in spread(p.low, p.high, points)]
        if p.is_int:
            values = sorted({int(round(v)) for v in values})
        out[p.name] = values
    return out


def grid_size(space: SearchSpace, points: int = GRID_POINTS) -> int:
    """How many trials a full grid over ``space`` takes."""
    return math.prod(len(v) for v in grid(space, points).values())
