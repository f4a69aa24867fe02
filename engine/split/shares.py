"""The split's shares typed by a person, and whether a split with them can be made at all.

``parse_shares`` reads four shares (train, train-dev, dev, test) as fractions or percents
and checks them as the Data page's form does. ``planned_sizes`` counts the rows each set
gets, with the very arithmetic ``make_split`` cuts with (``take_count``), and
``size_problem`` says which set would hold too few rows: ``practica check`` refuses a file
with it before a project is made, and ``make_split`` refuses the same split with it, so the
two cannot disagree.

Example:
    >>> sizes = planned_sizes(5, Fractions(train=0.5, train_dev=0.1, dev=0.2, test=0.2))
    >>> sizes
    {'train': 3, 'train_dev': 0, 'dev': 1, 'test': 1}
    >>> size_problem(sizes)[:29]
    'The train-dev set would hold '
    >>> parse_shares("70%, 10%, 10%, 10%").to_dict()
    {'train': 0.7, 'train_dev': 0.1, 'dev': 0.1, 'test': 0.1}
"""

from __future__ import annotations

from engine.core.errors import DataError
from engine.core.texts import text
from engine.project.parts.split import Fractions

SET_NAMES = ("train", "train_dev", "dev", "test")
MIN_ROWS_PER_SPLIT = 2
"""The fewest rows any of the four sets may hold."""
TOLERANCE = 0.0005
"""How far the shares may add up away from 1 (rounding of typed percents)."""


def take_count(total: int, share: float) -> int:
    """The rows a cut of ``share`` takes out of ``total``: the one rounding rule of the split."""
    return int(round(share * total))


def planned_sizes(n_main: int, fractions: Fractions, n_target: int | None = None
                  ) -> dict[str, int]:
    """The rows of each set a split of ``n_main`` rows (and ``n_target`` rows of a second
    file, which gives dev and test) with ``fractions`` makes, when no copies are grouped."""
    if n_target is None:
        test = take_count(n_main, fractions.test)
        rest = n_main - test
        dev = take_count(rest, fractions.dev / (1 - fractions.test))
        rest -= dev
        remaining = 1 - fractions.test - fractions.dev
        train_dev = take_count(rest, fractions.train_dev / remaining)
        return {"train": rest - train_dev, "train_dev": train_dev, "dev": dev, "test": test}
    train_dev = take_count(n_main, fractions.train_dev)
    test = take_count(n_target, fractions.test / (fractions.dev + fractions.test))
    return {"train": n_main - train_dev, "train_dev": train_dev, "dev": n_target - test,
            "test": test}


def size_problem(sizes: dict[str, int]) -> str:
    """What is wrong when a set would hold fewer than ``MIN_ROWS_PER_SPLIT`` rows; ``""``
    when every set is big enough."""
    for name in SET_NAMES:
        if sizes.get(name, 0) < MIN_ROWS_PER_SPLIT:
            return text("split.too_small", split=name.replace("_", "-"), rows=sizes.get(name, 0))
    return ""


def parse_shares(raw: str, second_file: bool = False) -> Fractions:
    """Four shares ``TRAIN,TRAIN_DEV,DEV,TEST`` as fractions (0.7) or percents (70%).

    One file: the four add up to 1. With a second file, train and train-dev share the first
    file and dev and test the second, so each pair adds up to 1.

    Raises:
        DataError: not four numbers, a share that is not above 0, or sums that are off.
    """
    parts = [p.strip() for p in str(raw).split(",")]
    if len(parts) != 4:
        raise DataError(text("split.bad_shares", raw=raw))
    shares = []
    for part in parts:
        try:
            value = float(part[:-1]) / 100 if part.endswith("%") else float(part)
        except ValueError:
            raise DataError(text("split.bad_shares", raw=raw)) from None
        if not 0 < value < 1:
            raise DataError(text("split.share_out_of_range", raw=raw))
        shares.append(value)
    fractions = Fractions(*shares)
    if second_file:
        for total in (shares[0] + shares[1], shares[2] + shares[3]):
            if abs(total - 1) > TOLERANCE:
                raise DataError(text("split.shares_sum_two", total=f"{total:.4g}"))
    elif abs(sum(shares) - 1) > TOLERANCE:
        raise DataError(text("split.shares_sum", total=f"{sum(shares):.4g}"))
    return fractions
