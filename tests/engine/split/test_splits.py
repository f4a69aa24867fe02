import numpy as np
import pandas as pd
import pytest

from engine.core.errors import DataError
from engine.split.splits import SPLITS, default_fractions, make_split
# The split step's own plan (test rows included): the properties of the split itself.
from engine.split.splits import _plan_split as whole_plan


def _labels(n=1000, minority=0.2, seed=0):
    rng = np.random.default_rng(seed)
    return pd.Series(np.where(rng.random(n) < minority, "a", "b"))


def test_default_fractions_follow_the_rule_of_thumb():
    small = default_fractions(5000)
    assert (small.train + small.train_dev, small.dev, small.test) == pytest.approx((0.6, 0.2, 0.2))
    big = default_fractions(2_000_000)
    assert (big.dev, big.test) == (0.01, 0.01)
    assert big.train + big.train_dev == pytest.approx(0.98)
    mid = default_fractions(100_000)
    assert 0.01 < mid.dev < 0.2
    for f in (small, mid, big):
        assert f.train + f.train_dev + f.dev + f.test == pytest.approx(1.0)


def test_splits_are_disjoint_complete_and_reproducible():
    y = _labels()
    plan = whole_plan(y, default_fractions(len(y)), seed=7)
    rows = [set(plan.rows[s].tolist()) for s in SPLITS]
    assert sum(len(r) for r in rows) == len(y)
    assert set().union(*rows) == set(range(len(y)))
    for i in range(4):
        for j in range(i + 1, 4):
            assert not rows[i] & rows[j]
    again = whole_plan(y, default_fractions(len(y)), seed=7)
    other = whole_plan(y, default_fractions(len(y)), seed=8)
    assert all(np.array_equal(plan.rows[s], again.rows[s]) for s in SPLITS)
    assert not np.array_equal(plan.rows["test"], other.rows["test"])
    assert plan.sizes() == {"train": 500, "train_dev": 100, "dev": 200, "test": 200}


def test_classification_split_is_stratified():
    y = _labels(minority=0.1)
    plan = whole_plan(y, default_fractions(len(y)), seed=1)
    overall = (y == "a").mean()
    for s in SPLITS:
        share = (y.loc[plan.rows[s]] == "a").mean()
        assert abs(share - overall) < 0.011, s
    assert plan.stratified


def test_second_file_supplies_dev_and_test():
    main = _labels(800)
    care = pd.Series(_labels(200, seed=3).to_numpy())
    plan = whole_plan(main, default_fractions(800, second_file=True), seed=0, y_target=care)
    assert plan.sources == {"train": "main", "train_dev": "main", "dev": "target",
                            "test": "target"}
    assert len(plan.rows["train"]) + len(plan.rows["train_dev"]) == 800
    assert len(plan.rows["dev"]) + len(plan.rows["test"]) == 200
    assert not set(plan.rows["dev"]) & set(plan.rows["test"])


def test_too_little_data_is_a_plain_error():
    with pytest.raises(DataError, match="rows"):
        make_split(_labels(5), default_fractions(5), seed=0)


def test_the_public_split_hands_out_no_test_rows():
    """``make_split`` is public: from the data and the seed it must not rebuild the rows
    the vault holds; it gives the other splits' rows and the test set's size."""
    y = _labels()
    fractions = default_fractions(len(y))
    whole, public = whole_plan(y, fractions, seed=7), make_split(y, fractions, seed=7)
    assert "test" not in public.rows and set(public.rows) == {"train", "train_dev", "dev"}
    assert public.sizes() == whole.sizes() and public.test_size == 200
    for name in public.rows:
        assert np.array_equal(public.rows[name], whole.rows[name])
    assert whole.sealed().rows.keys() == public.rows.keys()
    with pytest.raises(ValueError, match="no test rows"):
        public.indices_dict()


@pytest.mark.parametrize("values", [
    ["yes", "no", None, "yes"], [1.0, 0.0, np.nan, 2.5, 1.0], [3, 1, 3, 2], [True, False, True],
    pd.array(["b", "a", None, "b"], dtype="str"), ["only"],
])
def test_class_labels_are_each_value_as_text(values):
    """Labels made once per distinct value are the labels made row by row."""
    from engine.split.datasets import label_text, labels_of

    series = pd.Series(values, index=np.arange(len(values)) * 3 + 5, name="t")
    made = labels_of(series)
    pd.testing.assert_series_equal(made, series.map(label_text))


@pytest.mark.parametrize("seed", range(6))
def test_the_stratified_draw_is_scikit_learns(seed):
    """The same rows as ``train_test_split(..., stratify=...)`` from the same random state,
    for balanced, rare and tied classes, and after earlier draws from that state."""
    from sklearn.model_selection import train_test_split

    from engine.split.splits import stratified_draw

    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 5000))
    k = int(rng.integers(2, 6))
    weights = rng.dirichlet(np.ones(k) * (0.3 if seed % 2 else 5))
    codes = rng.choice(k, n, p=weights)
    codes[:2 * k] = np.repeat(np.arange(k), 2)  # every class at least twice
    codes = pd.factorize(codes, sort=True)[0]
    index = np.sort(rng.choice(10 * n, n, replace=False))
    n_take = int(rng.integers(k, n - k))
    ours, theirs = np.random.RandomState(seed), np.random.RandomState(seed)
    for _ in range(3):  # the state moves on identically from one cut to the next
        mine = stratified_draw(index, n_take, codes, ours)
        sk = train_test_split(index, test_size=n_take, random_state=theirs, stratify=codes)
        assert np.array_equal(mine[0], sk[0]) and np.array_equal(mine[1], sk[1])


@pytest.mark.parametrize("codes", [[0, 2, 2, 0, 2, 0, 2, 2], [1, 1, 3, 3, 3, 1, 3, 1, 3]])
def test_the_stratified_draw_with_class_numbers_not_all_present_is_scikit_learns(codes):
    """Class numbers with a gap (not the 0..k-1 of every caller) take the general path."""
    from sklearn.model_selection import train_test_split

    from engine.split.splits import stratified_draw

    codes = np.array(codes)
    index = np.arange(len(codes)) * 2
    mine = stratified_draw(index, 3, codes, np.random.RandomState(4))
    sk = train_test_split(index, test_size=3, random_state=np.random.RandomState(4),
                          stratify=codes)
    assert np.array_equal(mine[0], sk[0]) and np.array_equal(mine[1], sk[1])
