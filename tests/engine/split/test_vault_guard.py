"""Fingerprints of the test rows (``engine.split.vault_guard``): they follow what the model
reads, for texts and pictures too, and leave out only what is secret."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from engine.goal.step import GoalChoice, new_project
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.split.datasets import source_frame, split_frame
from engine.split.step import split_project
from engine.split.vault_guard import VaultGuard, complete_guard, project_guard, row_fingerprints
from engine.training.job import TrainingSpec, run_training
from engine.use.prediction import predict_new
from engine.use.usable_model import load_usable
from tests.test_cli_data_kinds import _image_folder, _texts

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _chosen(root, choice: GoalChoice):
    project = new_project(root / "proj", choice)
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "majority", {})).run_id
    project = open_project(project.root)
    project.chosen_run = run
    project.save()
    return project


def _test_rows(project) -> list[int]:
    return json.loads((project.root / "splits.json").read_text())["test"]["rows"]


def test_texts_written_otherwise_are_still_the_test_rows(tmp_path):
    data = _texts(tmp_path / "t.csv")
    project = _chosen(tmp_path, GoalChoice(data=str(data), target="mood", data_kind="text",
                                           text_column="review"))
    frame = source_frame(project)
    test = _test_rows(project)
    shouted = frame.copy()
    shouted["review"] = ["  " + r.upper().replace(" ", "  ") + "!" for r in frame["review"]]
    shouted["id"] = range(len(frame))
    path = tmp_path / "shouted.csv"
    shouted.to_csv(path, index=False)
    predicted = predict_new(load_usable(project), path)
    assert not set(predicted.frame["id"]) & set(test)
    # texts are grouped when split: a test text is in no other split
    assert predicted.rows == len(frame) - len(test)


def test_pictures_renamed_and_saved_again_are_still_the_test_pictures(tmp_path):
    pics = _image_folder(tmp_path / "pics")
    project = _chosen(tmp_path, GoalChoice(data=str(pics), target=None))
    files = source_frame(project)["file"].tolist()
    test = {files[i] for i in _test_rows(project)}
    disguised = tmp_path / "disguised"
    disguised.mkdir()
    for i, rel in enumerate(files):  # another name, no class folders, recompressed
        with Image.open(pics / rel) as img:
            img.save(disguised / f"img-{i:03d}.png", compress_level=1)
    names = {f"img-{i:03d}.png": rel for i, rel in enumerate(files)}
    predicted = predict_new(load_usable(project), disguised)
    got = {names[f] for f in predicted.frame["file"]}
    assert not got & test and got == set(files) - test
    assert any(f"{len(test)} of the {len(files)}" in n for n in predicted.notes)


def test_a_test_row_that_another_split_shares_is_no_secret(split_project):
    project = split_project
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    guard = VaultGuard(lambda: np.unique(row_fingerprints(prep, dev)),
                       shared=lambda: row_fingerprints(prep, dev.iloc[:3]))
    kept, left_out = guard.leave_out(prep, dev)
    assert left_out == len(dev) - 3 and kept.index.tolist() == dev.index[:3].tolist()
    # the project's guard: its test rows, none of the dev rows
    assert project_guard(project, prep).leave_out(prep, dev) == (dev, 0)
    # a guard under another key matches nothing of the project's own
    keyed = complete_guard(project, prep)
    assert keyed.size > 0 and not np.isin(keyed.prints, project_guard(project, prep).prints).any()
    assert VaultGuard.from_dict(keyed.to_dict()).prints.tolist() == keyed.prints.tolist()


def test_fingerprints_follow_the_inputs_not_the_file(split_project):
    prep = load_preprocessor(split_project)
    frame = split_frame(split_project, "train")
    base = row_fingerprints(prep, frame)
    assert len(set(base.tolist())) == len(frame)  # rows differ, fingerprints differ
    moved = frame[list(reversed(frame.columns))].reset_index(drop=True)
    assert row_fingerprints(prep, moved).tolist() == base.tolist()
    nudged = frame.assign(age=frame["age"] + 1e-9)
    assert row_fingerprints(prep, nudged).tolist() == base.tolist()
    changed = frame.assign(age=frame["age"] + 5.0)
    assert not np.isin(row_fingerprints(prep, changed), base).any()
    assert not np.isin(row_fingerprints(prep, frame, key=b"k"), base).any()
