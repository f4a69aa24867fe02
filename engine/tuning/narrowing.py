"""Coarse to fine: a narrower search space around the best trials of a finished round.

After a coarse round over wide ranges, the best few feasible trials show where the good
values lie. ``narrowed_space`` proposes ranges that just cover them (on a log scale for log
ranges), padded a little and kept inside the original range; the user may edit them before
the fine round. The round number rides on each trial (user attribute ``round``), so both
rounds can be plotted together.

Use:
    fine = narrowed_space(study, space, top=5)
    run_study(TuningBudget(dir, replace(settings, space=fine.to_dict(), round=2), 20))
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from engine.tuning.space import ParamRange, SearchSpace
from engine.tuning.study import feasible_trials

PAD = 0.25
"""Padding on each side, as a share of the span the best trials cover."""

MIN_SHARE = 0.1
"""When the best trials agree on one value, the new range spans this share of the old."""


def _to_axis(p: ParamRange, v: float) -> float:
    return math.log10(v) if p.log else float(v)


def _from_axis(p: ParamRange, v: float) -> float:
    return 10.0 ** v if p.log else v


def narrow_range(p: ParamRange, values: list[Any]) -> ParamRange:
    """The range of ``p`` narrowed around ``values`` (those of the best trials).

    Numbers: from the lowest to the highest value, padded by ``PAD`` of that span on each
    side (at least ``MIN_SHARE`` of the old span in all), measured on a log scale for a log
    range, clipped to the old range. A categorical (batch size, optimizer ...) on which the
    best trials agree becomes fixed to that choice; otherwise it keeps all its choices
    (Optuna cannot change a categorical's choices within a study). A fixed parameter, or
    one no good trial used, is kept as it was.
    """
    if not p.searched or not values:
        return p
    if p.is_categorical:
        # Optuna cannot change a categorical's choices within a study: when the best
        # trials agree on one choice it becomes fixed, otherwise all choices stay.
        distinct = {repr(v) for v in values}
        return replace(p, fixed=values[0]) if len(distinct) == 1 else p
    old_lo, old_hi = _to_axis(p, p.low), _to_axis(p, p.high)
    lo, hi = min(_to_axis(p, v) for v in values), max(_to_axis(p, v) for v in values)
    pad = max(PAD * (hi - lo), MIN_SHARE * (old_hi - old_lo) / 2.0 - (hi - lo) / 2.0, 0.0)
    lo, hi = max(old_lo, lo - pad), min(old_hi, hi + pad)
    new_lo, new_hi = _from_axis(p, lo), _from_axis(p, hi)
    new_lo, new_hi = max(p.low, new_lo), min(p.high, new_hi)  # rounding on the log axis
    if p.is_int:
        new_lo, new_hi = max(int(p.low), math.floor(new_lo)), min(int(p.high), math.ceil(new_hi))
    return replace(p, low=new_lo, high=new_hi)


def narrowed_space(study, space: SearchSpace, top: int = 5, project=None) -> SearchSpace:
    """A finer search space around the ``top`` best feasible finished trials of ``study``.

    Args:
        study: the project's Optuna study.
        space: the space of the round that ran (the limits of the new one).
        top: how many of the best trials to cover.
        project: when given, feasibility is checked again on the saved runs.

    Returns:
        A new ``SearchSpace`` inside ``space``; ``space`` itself when no trial is feasible.
    """
    best = feasible_trials(study, project)[:max(1, int(top))]
    if not best:
        return space
    ranges = []
    for p in space.params:
        values = [t.params[p.name] for t in best if p.name in t.params]
        ranges.append(narrow_range(p, values))
    return replace(space, params=tuple(ranges))


def next_round(study) -> int:
    """The round number for the next search: one more than the highest so far (1 when the
    study has no trials)."""
    rounds = [int(t.user_attrs.get("round", 1)) for t in study.get_trials(deepcopy=False)]
    return max(rounds, default=0) + 1
