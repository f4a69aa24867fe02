"""Which inputs matter: permutation importance on the dev rows, per data kind."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import CancelToken, Progress
from engine.diagnosis.importance import (FILE, explain_run, importance_lines, load_importance,
                                         word_bands)
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training


def _trained(folder, frame, target, model="linear", params=None, **choice):
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data.csv"
    if frame is not None:
        frame.to_csv(data, index=False)
    project = new_project(folder / "proj", GoalChoice(data=str(choice.pop("data", data)),
                                                      target=target, **choice))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), model, params or {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def _driven(n=600, seed=0, leak=False, second=False):
    """``signal`` drives the label; ``noise1``, ``noise2`` and the category ``colour`` do not."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    other = rng.normal(size=n)
    label = np.where(signal + second * other + rng.normal(0, 0.6, n) > 0, "yes", "no")
    frame = pd.DataFrame({"signal": signal, "noise1": rng.normal(size=n),
                          "noise2": rng.normal(size=n),
                          "colour": rng.choice(["red", "green", "blue"], n), "label": label})
    if second:
        frame["other"] = other
    if leak:
        frame["copy"] = (label == "yes").astype(int)
    return frame


def test_the_driving_column_ranks_first_with_an_interval_above_the_noise(tmp_path):
    project = _trained(tmp_path, _driven(), "label")
    events = []
    result = explain_run(project, repeats=5, progress=events.append)
    names = [i.name for i in result.inputs]
    assert sorted(names) == ["colour", "noise1", "noise2", "signal"]  # colour counts once
    top, rest = result.inputs[0], result.inputs[1:]
    assert top.name == "signal" and len(top.drops) == 5
    assert top.low > max(i.high for i in rest)
    assert all(abs(i.mean) < 0.05 for i in rest)
    assert result.method == "shuffle" and result.rows > 0 and result.metric
    assert sum(isinstance(e, Progress) for e in events) == 4
    # Saved beside the run and read back whole; the sentences name the column.
    saved = json.loads((project.run_dir(result.run) / FILE).read_text())
    assert saved["inputs"][0]["name"] == "signal"
    assert load_importance(open_project(project.root)) == result
    assert any("signal" in line for line in importance_lines(result))


def test_same_seed_same_numbers_and_lower_is_better_metrics_count_the_right_way(tmp_path):
    project = _trained(tmp_path, _driven(seed=1), "label")
    project.goal = project.goal.__class__(**{**project.goal.__dict__, "metric": "log_loss"})
    a = explain_run(project, repeats=3, seed=4)
    b = explain_run(project, repeats=3, seed=4)
    assert [i.drops for i in a.inputs] == [i.drops for i in b.inputs]
    assert a.metric == "log_loss" and a.inputs[0].name == "signal" and a.inputs[0].mean > 0


def test_leakage_warning_fires_on_a_copy_of_the_label_only(tmp_path):
    leaky = explain_run(_trained(tmp_path / "a", _driven(leak=True), "label"), repeats=3)
    assert leaky.leak == "copy"
    assert any("give the answer away" in line for line in importance_lines(leaky))
    # Two honest signals share the importance: no warning.
    honest = explain_run(_trained(tmp_path / "b", _driven(second=True), "label"), repeats=3)
    assert {i.name for i in honest.inputs[:2]} == {"signal", "other"}
    assert honest.leak == ""
    assert not any("give the answer away" in line for line in importance_lines(honest))


def test_no_run_is_a_plain_error_and_cancel_stops(tmp_path, split_project):
    with pytest.raises(ProjectError, match="No model is chosen"):
        explain_run(split_project)
    project = _trained(tmp_path / "c", _driven(n=200), "label", model="majority")
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        explain_run(project, cancel=token)
    assert load_importance(project) is None


def test_sequences_give_one_row_per_channel_and_window(tmp_path):
    rng = np.random.default_rng(1)
    rows = []
    for sid in range(60):
        label = "up" if sid % 2 else "down"
        for t in range(16):
            rows.append({"series": f"s{sid}", "t": t, "label": label,
                         "a": t * (0.3 if label == "up" else -0.3) + rng.normal(0, 0.5),
                         "b": rng.normal()})
    frame = pd.DataFrame(rows)
    project = _trained(tmp_path, frame, "label", model="conv1d",
                       params={"epochs": 2}, data_kind="sequence",
                       sequence={"format": "long", "id": "series", "time": "t",
                                 "values": ["a", "b"]})
    result = explain_run(project, repeats=2)
    parts = [i.part for i in result.inputs]
    assert parts.count("channel") == 2 and parts.count("window") == 8
    assert len(result.inputs) == 10


def test_images_give_one_row_per_region_by_occlusion(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    pics = tmp_path / "pics"
    for label, bright in (("dark", 60), ("light", 190)):
        (pics / label).mkdir(parents=True)
        for i in range(24):
            pixels = np.clip(rng.normal(bright, 30, (8, 8)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(pics / label / f"{i}.png")
    project = _trained(tmp_path / "a", None, None, model="linear", data=pics)
    result = explain_run(project)
    assert result.method == "occlusion" and result.repeats == 1
    assert len(result.inputs) == 16 and {i.part for i in result.inputs} == {"region"}
    assert all(i.low <= i.mean <= i.high for i in result.inputs)


def test_text_words_fall_in_frequency_bands(tmp_path):
    X = np.array([[2, 2, 2, 2, 3, 3, 4, 5, 0, 1]])
    bands = word_bands(X, 3)
    assert [b.tolist() for b in bands] == [[2], [3], [4, 5]]
    rng = np.random.default_rng(3)
    good, bad = ["great", "lovely"], ["awful", "sad"]
    filler = ["the", "item", "was", "and", "it", "came"]
    texts, moods = [], []
    for _ in range(120):
        mood = rng.choice(["good", "bad"])
        words = list(rng.choice(filler, 5)) + list(rng.choice(good if mood == "good" else bad, 2))
        texts.append(" ".join(rng.permutation(words)))
        moods.append(mood)
    project = _trained(tmp_path, pd.DataFrame({"review": texts, "mood": moods}), "mood",
                       data_kind="text", text_column="review")
    result = explain_run(project, repeats=2)
    assert result.inputs and {i.part for i in result.inputs} == {"words"}
    assert any("great" in i.name or "awful" in i.name for i in result.inputs)
