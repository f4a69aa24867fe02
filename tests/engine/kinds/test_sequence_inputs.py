"""Sequences: long to wide tables, grouping columns into channels, the fitted sequence coding."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import DataError
from engine.kinds.sequence_inputs import SequenceInputs, columns_by_channel, fit_sequence_inputs
from engine.data.sequence_table import long_to_wide, wide_series_columns


def _long():
    return pd.DataFrame({
        "id": ["b", "a", "b", "a", "b", "c"],
        "t": [2, 1, 0, 0, 1, 5],
        "hr": [62, 71, 60, 70, 61, 90],
        "bp": [120, 130, 118, "128", 119, 140],
        "ill": ["no", "yes", "no", "yes", "no", "yes"],
    })


def test_long_to_wide_orders_pads_and_keeps_the_target():
    wide = long_to_wide(_long(), "id", "t", ["hr", "bp"], "ill")
    assert wide.columns.tolist() == ["hr@0", "hr@1", "hr@2", "bp@0", "bp@1", "bp@2", "ill"]
    assert list(wide.index) == [0, 1, 2]  # b, a, c: the order ids first appear
    assert wide.loc[0, ["hr@0", "hr@1", "hr@2"]].tolist() == [60, 61, 62]
    assert wide.loc[1, ["hr@0", "hr@1"]].tolist() == [70, 71]
    assert np.isnan(wide.loc[1, "hr@2"]) and wide.loc[1, "bp@0"] == 128
    assert wide.loc[2, "hr@0"] == 90 and wide.loc[2, ["hr@1", "hr@2"]].isna().all()
    assert wide["ill"].tolist() == ["no", "yes", "yes"]
    assert long_to_wide(_long(), "id", "t", ["hr"], None).columns.tolist() == [
        "hr@0", "hr@1", "hr@2"]


def test_times_may_be_dates_or_number_texts():
    frame = pd.DataFrame({"id": [1, 1, 1], "when": ["2024-03-02", "2024-01-05", "2024-02-01"],
                          "v": [3.0, 1.0, 2.0], "y": [1, 1, 1]})
    assert long_to_wide(frame, "id", "when", ["v"], "y").iloc[0, :3].tolist() == [1, 2, 3]
    frame["when"] = ["10", "2", "3"]  # as numbers (2 < 3 < 10), not as text ("10" < "2")
    assert long_to_wide(frame, "id", "when", ["v"], "y").iloc[0, :3].tolist() == [1, 2, 3]
    frame["when"] = ["x", "y", "z"]
    with pytest.raises(DataError, match="neither a number nor a date"):
        long_to_wide(frame, "id", "when", ["v"], "y")


def test_long_to_wide_errors_name_the_problem():
    frame = _long()
    with pytest.raises(DataError, match="no column named 'pulse'"):
        long_to_wide(frame, "id", "t", ["pulse"], "ill")
    bad = frame.astype({"hr": object})
    bad.loc[4, "hr"] = "high"
    with pytest.raises(DataError, match="Row 5 of column 'hr' holds 'high'"):
        long_to_wide(bad, "id", "t", ["hr"], "ill")
    varies = frame.copy()
    varies.loc[4, "ill"] = "yes"
    with pytest.raises(DataError, match="series 'b' has more than one value"):
        long_to_wide(varies, "id", "t", ["hr"], "ill")
    partly = frame.copy()
    partly.loc[0, "ill"] = None  # one missing row is fine while the others agree
    assert long_to_wide(partly, "id", "t", ["hr"], "ill")["ill"].tolist() == ["no", "yes", "yes"]
    none = frame.copy()
    none.loc[5, "ill"] = None
    with pytest.raises(DataError, match="series 'c' has no value in 'ill'"):
        long_to_wide(none, "id", "t", ["hr"], "ill")
    no_time = frame.copy()
    no_time.loc[1, "t"] = np.nan
    with pytest.raises(DataError, match=r"Row 2 \(series 'a'\)"):
        long_to_wide(no_time, "id", "t", ["hr"], "ill")
    no_id = frame.copy()
    no_id.loc[3, "id"] = None
    with pytest.raises(DataError, match="Row 4 has no value in 'id'"):
        long_to_wide(no_id, "id", "t", ["hr"], "ill")


def test_wide_series_columns_are_numeric_in_file_order():
    frame = pd.DataFrame({"z": [1.0], "name": ["x"], "a": [2], "flag": [True], "y": [0]})
    assert wide_series_columns(frame, ["y"]) == ["z", "a"]


def test_columns_by_channel_groups_and_orders_steps():
    names = ["hr@10", "bp@0", "hr@2", "hr@9", "bp@1"]
    assert columns_by_channel(names) == {"hr": ["hr@2", "hr@9", "hr@10"],
                                         "bp": ["bp@0", "bp@1"]}
    assert columns_by_channel(["t3", "t1", "t2"]) == {"value": ["t3", "t1", "t2"]}
    assert columns_by_channel(["a@b@3"]) == {"a@b": ["a@b@3"]}
    with pytest.raises(DataError, match="'age' is not a step"):
        columns_by_channel(["hr@0", "age"])


def test_statistics_from_training_rows_and_missing_become_zero():
    wide = long_to_wide(_long(), "id", "t", ["hr", "bp"], "ill")
    train, dev = wide.iloc[:2], wide.iloc[2:]
    coding = fit_sequence_inputs(train, columns_by_channel(wide.columns[:-1]), "binary",
                                 ["no", "yes"], None)
    hr_train = np.array([60, 61, 62, 70, 71], dtype=float)
    assert coding.channels == ("hr", "bp") and coding.steps == 3
    assert coding.mean[0] == pytest.approx(hr_train.mean())
    assert coding.std[0] == pytest.approx(hr_train.std())
    X = coding.transform(dev)
    assert X.shape == (1, 3, 2) and X.dtype == np.float32
    assert X[0, 0, 0] == pytest.approx((90 - hr_train.mean()) / hr_train.std())
    assert X[0, 1:].tolist() == [[0.0, 0.0], [0.0, 0.0]]  # padding steps: the train mean
    assert coding.flat(X).shape == (1, 6) == (1, coding.n_inputs)
    assert coding.input_shape == (3, 2)
    assert coding.encode_target(dev["ill"]).tolist() == [1]


def test_channels_of_different_lengths_and_plain_columns():
    frame = pd.DataFrame({"a@0": [1.0, 3.0], "a@1": [2.0, 4.0], "b@0": [5.0, 7.0],
                          "y": [0.5, 1.5]})
    coding = fit_sequence_inputs(frame, columns_by_channel(["a@0", "a@1", "b@0"]),
                                 "regression", None, frame["y"])
    X = coding.transform(frame)
    assert X.shape == (2, 2, 2) and X[:, 1, 1].tolist() == [0.0, 0.0]
    assert np.allclose(coding.decode_regression(coding.encode_target(frame["y"])), frame["y"])
    plain = fit_sequence_inputs(frame, {"value": ["a@1", "a@0"]}, "binary", ["x"], None)
    std = np.std([2.0, 4.0, 1.0, 3.0])
    assert plain.transform(frame)[0, :, 0].tolist() == pytest.approx([-0.5 / std, -1.5 / std])


def test_round_trip_gives_identical_transform_and_missing_columns_fail():
    wide = long_to_wide(_long(), "id", "t", ["hr", "bp"], "ill")
    coding = fit_sequence_inputs(wide, columns_by_channel(wide.columns[:-1]), "binary",
                                 ["no", "yes"], None)
    again = SequenceInputs.from_dict(json.loads(json.dumps(coding.to_dict())))
    assert again == coding and again.to_dict()["kind"] == "sequence"
    assert np.array_equal(again.transform(wide), coding.transform(wide))
    with pytest.raises(DataError, match="no column named 'bp@2'"):
        coding.transform(wide.drop(columns=["bp@2"]))
