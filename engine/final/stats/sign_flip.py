"""The sign-flip (paired permutation) test on per-row differences.

Two models scored on the same rows give one difference per row. If the models were
equally good, each difference would be as likely to have the opposite sign, so flipping
the signs at random gives the differences chance alone would produce. The p-value is the
share of sign patterns whose total is at least as far from zero as the observed one
(two-sided).

* Few rows that differ (at most ``EXACT_MAX_ROWS``): every one of the ``2**n`` patterns is
  counted, so the p-value is exact. It is never 0: the observed pattern and its mirror
  image are always among them.
* More rows: ``n_resamples`` random patterns drawn with a fixed seed (the same data give
  the same p-value every time), and ``p = (b + 1) / (m + 1)`` where ``b`` of the ``m``
  random patterns are at least as extreme. Counting the observed pattern as one of them
  keeps the p-value valid and never 0 (Phipson and Smyth, 2010).

Rows whose difference is 0 are the same under every flip and are left out of the count of
patterns. Totals within a tiny relative tolerance of the observed one count as "as
extreme", so rounding in a different order of additions does not drop a tie.

Example:
    >>> sign_flip_test([1.0, 1.0, 1.0]).p_value   # 2 of the 8 patterns are as extreme
    0.25
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EXACT_MAX_ROWS = 16
"""Up to this many non-zero differences every sign pattern is counted (65,536 at most)."""
DEFAULT_RESAMPLES = 9999
DEFAULT_SEED = 0
EXACT, RANDOM = "exact", "random"
_BATCH_CELLS = 1 << 20  # signs drawn per block, to keep memory small on large test sets
_RTOL = 1e-9


@dataclass(frozen=True)
class SignFlipResult:
    """A sign-flip test: the two-sided ``p_value``, how it was found (``"exact"`` or
    ``"random"``), the number of ``patterns`` it was found from (``2**n``, or ``m`` random
    ones), how many of them were ``as_extreme`` as the data, and the rows that differ."""

    p_value: float
    method: str
    patterns: int
    as_extreme: int
    differing_rows: int


def sign_flip_test(differences, n_resamples: int = DEFAULT_RESAMPLES,
                   seed: int = DEFAULT_SEED,
                   exact_max_rows: int = EXACT_MAX_ROWS) -> SignFlipResult:
    """Two-sided sign-flip test that the per-row ``differences`` are centred on zero."""
    d = np.asarray(differences, dtype=float).ravel()
    d = d[d != 0.0]
    n = len(d)
    if n == 0:
        return SignFlipResult(1.0, EXACT, 1, 1, 0)
    observed = abs(float(np.sum(d)))
    tolerance = _RTOL * float(np.sum(np.abs(d)))
    if n <= exact_max_rows:
        patterns = 1 << n
        signs = 1.0 - 2.0 * ((np.arange(patterns)[:, None] >> np.arange(n)) & 1)
        count = int(np.sum(np.abs(signs @ d) >= observed - tolerance))
        return SignFlipResult(count / patterns, EXACT, patterns, count, n)
    m = int(n_resamples)
    if m < 1:
        raise ValueError("n_resamples must be at least 1")
    rng = np.random.default_rng(seed)
    batch = max(1, _BATCH_CELLS // n)
    count = 0
    done = 0
    while done < m:
        size = min(batch, m - done)
        signs = 1.0 - 2.0 * rng.integers(0, 2, size=(size, n))
        count += int(np.sum(np.abs(signs @ d) >= observed - tolerance))
        done += size
    return SignFlipResult((count + 1) / (m + 1), RANDOM, m, count, n)
