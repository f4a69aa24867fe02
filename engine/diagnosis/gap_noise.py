"""How big a gap on the error ladder can be from chance alone, given the sizes of the sets.

An error rate measured on n rows wobbles by about ``sqrt(e (1 - e) / n)`` from the sample
alone (the binomial standard error). The difference of two independent rates wobbles by the
root of the summed squares; twice that (1.96, a 95% band) is the smallest gap Practica
calls a problem. With 57 train-dev rows a 6-point gap is within chance; with 5,000 rows a
1-point gap is not. The rule is exact for error rates (1 - accuracy) and a fair guide for
other bounded scores such as F1; for unbounded metrics (RMSE, MAE) no floor is added.
"""

from __future__ import annotations

import math

Z_95 = 1.959964
GAP_RUNGS = {
    "avoidable_bias": ("train", None),
    "variance": ("train", "train_dev"),
    "mismatch": ("train_dev", "dev"),
    "dev_overfit": ("dev", "test"),
}


def _variance(error: float, rows: int) -> float:
    # An observed error of 0 still carries uncertainty: count it as half an error.
    e = min(max(error, 0.5 / rows), 1 - 0.5 / rows)
    return e * (1 - e) / rows


def gap_noise(errors: dict[str, float | None], sizes: dict[str, int],
              bounded: bool = True) -> dict[str, float]:
    """The chance band of each gap (as a fraction), from rung errors and set sizes.

    Args:
        errors: error per rung (``train``, ``train_dev``, ``dev``, ``test``); None if unknown.
        sizes: rows per set.
        bounded: whether the errors are rates in [0, 1]; otherwise every band is 0.

    Example:
        >>> round(gap_noise({"train": 0.01, "train_dev": 0.07}, {"train": 284,
        ...                 "train_dev": 57})["variance"], 3)
        0.067
    """
    bands: dict[str, float] = {}
    for gap, (upper, lower) in GAP_RUNGS.items():
        if not bounded:
            bands[gap] = 0.0
            continue
        if gap == "variance" and errors.get("train_dev") is None:
            lower = "dev"
        rungs = [r for r in (upper, lower) if r is not None]
        if any(errors.get(r) is None or not sizes.get(r) for r in rungs):
            bands[gap] = 0.0
            continue
        var = sum(_variance(float(errors[r]), int(sizes[r])) for r in rungs)
        bands[gap] = Z_95 * math.sqrt(var)
    return bands
