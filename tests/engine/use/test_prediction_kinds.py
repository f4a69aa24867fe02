"""Predicting new images, texts and long sequences: read as in training, scored as the model
scores the project's own examples."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from engine.split.datasets import source_frame
from engine.core.errors import DataError
from engine.goal.step import GoalChoice, new_project
from engine.training.predictor import load_predictor
from engine.use.prediction import predict_file, predict_new
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.use.usable_model import load_usable
from tests.test_cli_data_kinds import _image_folder, _long_sequences, _texts


def _trained(root, choice: GoalChoice, model="linear"):
    project = new_project(root / "proj", choice)
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), model, {"epochs": 2}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def _own(project, frame):
    prep = load_preprocessor(project)
    run = project.run(project.chosen_run)
    return load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(frame))


def test_a_folder_of_pictures(tmp_path):
    pics = _image_folder(tmp_path / "pics")
    project = _trained(tmp_path, GoalChoice(data=str(pics), target=None))
    new = tmp_path / "new"
    shutil.copytree(pics, new)
    (new / "notes.txt").write_text("not a picture")
    predicted = predict_new(load_usable(project), new)
    out = predicted.frame
    test = project.split.sizes["test"]  # a copy of the training folder: its test pictures
    assert "light/broken.png" not in out["file"].tolist() and len(out) == 28 - test
    assert any("2 files were skipped" in n for n in predicted.notes)
    assert any(f"{test} of the 28 examples" in n for n in predicted.notes)
    expected = _own(project, pd.DataFrame({"file": out["file"]}))  # the training folder
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1), atol=1e-6)
    labels = np.array(project.goal.labels, dtype=object)
    assert out["prediction"].tolist() == labels[expected.argmax(axis=1)].tolist()
    one = predict_file(project, new / "dark" / "3.png")
    assert one["file"].tolist() == ["3.png"] and len(one) == 1
    own = predict_new(load_usable(project), pics)  # the training folder, vault closed
    assert own.frame["file"].tolist() == out["file"].tolist()
    with pytest.raises(DataError, match="no picture"):
        predict_file(project, tmp_path / "pics" / "light" / "broken.png")


def test_texts_with_unknown_words_and_gaps(tmp_path):
    data = _texts(tmp_path / "t.csv")
    project = _trained(tmp_path, GoalChoice(data=str(data), target="mood", data_kind="text",
                                            text_column="review"), model="text_pool")
    new = pd.DataFrame({"review": ["great lovely item", "zyzzyva quux", None, "awful sad"],
                        "id": [1, 2, 3, 4]})
    path = tmp_path / "new.csv"
    new.to_csv(path, index=False)
    out = predict_file(project, path)
    assert out["id"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(out["confidence"], _own(project, new).max(axis=1), atol=1e-5)
    pd.DataFrame({"text": ["x"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="'review'"):
        predict_file(project, path)


def test_long_sequences_become_one_row_per_series(tmp_path):
    data = _long_sequences(tmp_path / "s.csv")
    project = _trained(tmp_path, GoalChoice(
        data=str(data), target="label", data_kind="sequence",
        sequence={"format": "long", "id": "series", "time": "t", "values": ["value"]}))
    long = pd.read_csv(data)
    new = long.drop(columns=["label"])
    new = new[~((new["series"] == "s5") & (new["t"] >= 6))]  # a shorter series
    path = tmp_path / "new.csv"
    new.to_csv(path, index=False)
    out = predict_file(project, path)
    # the project's own series: the test ones stay locked (s5, shortened, is another series)
    frame = source_frame(project)
    ids = pd.unique(long["series"])  # the wide frame's rows, in order
    test_rows = json.loads((project.root / "splits.json").read_text())["test"]["rows"]
    locked = set(ids[test_rows]) - {"s5"}
    assert locked and out["series"].tolist() == [s for s in pd.unique(long["series"])
                                                 if s not in locked]
    assert not any("@" in c for c in out.columns)  # the step columns stay inside
    whole = out["series"] != "s5"
    expected = pd.Series(_own(project, frame).max(axis=1), index=ids)
    np.testing.assert_allclose(out["confidence"][whole],
                               expected[out["series"][whole]].to_numpy(), atol=1e-6)
    assert np.isfinite(out["confidence"]).all()
