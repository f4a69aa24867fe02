"""Copies across splits: keys, the grouped split that keeps copies together, the findings
and the way out (leaving the copies out of dev and test)."""

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from engine.project.project import SPLITS_FILE
from engine.kinds.by_kind import example_keys
from engine.kinds.row_keys import round_significant
from engine.split.row_overlap import BLOCK_SHARE, split_groups
from engine.split.step import split_project
from engine.split.splits import SPLITS, default_fractions
# The split step's own plan (test rows included), to see where every copy went.
from engine.split.splits import _plan_split as make_split
from engine.app.steps import DONE, LOCKED, READY, step_states
from engine.core.texts import text
from tests.engine.split.split_check_data import by_code, codes, project_from, table


def test_round_significant_matches_hand_computed_values():
    got = round_significant(np.array([123456.0, 0.0012345, -9.876, 0.0, np.nan, 1e-300]))
    assert got[:4].tolist() == [123000.0, 0.00123, -9.88, 0.0]
    assert np.isnan(got[4]) and got[5] == pytest.approx(1e-300)


def test_keys_match_numbers_across_files_and_find_near_copies():
    a = pd.DataFrame({"x": [1, 2, 3], "s": ["Hello", "x", "y"]})  # whole numbers
    b = pd.DataFrame({"x": [1.0, 2.0, 3.0000001], "s": ["Hello", "x", " Y!"]})
    ka, kb = example_keys(a, ["x", "s"], "table"), example_keys(b, ["x", "s"], "table")
    assert (ka.copy == kb.copy).tolist() == [True, True, False]
    assert (ka.near == kb.near).tolist() == [True, True, True]
    assert len(set(ka.copy.tolist())) == 3


def test_text_keys_ignore_case_spacing_and_punctuation_only_for_near_copies():
    frame = pd.DataFrame({"t": ["Hello, World", "hello   world!", "hello word", None]})
    keys = example_keys(frame, ["t"], "text")
    assert keys.copy[0] != keys.copy[1] and keys.near[0] == keys.near[1]
    assert keys.near[0] != keys.near[2]
    assert (keys.group == keys.near).all()  # texts are grouped by their normal form


def test_image_keys_find_identical_files_and_resaved_pictures(tmp_path):
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)
    other = rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)
    Image.fromarray(picture).save(tmp_path / "a.png", compress_level=9)
    (tmp_path / "a_copy.png").write_bytes((tmp_path / "a.png").read_bytes())
    Image.fromarray(picture).save(tmp_path / "a_again.png", compress_level=0)
    Image.fromarray(other).save(tmp_path / "b.png")
    frame = pd.DataFrame({"file": ["a.png", "a_copy.png", "a_again.png", "b.png"]})
    keys = example_keys(frame, ["file"], "images", tmp_path)
    assert keys.copy[0] == keys.copy[1] != keys.copy[2]
    assert keys.near[0] == keys.near[2] != keys.near[3]
    assert keys.images.thumbs.shape == (4, 256)


def _with_copies(n=300, copies=90, seed=0):
    frame = table(n, seed)
    rng = np.random.default_rng(seed)
    return pd.concat([frame, frame.iloc[rng.choice(n, copies, replace=False)]],
                     ignore_index=True)


def _crossing_groups(plan, keys) -> int:
    where = {}
    for name in SPLITS:
        for row in plan.rows[name]:
            where.setdefault(keys.copy[row], set()).add(name)
    return sum(len(s) > 1 for s in where.values())


def test_the_grouped_split_keeps_every_copy_in_one_split():
    frame = _with_copies()
    features = ["x1", "x2", "colour"]
    keys = example_keys(frame, features, "table")
    y = frame["label"]
    groups = split_groups(keys, y.index)
    assert groups is not None and groups.duplicated().sum() == 90
    grouped = make_split(y, default_fractions(len(y)), seed=4, groups_main=groups)
    plain = make_split(y, default_fractions(len(y)), seed=4)
    assert _crossing_groups(grouped, keys) == 0
    assert _crossing_groups(plain, keys) > 10  # without groups, copies do cross
    assert grouped.stratified and text("checks.note_grouped") in grouped.notes
    assert sum(grouped.sizes().values()) == len(frame)
    for name, share in default_fractions(len(y)).to_dict().items():
        assert grouped.sizes()[name] == pytest.approx(share * len(y), abs=12)


def test_split_project_keeps_copies_in_the_main_file_from_crossing(tmp_path):
    project = project_from(tmp_path, _with_copies())
    summary = split_project(project, seed=2)
    assert "copies_across_splits" not in codes(summary.checks)
    assert text("checks.note_grouped") in summary.notes
    assert "duplicate_rows" in codes(project.findings)  # the file check still says so
    rows = json.loads((project.root / SPLITS_FILE).read_text())
    frame = _with_copies()
    keys = example_keys(frame, ["x1", "x2", "colour"], "table")
    seen = {name: set(keys.copy[rows[name]["rows"]].tolist()) for name in SPLITS}
    for i, a in enumerate(SPLITS):
        for b in SPLITS[i + 1:]:
            assert not seen[a] & seen[b], (a, b)


def _care_with_copies(main: pd.DataFrame, copies: int, near: int = 0, seed: int = 1):
    """200 rows of new data whose first ``copies`` rows copy rows of ``main`` and the next
    ``near`` rows nearly copy them; also which rows of ``main`` were copied."""
    care = table(200, seed)
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(main), copies + near, replace=False)
    picked = main.iloc[rows].copy()
    picked.iloc[copies:, 0] = picked.iloc[copies:, 0] * (1 + 1e-7)
    picked.iloc[copies:, 2] = " " + picked.iloc[copies:, 2].str.upper()
    care.iloc[: copies + near] = picked.to_numpy()
    return care, rows


def _in_training(project, main_rows) -> np.ndarray:
    train = json.loads((project.root / SPLITS_FILE).read_text())["train"]["rows"]
    return np.isin(main_rows, train)


def test_copies_of_training_rows_in_the_second_file_block_and_can_be_left_out(tmp_path):
    main = table(400)
    care, copied = _care_with_copies(main, 40)
    project = project_from(tmp_path, main, second=care)
    summary = split_project(project, seed=1)
    of_training = _in_training(project, copied)
    assert 30 < of_training.sum() < 40  # some copied rows went to train-dev, not train
    found = by_code(summary.checks, "copies_across_splits")
    assert {f.severity for f in found} == {"blocker"}
    assert sum(int(f.message.split()[0]) for f in found) == of_training.sum()
    assert all(int(f.message.split()[0]) / 100 > BLOCK_SHARE for f in found)
    assert "Leave these rows out of the" in found[0].fix
    states = step_states(project)
    assert states["data"].state == READY and states["baseline"].state == LOCKED
    assert states["baseline"].reason == text("checks.steps_fix_first")

    before = json.loads((project.root / SPLITS_FILE).read_text())
    summary = split_project(project, seed=1, drop_copies=True)
    assert "copies_across_splits" not in codes(summary.checks)
    n = int(of_training.sum())
    assert sum(summary.copies_dropped.values()) == n and summary.drop_copies
    assert project.decisions[-1].kind == "copies_dropped"
    assert f"Left out {n} rows" in project.decisions[-1].text
    after = json.loads((project.root / SPLITS_FILE).read_text())
    gone = set()
    for name in ("dev", "test"):
        gone |= set(before[name]["rows"]) - set(after[name]["rows"])
    assert gone == set(np.flatnonzero(of_training).tolist())  # just the copies of training rows
    assert step_states(project)["data"].state == DONE
    again = split_project(project, seed=1)  # a later split keeps the choice
    assert again.drop_copies and sum(again.copies_dropped.values()) == n


def test_a_few_copies_warn_and_near_copies_are_found(tmp_path):
    main = table(400)
    care, copied = _care_with_copies(main, 2, near=10)
    project = project_from(tmp_path, main, second=care)
    checks = split_project(project, seed=0).checks
    of_training = _in_training(project, copied)
    copies = by_code(checks, "copies_across_splits")
    assert copies and {f.severity for f in copies} == {"warning"}
    assert sum(int(f.message.split()[0]) for f in copies) == of_training[:2].sum()
    near = by_code(checks, "near_copies_across_splits")
    assert sum(int(f.message.split()[0]) for f in near) == of_training[2:].sum() > 5
    assert {f.severity for f in near} == {"warning"}
    assert "rounded to 3 significant digits" in near[0].message
    assert step_states(project)["data"].state == DONE  # warnings do not block


def test_repeated_inputs_of_a_few_yes_no_columns_are_expected(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.integers(0, 2, 200), "b": rng.integers(0, 2, 200)})
    frame["label"] = np.where(frame.a + 0.5 * frame.b + rng.normal(0, 0.5, 200) > 0.7, "yes", "no")
    project = project_from(tmp_path, frame)
    summary = split_project(project)
    assert text("checks.note_grouped") not in summary.notes
    found = by_code(summary.checks, "repeated_inputs")
    assert found and {f.severity for f in found} == {"info"}
    assert "copies_across_splits" not in codes(summary.checks)
    assert step_states(project)["data"].state == DONE
