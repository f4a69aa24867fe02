"""The plain answer to "will more data help?", read from learning curves over training size.

Input: for each training-set size, the mean and spread over seeds of the training error and
the dev error (``SizeSummary``), and the individual points (one per size and seed). Errors
are the optimizing metric turned into an error, as on the error ladder.

How the answer is reached:

1. **Slope.** Over the last ``LAST_SIZES`` (3) sizes, a straight line is fitted to the dev
   error of every point against log2(rows) (``scipy.stats.linregress``). Minus its slope is
   the *drop per doubling*: how much the dev error falls each time the data doubles. Learning
   curves are roughly straight on a log axis, and their end says most about what one more
   doubling would buy.
2. **Noise.** The slope's standard error from the same fit. It grows with the spread of the
   dev error across seeds (each seed draws another subset and another initialisation) and
   with a bent curve. A drop counts only when it is more than ``NOISE_FACTOR`` (2) times
   that: about the 95% level. With one seed and two sizes there is no estimate and the drop
   is taken as it is.
3. **Size of a drop.** ``step = max(1 point, 10% of the target error)``, the size above which
   a gap on the error ladder matters (``engine.diagnosis.ladder``); for unbounded errors (RMSE, log
   loss) the point is 1% of the error's typical size (``scale``). A drop of at least one
   ``step`` per doubling is worth having ("yes"); from a quarter of a step (``SMALL_SHARE``)
   up to one step it is "only a little"; below a quarter of a step the curve is flat.
4. **Gap at full size.** Dev minus training error with all the training rows. It is *large*
   when it exceeds the ladder's threshold for a gap, or its chance band given the numbers of
   training and dev rows (``engine.diagnosis.gap_noise``), whichever is larger; otherwise the two
   curves *have met*.

Verdicts, in the order they are checked:

* ``unclear``: fewer than two sizes with different row counts.
* ``reached``: a target error is set and the dev error at full size is at or below it.
* ``yes``: the drop is real (above the noise) and at least one step per doubling.
* ``little``: the drop is real but between a quarter of a step and one step.
* ``noisy``: the drop is at least a quarter of a step but within the noise.
* ``no_bias``: flat, and training and dev errors have met: more data of the same kind
  cannot help; the model itself must learn more (bias).
* ``flat_gap``: flat although the gap is still large: more data is a slow way to close
  that gap; regularization comes first.

Use:
    v = judge_curve(summary, points, target=0.05)
    v.verdict, v.answer
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from engine.diagnosis.ladder import ABSOLUTE_FLOOR, RELATIVE_SHARE
from engine.diagnosis.gap_noise import gap_noise
from engine.core.texts import text
from engine.project.parts.learning_curve import SizeSummary

LAST_SIZES = 3
NOISE_FACTOR = 2.0
SMALL_SHARE = 0.25
VERDICTS = ("yes", "little", "noisy", "no_bias", "flat_gap", "reached", "unclear")
_EPS = 1e-12


@dataclass(frozen=True)
class CurveVerdict:
    """The answer and the numbers it was read from (see the module docstring).

    ``drop`` is the fall of the dev error per doubling of the data (negative when it rises),
    ``noise`` the standard error of that drop (None when it cannot be estimated), ``gap``
    dev minus training error at full size and ``gap_threshold`` the size above which that
    gap is large; ``doublings`` is how many more doublings the current drop would need to
    reach the target (None without a target or a real drop).
    """

    verdict: str
    answer: str
    explanation: str
    drop: float | None
    noise: float | None
    step: float
    gap: float
    gap_threshold: float
    doublings: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def judge_curve(summary: Sequence[SizeSummary], points: Sequence[tuple[int, float]],
                target: float | None = None, scale: float | None = None,
                dev_rows: int | None = None) -> CurveVerdict:
    """Answer "will more data help?" from learning curves.

    Args:
        summary: one entry per size, any order.
        points: ``(rows, dev_error)`` of every fit (one per size and seed).
        target: the target error (human-level or best possible), if the user gave one.
        scale: None when errors are rates in [0, 1]; otherwise the typical size of an error
            (see ``engine.diagnosis.step.error_scale``).
        dev_rows: rows in the dev set, for the chance band of the gap (rates only).

    Returns:
        The verdict, a one-sentence answer, a longer explanation and the numbers.
    """
    rates = scale is None
    sizes = sorted(summary, key=lambda s: s.rows)
    full = sizes[-1]
    unit = 1.0 if rates else float(scale)
    step = max(ABSOLUTE_FLOOR * unit, RELATIVE_SHARE * (target or 0.0))
    gap = full.dev_mean - full.train_mean
    band = 0.0
    if rates and dev_rows:
        band = gap_noise({"train": full.train_mean, "dev": full.dev_mean},
                         {"train": full.rows, "dev": int(dev_rows)})["variance"]
    gap_threshold = max(step, band)
    drop, noise = _drop_per_doubling(sizes, points)
    verdict = _verdict(drop, noise, step, gap, gap_threshold, full.dev_mean, target,
                       len({s.rows for s in sizes}))
    doublings = None
    if target is not None and drop is not None and drop > _EPS and full.dev_mean > target:
        doublings = (full.dev_mean - target) / drop
    n_used = min(LAST_SIZES, len(sizes))
    words = _words(verdict, drop, noise, step, gap, gap_threshold, full, target, doublings,
                   rates, n_used)
    return CurveVerdict(verdict, words["answer"], words["explanation"], drop, noise, step,
                        gap, gap_threshold, doublings)


def _drop_per_doubling(sizes: Sequence[SizeSummary],
                       points: Sequence[tuple[int, float]]) -> tuple[float | None, float | None]:
    last = {s.rows for s in sizes[-LAST_SIZES:]}
    chosen = [(r, e) for r, e in points if r in last and math.isfinite(e) and r > 0]
    x = np.log2([r for r, _ in chosen]) if chosen else np.empty(0)
    if len(set(x.tolist())) < 2:
        return None, None
    # Imported here to keep SciPy out of start-up (the GUI shows stored verdicts).
    from scipy import stats

    fit = stats.linregress(x, [e for _, e in chosen])
    dof = len(chosen) - 2
    noise = float(fit.stderr) if dof >= 1 and math.isfinite(fit.stderr) else None
    return -float(fit.slope), noise


def _verdict(drop, noise, step, gap, gap_threshold, dev, target, n_sizes) -> str:
    if n_sizes < 2 or drop is None:
        return "unclear"
    if target is not None and dev <= target + _EPS:
        return "reached"
    small = SMALL_SHARE * step
    real = noise is None or drop > NOISE_FACTOR * noise
    if drop >= small - _EPS and real:
        return "yes" if drop >= step - _EPS else "little"
    if drop >= small - _EPS:
        return "noisy"
    return "no_bias" if gap <= gap_threshold + _EPS else "flat_gap"


def _amount(value: float, rates: bool) -> str:
    """A difference of errors: ``2.4 points``, ``0.25 points`` (rates) or ``0.0312``."""
    if rates:
        points = 100 * value
        return text("learning_curve.points", n=f"{points:.1f}" if points >= 1
                    else f"{points:.2g}")
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _error(value: float, rates: bool) -> str:
    if rates:
        return f"{100 * value:.1f}%"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _times(doublings: float) -> str:
    """How many times the data ``doublings`` doublings make: ``1.4``, ``6``, ``1,000``."""
    if doublings > 10:
        return text("learning_curve.times_huge")
    factor = 2.0 ** doublings
    if factor < 2:
        n = f"{factor:.1f}"
    elif factor < 20:
        n = f"{factor:.0f}"
    else:
        n = f"{float(f'{factor:.2g}'):,.0f}"  # two significant digits: 1,000 not 1024
    return text("learning_curve.times", n=n)


def _words(verdict, drop, noise, step, gap, gap_threshold, full, target, doublings,
           rates, n_used) -> dict[str, str]:
    values = {
        "drop": _amount(abs(drop), rates) if drop is not None else "",
        "noise": _amount(noise, rates) if noise is not None else "",
        "step": _amount(step, rates), "small": _amount(SMALL_SHARE * step, rates),
        "gap": _amount(abs(gap), rates), "gap_threshold": _amount(gap_threshold, rates),
        "train": _error(full.train_mean, rates), "dev": _error(full.dev_mean, rates),
        "target": _error(target, rates) if target is not None else "",
        "rows": f"{full.rows:,}",
    }
    large = gap > gap_threshold + _EPS
    answer = text(f"learning_curve.answer.{verdict}", **values)
    if verdict in ("yes", "little"):
        answer += text("learning_curve.answer.gap_large" if large
                       else "learning_curve.answer.gap_small", **values)
    if verdict == "no_bias":
        answer = text("learning_curve.answer.no_bias_target" if target is not None
                      else "learning_curve.answer.no_bias", **values)
    parts = []
    if drop is not None:
        key = "falls" if drop >= 0 else "rises"
        parts.append(text(f"learning_curve.explain.{key}", n=n_used, **values))
        if noise is not None:
            parts.append(text("learning_curve.explain.noise", **values))
        else:
            parts.append(text("learning_curve.explain.no_noise"))
    parts.append(text("learning_curve.explain.gap", **values))
    parts.append(text("learning_curve.explain.thresholds", **values))
    if doublings is not None and verdict in ("yes", "little"):
        parts.append(text("learning_curve.explain.to_target", times=_times(doublings),
                          **values))
    parts.append(text(f"learning_curve.explain.next.{verdict}", **values))
    return {"answer": answer, "explanation": " ".join(parts)}
