import numpy as np
import pandas as pd
import pytest

from engine.split.datasets import split_frame
from engine.kinds.preprocess import Preprocessor, fit_preprocessor
from engine.kinds.preprocess_store import load_preprocessor


def _frame():
    return pd.DataFrame({
        "x": [1.0, 2.0, np.nan, 4.0, 5.0, np.inf],
        "c": ["a", "b", "a", None, "b", "a"],
        "y": ["p", "q", "p", "q", "p", "q"],
    })


def test_statistics_come_from_train_rows_only():
    train = _frame()
    clean = fit_preprocessor(train, ["x", "c"], "binary", labels=["p", "q"])
    # A planted outlier in dev/test rows must not move anything: fit only ever sees train.
    dev = pd.DataFrame({"x": [1e9], "c": ["zzz"], "y": ["p"]})
    again = fit_preprocessor(train, ["x", "c"], "binary", labels=["p", "q"])
    assert again == clean
    x = clean.numeric[0]
    finite = np.array([1.0, 2.0, 4.0, 5.0])
    assert x.fill == np.median(finite)
    filled = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 3.0])
    assert x.mean == pytest.approx(filled.mean())
    assert x.scale == pytest.approx(filled.std())
    out = clean.transform(dev)
    assert out[0, 0] == pytest.approx((1e9 - x.mean) / x.scale)
    assert out[0, 1:].tolist() == [0.0, 0.0]  # unseen category: all zeros


def test_missing_values_get_training_fill_and_json_round_trip():
    prep = fit_preprocessor(_frame(), ["x", "c"], "binary", labels=["p", "q"])
    rows = pd.DataFrame({"x": [np.nan], "c": [None]})
    out = prep.transform(rows)
    assert out[0, 0] == pytest.approx((3.0 - prep.numeric[0].mean) / prep.numeric[0].scale)
    assert out[0, 1:].tolist() == [1.0, 0.0]  # most frequent training category "a"
    assert Preprocessor.from_dict(prep.to_dict()) == prep
    assert prep.feature_names() == ["x", "c=a", "c=b"]
    assert prep.encode_target(pd.Series(["q", "p"])).tolist() == [1, 0]


def test_project_scaler_ignores_planted_outlier_outside_train(tmp_path):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from tests.conftest import make_mixed_frame

    frame = make_mixed_frame(200)
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(path), target="bought"))
    split_project(project, seed=0)
    dev_rows = split_frame(project, "dev").index
    planted = frame.copy()
    planted.loc[dev_rows[0], "age"] = 1e7
    planted.to_csv(path, index=False)
    project2 = new_project(tmp_path / "p2", GoalChoice(data=str(path), target="bought"))
    split_project(project2, seed=0)
    train = split_frame(project2, "train")
    assert dev_rows[0] not in train.index
    age = load_preprocessor(project2).numeric[0]
    assert age.name == "age"
    assert age.mean == pytest.approx(train["age"].mean())
    assert age.mean < 100


@pytest.mark.parametrize("rows", [1, 2, 7, 600, 1001])
def test_numeric_statistics_are_the_straightforward_ones(rows):
    """Fill, mean and scale of each number column, with or without gaps and infinities,
    equal those of the straightforward fit (the median of the finite values, then the
    scaler on the filled column), to the last bit."""
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(rows)
    frame = pd.DataFrame({
        "whole": rng.normal(size=rows) * 1e3,
        "gaps": np.where(rng.random(rows) < 0.3, np.nan, rng.normal(size=rows)),
        "inf": np.where(np.arange(rows) == 0, np.inf, rng.integers(0, 9, rows)),
        "ints": rng.integers(-5, 5, rows),
    })
    prep = fit_preprocessor(frame, list(frame.columns), "binary", ["a", "b"])
    found = {c.name: c for c in prep.numeric}
    for name in frame.columns:
        raw = frame[name].to_numpy(dtype=float)
        raw = np.where(np.isfinite(raw), raw, np.nan)
        if np.isnan(raw).all():
            assert name not in found
            continue
        fill = float(np.nanmedian(raw))
        scaler = StandardScaler().fit(np.where(np.isnan(raw), fill, raw).reshape(-1, 1))
        assert (found[name].fill, found[name].mean, found[name].scale) \
            == (fill, float(scaler.mean_[0]), float(scaler.scale_[0]))
