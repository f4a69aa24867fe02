"""Why this example: the inputs that moved one row's answer, for every data kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import CancelToken, Progress
from engine.diagnosis.why_example import WhyExample, explain_example, load_why
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.datasets import split_frame, split_rows
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


def _dev(project) -> pd.DataFrame:
    return split_frame(project, "dev")


def test_the_driving_column_is_named_first_for_a_row(tmp_path):
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "colour": rng.choice(["red", "green", "blue"], n),
                          "label": np.where(signal > 0, "yes", "no")})
    project = _trained(tmp_path, frame, "label")
    dev = _dev(project)
    row = int(dev.index[np.argmax(np.abs(dev["signal"].to_numpy()))])  # a clear-cut row
    events = []
    why = explain_example(project, row, progress=events.append)
    assert sorted(p.name for p in why.parts) == ["colour", "noise", "signal"]  # colour once
    assert why.parts[0].name == "signal" and why.parts[0].effect > 0.2
    assert all(abs(p.effect) < why.parts[0].effect / 3 for p in why.parts[1:])
    assert why.row == row and why.answer in ("yes", "no") and why.truth in ("yes", "no")
    assert "signal" in why.lines[1 if why.truth == why.answer else 2]
    assert any(isinstance(e, Progress) for e in events)
    # Kept beside the run and read back whole.
    assert load_why(open_project(project.root), row) == why
    assert WhyExample.from_dict(why.to_dict()) == why


def test_only_dev_rows_are_explained_and_cancel_stops(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.normal(size=200), "label": rng.choice(["a", "b"], 200)})
    project = _trained(tmp_path, frame, "label", model="majority")
    train_row = int(split_rows(project)["train"]["rows"][0])
    with pytest.raises(ProjectError, match="not one of the dev rows"):
        explain_example(project, train_row)
    with pytest.raises(ProjectError, match="not one of the dev rows"):
        explain_example(project, 10_000)
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        explain_example(project, int(_dev(project).index[0]), cancel=token)


def test_removing_the_decisive_word_is_named_first(tmp_path):
    rng = np.random.default_rng(3)
    filler = ["the", "item", "was", "and", "it", "came", "box", "today"]
    texts, labels = [], []
    for _ in range(300):
        words = list(rng.choice(filler, 6))
        label = rng.choice(["refund", "other"])
        if label == "refund":
            words.insert(int(rng.integers(0, 6)), "refund")
        texts.append(" ".join(words))
        labels.append(label)
    project = _trained(tmp_path, pd.DataFrame({"message": texts, "topic": labels}), "topic",
                       data_kind="text", text_column="message")
    dev = _dev(project)
    row = int(dev.index[dev["topic"].to_numpy() == "refund"][0])
    why = explain_example(project, row)
    assert why.answer == "refund"
    assert why.parts[0].name == "refund" and why.parts[0].part == "word"
    assert "the word 'refund'" in why.lines[1]
    # The text comes back cut into pieces, the decisive word weighing the most.
    assert "".join(s for s, _ in why.segments) == dev.loc[row, "message"]
    weights = {s.lower(): w for s, w in why.segments if s.strip()}
    assert weights["refund"] == 1.0 and max(w for s, w in weights.items()
                                            if s != "refund") < 1.0


def _region_pictures(folder, rng, count=40, side=16):
    """``yes``: a bright square in the top-left quarter; ``no``: the square elsewhere."""
    from PIL import Image

    for label in ("yes", "no"):
        (folder / label).mkdir(parents=True)
        for i in range(count):
            pixels = rng.normal(70, 20, (side, side))
            half = side // 2
            if label == "yes":
                top, left = rng.integers(0, half - 4, 2)
            else:
                quarter = rng.integers(1, 4)
                top = rng.integers(0, half - 4) + half * (quarter // 2)
                left = rng.integers(0, half - 4) + half * (quarter % 2)
            pixels[top:top + 4, left:left + 4] = 235
            Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L").save(
                folder / label / f"{i}.png")


def test_the_map_lies_on_the_region_that_decides(tmp_path):
    rng = np.random.default_rng(0)
    pics = tmp_path / "pics"
    _region_pictures(pics, rng)
    project = _trained(tmp_path / "a", None, None, model="cnn", data=pics,
                       params={"epochs": 25, "filters": 8, "blocks": 1, "width": 16,
                               "learning_rate": 0.01, "patience": 25})
    dev = _dev(project)
    yes_rows = [int(r) for r in dev.index if str(dev.loc[r, "file"]).startswith("yes")]
    inside, outside = [], []
    for row in yes_rows[:4]:
        why = explain_example(project, row)
        heat = np.asarray(why.heat)
        assert heat.shape == (16, 16) and heat.min() >= 0 and heat.max() <= 1
        inside.append(heat[:8, :8].mean())
        outside.append((heat.sum() - heat[:8, :8].sum()) / (heat.size - 64))
        assert why.overlay.endswith(f"row-{row}.png")
    assert np.mean(inside) > 2 * np.mean(outside)
    assert why.parts[0].part == "area" and any("picture" in line for line in why.lines)


def test_sequences_name_channels_and_windows(tmp_path):
    rng = np.random.default_rng(1)
    rows = []
    for sid in range(60):
        label = "up" if sid % 2 else "down"
        for t in range(16):
            rows.append({"series": f"s{sid}", "t": t, "label": label,
                         "a": t * (0.3 if label == "up" else -0.3) + rng.normal(0, 0.5),
                         "b": rng.normal()})
    project = _trained(tmp_path, pd.DataFrame(rows), "label", data_kind="sequence",
                       sequence={"format": "long", "id": "series", "time": "t",
                                 "values": ["a", "b"]})
    why = explain_example(project, int(_dev(project).index[0]))
    parts = [p.part for p in why.parts]
    assert parts.count("channel") == 2 and parts.count("window") == 8
    assert why.parts[0].name == "a"


def test_regression_names_what_moved_the_value(tmp_path):
    rng = np.random.default_rng(2)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "noise": rng.normal(size=n), "y": 5 * x + rng.normal(0, .1, n)})
    project = _trained(tmp_path, frame, "y")
    dev = _dev(project)
    row = int(dev.index[np.argmax(np.abs(dev["x"].to_numpy()))])
    why = explain_example(project, row)
    assert why.task == "regression" and why.parts[0].name == "x"
    assert "would predict" in why.lines[-1] or "would predict" in why.lines[2]


def test_the_run_decision_rule_sets_the_answer_and_the_confidence(tmp_path):
    from engine.project.parts.decision_rule import CalibrationFit, DecisionRule, ThresholdChoice

    rng = np.random.default_rng(4)
    n = 300
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "label": np.where(signal > 0, "yes", "no")})
    project = _trained(tmp_path, frame, "label")
    dev = _dev(project)
    row = int(dev.index[np.argmin(np.abs(dev["signal"].to_numpy() - 0.3))])  # leans "yes"
    plain = explain_example(project, row)
    assert plain.answer == "yes"
    # A threshold that asks near-certainty for "yes" (or almost none for "no") turns the
    # answer to "no"; a temperature of 3 softens the confidence toward one half.
    p_yes = plain.score
    threshold = 0.999 if project.goal.positive_label == "yes" else 0.001
    project.decision_rule = DecisionRule(
        project.chosen_run, calibration=CalibrationFit("temperature", {"temperature": 3.0}),
        threshold=ThresholdChoice(threshold, "manual"))
    project.save()
    ruled = explain_example(open_project(project.root), row)
    assert ruled.answer == "no" and abs(ruled.score - 0.5) < abs((1 - p_yes) - 0.5)
    # "signal" leans toward "yes": against this answer, so it comes last, said in words.
    assert ruled.parts[-1].name == "signal" and ruled.parts[-1].effect < 0
    assert any("Not every input" in line and "signal" in line for line in ruled.lines)
