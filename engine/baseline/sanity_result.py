"""What a sanity check found, as small frozen records that travel as plain JSON.

Three checks run before a model is trained for real (see ``engine.baseline.sanity_checks``): can it
learn a handful of rows by heart (``engine.baseline.sanity_overfit``), is its loss before training
near the value theory predicts (``engine.baseline.sanity_initial_loss``), and which learning rate
suits it (``engine.baseline.lr_range_test``). The first two give a ``CheckResult``, the third an
``LrRangeResult``; both are the types of the project's ``sanity`` part
(``engine.project.parts.sanity``), where they are defined.
"""

from __future__ import annotations

import math

from engine.project.parts.sanity import CheckResult, LrRangeResult, clean_number

__all__ = ["CheckResult", "LrRangeResult", "clean_number", "plain_number"]


def plain_number(value: float) -> str:
    """A number written for people: three significant digits, no long tails.

    Example:
        >>> plain_number(0.6931), plain_number(2500.4), plain_number(3e7), plain_number(0.00012)
        ('0.693', '2500', '3e+07', '0.00012')
    """
    if not math.isfinite(value):
        return "not a number"
    if 1000 <= abs(value) < 1e6:
        return f"{value:.0f}"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 0.01):
        return f"{value:.2g}"
    return f"{value:.3f}"
