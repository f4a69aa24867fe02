"""The text coding: vocabulary from training texts only, unknown words, padding, bag of words."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.kinds import text_inputs
from engine.core.errors import DataError
from engine.kinds.text_inputs import TextInputs, fit_text_inputs


def _train():
    return pd.DataFrame({
        "review": ["Good film, good actors", "bad film", None, "GOOD good plot", "a bad bad end"],
        "y": ["pos", "neg", "neg", "pos", "neg"],
    })


def test_vocabulary_is_ranked_by_training_frequency():
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None)
    # good x4, bad x3, film x2, then single words alphabetically; "a" is too short a word
    assert coding.vocabulary == ("good", "bad", "film", "actors", "end", "plot")
    assert coding.vocab_size == 8
    X = coding.transform(pd.DataFrame({"review": ["Good bad film"]}))
    assert X.dtype == np.int32 and X.shape == (1, coding.max_len)
    assert X[0, :4].tolist() == [2, 3, 4, 0]


def test_words_seen_only_outside_training_are_unknown():
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None)
    dev = pd.DataFrame({"review": ["brilliant film", np.nan, ""]})
    X = coding.transform(dev)
    assert X[0, :3].tolist() == [1, 4, 0]  # "brilliant" only in dev -> 1
    assert "brilliant" not in coding.vocabulary
    assert not X[1:].any()  # missing and empty texts are all padding


def test_max_len_from_the_95th_percentile_within_8_and_400():
    short = fit_text_inputs(_train(), "review", "regression", None, [1, 2, 3, 4, 5])
    assert short.max_len == 8
    long_texts = pd.DataFrame({"t": [" ".join(["word"] * n) for n in range(1, 101)]})
    assert fit_text_inputs(long_texts, "t", "binary", ["a"], None).max_len == 96
    huge = pd.DataFrame({"t": ["ab " * 1000] * 3})
    assert fit_text_inputs(huge, "t", "binary", ["a"], None).max_len == 400
    given = fit_text_inputs(_train(), "review", "binary", ["a"], None, max_len=2)
    assert given.transform(pd.DataFrame({"review": ["good bad film"]})).tolist() == [[2, 3]]


def test_max_tokens_keeps_the_most_frequent_words():
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None, max_tokens=2)
    assert coding.vocabulary == ("good", "bad")
    assert coding.transform(pd.DataFrame({"review": ["film good"]}))[0, :2].tolist() == [1, 2]


def test_flat_counts_words_per_text_normalised():
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None)
    X = coding.transform(pd.DataFrame({"review": ["good good bad zebra", ""]}))
    flat = coding.flat(X)
    assert flat.shape == (2, coding.vocab_size) == (2, coding.n_inputs)
    assert flat.dtype == np.float32
    assert flat[0].tolist() == pytest.approx([0, 0.25, 0.5, 0.25, 0, 0, 0, 0])
    assert flat[1].sum() == 0.0


def test_flat_folds_rare_words_into_the_other_column(monkeypatch):
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None)
    monkeypatch.setattr(text_inputs, "FLAT_WORDS", 2)
    assert coding.n_inputs == 4
    flat = coding.flat(coding.transform(pd.DataFrame({"review": ["good film plot zebra"]})))
    assert flat[0].tolist() == pytest.approx([0, 0.75, 0.25, 0])  # film, plot, zebra: other


def test_round_trip_and_target():
    coding = fit_text_inputs(_train(), "review", "multiclass", ["neg", "pos"], None)
    again = TextInputs.from_dict(json.loads(json.dumps(coding.to_dict())))
    assert again == coding and again.to_dict()["kind"] == "text"
    frame = pd.DataFrame({"review": ["good film", "unseen words here", None]})
    assert np.array_equal(again.transform(frame), coding.transform(frame))
    assert coding.encode_target(pd.Series(["pos", "neg"])).tolist() == [1, 0]
    assert coding.input_shape == (coding.max_len,)


def test_plain_errors():
    with pytest.raises(DataError, match="no column named 'text'"):
        fit_text_inputs(_train(), "text", "binary", ["neg", "pos"], None)
    empty = pd.DataFrame({"t": ["", None, "!!"]})
    with pytest.raises(DataError, match="hold no words"):
        fit_text_inputs(empty, "t", "binary", ["a"], None)
    coding = fit_text_inputs(_train(), "review", "binary", ["neg", "pos"], None)
    with pytest.raises(DataError, match="'review'"):
        coding.transform(pd.DataFrame({"other": ["x"]}))
