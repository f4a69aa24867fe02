"""Copies of examples across splits: keeping them together when splitting, finding the ones
that still cross (from a second file), and leaving them out when the user asks.

A dev or test row that copies a training row is scored for free by a model that memorised
its training rows, so the dev and test errors look better than they are (leakage).
Thresholds follow deepchecks' train-test checks: any share of copies warns, more than
``BLOCK_SHARE`` (5%) of the dev or test rows is a blocker. Near copies (see
``engine.kinds.row_keys``) are warnings.

When the feature columns take so few values that the same inputs are bound to repeat
(``engine.kinds.row_keys.few_distinct_inputs``), repeats are the normal case, not copies: rows are
not grouped and a repeat across splits is only noted.

Use (the split step does this with its own plan, test rows included):
    groups = split_groups(keys, y.index)
    plan = make_split(y, fractions, groups_main=groups)
    plan.sizes()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from engine.data.findings import Finding, make_finding, percent_text
from engine.kinds.registry import data_kind
from engine.kinds.row_keys import ExampleKeys, few_distinct_inputs
from engine.core.texts import text

BLOCK_SHARE = 0.05
TRAINING = "train"
CHECKED = ("train_dev", "dev", "test")  # each compared with the training rows
WAY_OUT = "drop_copies"


@dataclass(frozen=True)
class Overlap:
    """How many of the ``rows`` of ``split`` copy (``copies``) or nearly copy (``near``, not
    counting the copies) a row of ``other``."""

    split: str
    other: str
    rows: int
    copies: int
    near: int

    @property
    def copy_share(self) -> float:
        return self.copies / self.rows if self.rows else 0.0

    @property
    def near_share(self) -> float:
        return self.near / self.rows if self.rows else 0.0


def split_groups(keys: ExampleKeys, index: pd.Index, expected: bool = False
                 ) -> pd.Series | None:
    """The group of each row in ``index`` (row numbers) so that identical examples land in
    one split; None when no example repeats, or when repeats are ``expected``."""
    rows = index.to_numpy(dtype=np.int64)
    groups = pd.Series(keys.group[rows], index=index)
    if expected or not groups.duplicated().any():
        return None
    return groups


def find_overlaps(rows: dict[str, np.ndarray], sources: dict[str, str],
                  keys: dict[str, ExampleKeys]) -> list[Overlap]:
    """Each checked split against the training rows, then test against dev.

    Args:
        rows: row numbers of each split (as in a ``SplitPlan``).
        sources: the file role (``main``/``target``) each split comes from.
        keys: the ``ExampleKeys`` of each file role.
    """
    out = []
    seen = {}
    pairs = [(name, TRAINING) for name in CHECKED] + [("test", "dev")]
    for name, other in pairs:
        copy, near = _keys(name, rows, sources, keys)
        if other not in seen:
            seen[other] = tuple(np.sort(k) for k in _keys(other, rows, sources, keys))
        is_copy = _contains(seen[other][0], copy)
        is_near = _contains(seen[other][1], near) & ~is_copy
        out.append(Overlap(name, other, len(copy), int(is_copy.sum()), int(is_near.sum())))
    return out


def overlap_findings(overlaps: Sequence[Overlap], repeats_expected: bool = False,
                     kind: str = "table", near_expected: bool = False) -> list[Finding]:
    """The findings for ``overlaps`` (see the module doc for the severities); near copies
    are not reported when they are to be expected by chance (``near_expected``)."""
    found = []
    for o in overlaps:
        values = dict(split=_name(o.split), other=_name(o.other), rows=f"{o.rows:,}")
        if o.copies and repeats_expected:
            found.append(make_finding("repeated_inputs", "info", None, "checks",
                                      count=f"{o.copies:,}", **values))
        elif o.copies:
            blocker = o.other == TRAINING and o.split != "train_dev" \
                and o.copy_share > BLOCK_SHARE
            # text keys: checks.{copies_fix,copies_dev_fix,near_copies_fix}
            # text keys: checks.near_{table,text,images,sequence}
            fix = "copies_fix" if o.other == TRAINING else "copies_dev_fix"
            found.append(make_finding("copies_across_splits", "blocker" if blocker
                                      else "warning", None, "checks", fix=fix,
                                      count=f"{o.copies:,}",
                                      percent=percent_text(o.copy_share), **values))
        if o.near and not (repeats_expected or near_expected):
            fix = "near_copies_fix" if o.other == TRAINING else "copies_dev_fix"
            found.append(make_finding("near_copies_across_splits", "warning", None, "checks",
                                      fix=fix, count=f"{o.near:,}",
                                      percent=percent_text(o.near_share),
                                      how=text(f"checks.near_{kind}"), **values))
    return found


def repeats_expected(frame: pd.DataFrame, columns: Sequence[str], kind: str,
                     near: bool = False) -> bool:
    """Whether repeated (``near``: nearly repeated) inputs are normal for these data: the
    columns take few distinct values (tables and sequences only)."""
    return data_kind(kind).repeats_by_chance and few_distinct_inputs(frame, columns, near)


def copies_of_training(rows: dict[str, np.ndarray], sources: dict[str, str],
                       keys: dict[str, ExampleKeys]) -> dict[str, np.ndarray]:
    """The rows of each checked split that copy or nearly copy a training row, and the test
    rows that copy or nearly copy a dev row (to leave out)."""
    seen_copy, seen_near = (np.sort(k) for k in _keys(TRAINING, rows, sources, keys))
    dev_copy, dev_near = (np.sort(k) for k in _keys("dev", rows, sources, keys))
    out = {}
    for name in CHECKED:
        copy, near = _keys(name, rows, sources, keys)
        hit = _contains(seen_copy, copy) | _contains(seen_near, near)
        if name == "test":
            hit |= _contains(dev_copy, copy) | _contains(dev_near, near)
        out[name] = np.asarray(rows[name])[hit]
    return out


def _contains(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_keys`` (a binary search: fast for a
    million training keys)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _keys(name: str, rows: dict[str, np.ndarray], sources: dict[str, str],
          keys: dict[str, ExampleKeys]) -> tuple[np.ndarray, np.ndarray]:
    k = keys[sources[name]]
    idx = np.asarray(rows[name], dtype=np.int64)
    return k.copy[idx], k.near[idx]


def _name(split: str) -> str:
    return text(f"checks.split_{split}")
