"""Corrections for making several significance tests at once (Holm, Bonferroni).

Each test made at the 5% level has a 5% chance of a false alarm; with several tests the
chance that at least one of them raises a false alarm grows. Both corrections raise the
p-values so that this family-wise chance stays at the chosen level. Bonferroni multiplies
every p-value by the number of tests; Holm (step-down) multiplies the smallest by the
number of tests, the next by one less, and so on, never letting a larger p-value end up
below a smaller one's corrected value: it rejects everything Bonferroni rejects and
sometimes more. SciPy has no function for these two, so they are written out here and
tested against hand-computed cases.

Example:
    >>> holm([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

METHODS = ("holm", "bonferroni")


def bonferroni(p_values: Sequence[float]) -> list[float]:
    """Every p-value times the number of tests, capped at 1. NaN stays NaN and does not
    count as a test."""
    m = sum(1 for p in p_values if not math.isnan(p))
    return [p if math.isnan(p) else min(1.0, p * m) for p in p_values]


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    The i-th smallest p-value (i = 1..m) becomes ``(m - i + 1) * p``, then the running
    maximum is taken along the sorted order and the result capped at 1. NaN stays NaN and
    does not count as a test.
    """
    valid = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    m = len(valid)
    out = [math.nan] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(valid):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def adjust(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Corrected p-values by ``method`` (``"holm"`` or ``"bonferroni"``)."""
    if method == "holm":
        return holm(p_values)
    if method == "bonferroni":
        return bonferroni(p_values)
    raise ValueError(f"correction must be one of {', '.join(METHODS)}")
