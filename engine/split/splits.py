"""Splitting rows into train / train-dev / dev / test.

Rules (from the seeds): dev and test come from the same distribution — the data the user
cares about; train-dev is carved from the training data and never trained on, so it tells
variance apart from data mismatch; sizes follow the rule of thumb (about 60/20/20 for small
data, thin dev and test above a million rows); classification splits are stratified; the
same seed gives the same split.

The test rows are the vault's: ``make_split`` (public) hands out the train, train-dev and
dev rows and only the size of the test set, so no caller can rebuild a project's test rows
from its data and seed; the split step writes ``splits.json`` from the whole plan, which
stays inside this room.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.core.texts import text
from engine.project.parts.split import Fractions
from engine.split.shares import planned_sizes, size_problem, take_count

SPLITS = ("train", "train_dev", "dev", "test")


def default_fractions(n_rows: int, second_file: bool = False) -> Fractions:
    """The recommended split sizes for ``n_rows`` rows.

    One file: dev and test take ``min(20%, max(1%, 2000 rows))`` each — 20% under 10,000 rows,
    1% at a million — and train-dev half as much, carved from the training share.
    With a second file (the data the user cares about), the first file gives train and
    train-dev (10%, at least 1%) and the second gives dev and test, half each.
    """
    if second_file:
        train_dev = min(0.1, max(0.01, 1000 / max(n_rows, 1)))
        return Fractions(train=1 - train_dev, train_dev=train_dev, dev=0.5, test=0.5)
    share = min(0.2, max(0.01, 2000 / max(n_rows, 1)))
    train_dev = share / 2
    return Fractions(train=round(1 - 2 * share - train_dev, 6), train_dev=train_dev,
                     dev=share, test=share)


@dataclass(frozen=True)
class SplitPlan:
    """Row numbers of the splits, and where they come from (``main`` or ``target`` file).

    ``rows`` holds every split in the split step's own plan; in the plan ``make_split``
    hands out, it holds train, train-dev and dev only, and ``test_size`` says how many
    rows the test set has.
    """

    rows: dict[str, np.ndarray]
    sources: dict[str, str]
    fractions: Fractions
    seed: int
    stratified: bool
    notes: tuple[str, ...] = field(default_factory=tuple)
    test_size: int | None = None

    def sizes(self) -> dict[str, int]:
        return {name: int(len(self.rows[name])) if name in self.rows else int(self.test_size or 0)
                for name in SPLITS}

    def sealed(self) -> "SplitPlan":
        """This plan without the test rows (their number is kept)."""
        if "test" not in self.rows:
            return self
        rows = {name: idx for name, idx in self.rows.items() if name != "test"}
        return replace(self, rows=rows, test_size=int(len(self.rows["test"])))

    def indices_dict(self) -> dict[str, Any]:
        """The ``splits.json`` content (a sealed plan has none: its test rows are gone)."""
        if "test" not in self.rows:
            raise ValueError("a sealed split plan holds no test rows to write")
        return {name: {"source": self.sources[name], "rows": self.rows[name].tolist()}
                for name in SPLITS}


def make_split(y_main: pd.Series, fractions: Fractions, seed: int = 0,
               classification: bool = True, y_target: pd.Series | None = None,
               groups_main: pd.Series | None = None,
               groups_target: pd.Series | None = None) -> SplitPlan:
    """Split rows into the four sets; the plan holds the rows of train, train-dev and dev
    and only the size of the test set (the vault's rows are never handed out).

    The arguments are those of ``_plan_split``.
    """
    return _plan_split(y_main, fractions, seed, classification, y_target, groups_main,
                       groups_target).sealed()


def _plan_split(y_main: pd.Series, fractions: Fractions, seed: int = 0,
                classification: bool = True, y_target: pd.Series | None = None,
                groups_main: pd.Series | None = None,
                groups_target: pd.Series | None = None) -> SplitPlan:
    """Split rows into the four sets (the split step's plan: the test rows included).

    Args:
        y_main: the target column of the main file, indexed by row number; rows whose
            target is missing must already be dropped.
        fractions: the shares (see ``default_fractions``).
        seed: the random seed; the same seed gives the same split.
        classification: stratify by class when possible.
        y_target: the target column of the second file ("the data you care about"), which
            then supplies dev and test.
        groups_main, groups_target: a group key per row (same index as ``y_main`` /
            ``y_target``), or None: rows with the same key stay in one split.

    Returns:
        A ``SplitPlan`` with every split's rows; no row appears in two splits.
    """
    # The rule ``practica check`` applies to a file before a project is made from it.
    problem = size_problem(planned_sizes(len(y_main), fractions,
                                         None if y_target is None else len(y_target)))
    if problem:
        raise DataError(problem)
    notes: list[str] = []
    rng = np.random.RandomState(seed)
    stratified = classification
    gm, gt = groups_main, groups_target
    if classification:  # class numbers in sorted label order: the same split, much quicker
        y_main = _class_numbers(y_main)
        y_target = None if y_target is None else _class_numbers(y_target)
    if y_target is None:
        rest, test = _cut(y_main, fractions.test, rng, classification, notes, gm)
        rest, dev = _cut(y_main.loc[rest], fractions.dev / (1 - fractions.test), rng,
                         classification, notes, gm)
        remaining = 1 - fractions.test - fractions.dev
        train, train_dev = _cut(y_main.loc[rest], fractions.train_dev / remaining, rng,
                                classification, notes, gm)
        sources = dict.fromkeys(SPLITS, "main")
    else:
        train, train_dev = _cut(y_main, fractions.train_dev, rng, classification, notes, gm)
        share = fractions.test / (fractions.dev + fractions.test)
        dev, test = _cut(y_target, share, rng, classification, notes, gt)
        sources = {"train": "main", "train_dev": "main", "dev": "target", "test": "target"}
    rows = {"train": train, "train_dev": train_dev, "dev": dev, "test": test}
    rows = {k: np.sort(np.asarray(v, dtype=np.int64)) for k, v in rows.items()}
    problem = size_problem({name: len(idx) for name, idx in rows.items()})
    if problem:  # copies kept together can leave a set smaller than planned
        raise DataError(problem)
    if any("not stratified" in n for n in notes):
        stratified = False
    return SplitPlan(rows=rows, sources=sources, fractions=fractions, seed=seed,
                     stratified=stratified, notes=tuple(dict.fromkeys(notes)))


def _cut(y: pd.Series, share: float, rng: np.random.RandomState, classification: bool,
         notes: list[str], groups: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Split the index of ``y`` into (kept, taken) with ``share`` of the rows taken; with
    ``groups``, whole groups are taken (``share`` of the groups)."""
    if groups is not None:
        groups = groups.loc[y.index]
        if groups.duplicated().any():
            first = y[~groups.duplicated().to_numpy()]  # one row stands for its group
            kept, taken = _cut(first, share, rng, classification, notes)
            taken_groups = groups.loc[taken].to_numpy()
            is_taken = groups.isin(taken_groups).to_numpy()
            notes.append(text("checks.note_grouped"))
            return y.index.to_numpy()[~is_taken], y.index.to_numpy()[is_taken]
    index = y.index.to_numpy()
    n_take = take_count(len(index), share)
    if n_take < 1 or n_take >= len(index):
        raise DataError(text("bad_input.split_too_small", total=len(index), rows=n_take))
    stratify = None
    if classification:
        counts = y.value_counts()
        n_classes = len(counts)
        if counts.min() >= 2 and n_take >= n_classes and len(index) - n_take >= n_classes:
            # class numbers in sorted label order: the same split as the labels, quicker
            stratify = pd.factorize(y, sort=True)[0]
        else:
            notes.append(text("split.not_stratified"))
    if stratify is not None:
        return stratified_draw(index, n_take, stratify, rng)
    # Imported here to keep scikit-learn out of start-up (the GUI shows split fractions).
    from sklearn.model_selection import train_test_split

    kept, taken = train_test_split(index, test_size=n_take, random_state=rng)
    return kept, taken


def stratified_draw(index: np.ndarray, n_take: int, codes: np.ndarray,
                    rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """``train_test_split(index, test_size=n_take, stratify=codes, random_state=rng)``:
    the same random numbers drawn in the same order, so the same rows, but the rows of
    each class are gathered as arrays (scikit-learn extends a Python list one number at a
    time: about 0.3 s per cut of a million rows). ``codes`` are class numbers 0..k-1, each
    class at least twice, and both sides take at least one row of each class (the
    caller's rule, as scikit-learn's)."""
    # Imported here to keep scikit-learn out of start-up (the GUI shows split fractions).
    from sklearn.utils.extmath import _approximate_mode

    n_train = len(index) - n_take
    codes = np.asarray(codes)
    class_counts = np.bincount(codes) if codes.size else np.zeros(0, dtype=np.int64)
    if class_counts.size and class_counts.size <= np.iinfo(np.int16).max \
            and class_counts.all():
        # Codes 0..k-1, each present: they are np.unique's inverse already, and a stable
        # sort of 16-bit numbers is a radix sort (the same order, a fraction of the time).
        y_indices = codes.astype(np.int16)
    else:
        _, y_indices, class_counts = np.unique(codes, return_inverse=True,
                                               return_counts=True)
    class_indices = np.split(np.argsort(y_indices, kind="stable"), np.cumsum(class_counts)[:-1])
    n_i = _approximate_mode(class_counts, n_train, rng)
    t_i = _approximate_mode(class_counts - n_i, n_take, rng)
    train, test = [], []
    for i, members in enumerate(class_indices):
        drawn = members.take(rng.permutation(class_counts[i]), mode="clip")
        train.append(drawn[: n_i[i]])
        test.append(drawn[n_i[i]: n_i[i] + t_i[i]])
    train_rows = rng.permutation(np.concatenate(train))
    test_rows = rng.permutation(np.concatenate(test))
    return index[train_rows], index[test_rows]


def _class_numbers(y: pd.Series) -> pd.Series:
    """``y`` as the numbers of its classes in sorted order (counting and stratifying whole
    numbers is several times quicker than text labels on big data)."""
    return pd.Series(pd.factorize(y, sort=True)[0], index=y.index)


def class_balance(y: pd.Series, rows: dict[str, np.ndarray]) -> dict[str, dict[str, int]]:
    """Class counts per split (for the split summary)."""
    return {name: {str(k): int(v) for k, v in y.loc[idx].value_counts().sort_index().items()}
            for name, idx in rows.items()}
