"""Predicting new rows: the same preprocessing as in training, the model's own scores, the
abstain decision, unseen categories and missing values, checked columns, batches."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score

from engine.split.datasets import split_frame, target_values
from engine.core.errors import DataError, JobCancelled, ProjectError
from engine.goal.evaluation import to_predictions
from engine.goal.step import GoalChoice, new_project
from engine.core.jobs import CancelToken, Progress
from engine.training.predictor import load_predictor
from engine.use.prediction import predict_file, predict_new
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.final.reject_option import confidence_of
from engine.split.step import split_project
from engine.final.test_curves import reject_threshold
from engine.training.job import TrainingSpec, run_training
from engine.use.usable_model import load_usable
from tests.conftest import make_mixed_frame


def _project(folder, frame, target="bought", models=("mlp", "linear"), epochs=3, **choice):
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data.csv"
    frame.to_csv(data, index=False)
    project = new_project(folder / "proj", GoalChoice(data=str(data), target=target, **choice))
    split_project(project, seed=3)
    ids = [run_training(TrainingSpec(str(project.root), m,
                                     {"epochs": epochs, "width": 8} if m == "mlp" else {})).run_id
           for m in models]
    project = open_project(project.root)
    project.chosen_run = ids[0]
    project.save()
    return project, ids


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A table project (numbers, categories, gaps) with an MLP (chosen), a linear model and
    the majority class; the reject option asks for answers right 80% of the time (the MLP
    learns for 8 epochs: after 3, its surest answers reached 80% on TensorFlow's first
    weights but not on JAX's)."""
    root = tmp_path_factory.mktemp("predict")
    return _project(root, make_mixed_frame(n=300), models=("mlp", "linear", "majority"),
                    epochs=8, abstain_accuracy=0.8)


def own_scores(project, run_id, frame):
    """What the run's model says about ``frame`` through the training code path."""
    prep = load_preprocessor(project)
    run = project.run(run_id)
    return load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(frame))


@pytest.mark.parametrize("which", [0, 1])
def test_predictions_on_dev_rows_equal_the_models_own(trained, tmp_path, which):
    project, ids = trained
    dev = split_frame(project, "dev")
    path = tmp_path / "dev.csv"
    dev.to_csv(path, index=False)
    out = predict_file(project, path, run_id=ids[which])
    expected = own_scores(project, ids[which], dev)
    labels = np.array(project.goal.labels, dtype=object)
    assert len(out) == len(dev)
    # rows in their order, every column passed through (the target too)
    assert out["age"].tolist() == pytest.approx(dev["age"].tolist(), nan_ok=True)
    assert out["bought"].tolist() == dev["bought"].tolist()
    assert out["prediction"].tolist() == labels[expected.argmax(axis=1)].tolist()
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1), atol=1e-5)
    for i, label in enumerate(labels):
        np.testing.assert_allclose(out[f"probability {label}"], expected[:, i], atol=1e-5)
    # ... and they score what the run stored for its dev rows
    stored = project.run(ids[which]).metrics["dev"]["accuracy"]
    assert accuracy_score(target_values(project, dev), out["prediction"]) == \
        pytest.approx(stored)


def test_the_abstain_column_applies_the_threshold_chosen_on_dev(trained, tmp_path):
    project, ids = trained
    dev = split_frame(project, "dev")
    scores = own_scores(project, ids[0], dev)
    goal = project.goal
    threshold = reject_threshold(goal, to_predictions(goal, target_values(project, dev), scores))
    usable = load_usable(project)
    assert usable.reject_on and usable.threshold == pytest.approx(threshold)
    path = tmp_path / "dev.csv"
    dev.drop(columns=["bought"]).to_csv(path, index=False)
    predicted = predict_new(usable, path)
    refused = predicted.frame["abstain"].to_numpy()
    assert threshold is not None  # the MLP's surest dev answers reach 80%
    assert refused.tolist() == (confidence_of(scores) < threshold).tolist()
    assert 0 < predicted.abstained == int(refused.sum()) < len(dev)


def test_an_unreachable_accuracy_answers_every_row_and_says_why(trained, tmp_path):
    project, ids = trained
    usable = load_usable(project, run_id=ids[2])  # the majority class: one confidence
    assert usable.reject_on and usable.threshold is None
    assert "No confidence threshold reached" in usable.notes[0]
    path = tmp_path / "dev.csv"
    split_frame(project, "dev").to_csv(path, index=False)
    predicted = predict_new(usable, path)
    assert not predicted.frame["abstain"].any() and predicted.notes == usable.notes


def test_unseen_categories_and_missing_values_are_coded_as_in_training(trained, tmp_path):
    project, ids = trained
    prep = load_preprocessor(project)
    fills = {c.name: c.fill for c in prep.numeric}
    city = prep.categorical[0]
    rows = pd.DataFrame({
        "age": [35.0, np.nan, 50.0, 41.0, 28.0],
        "income": ["20000", "30000", "twelve", "", "inf"],  # text that is no number
        "city": ["Graz", "Lyon", "Oslo", None, "Porto"],   # Oslo: never seen in training
        "note": ["a", "b", "c", "d", "e"],                  # an extra column, kept
    })
    path = tmp_path / "new.csv"
    rows.to_csv(path, index=False)
    predicted = predict_new(load_usable(project), path)
    out = predicted.frame
    assert out["note"].tolist() == ["a", "b", "c", "d", "e"]
    assert any("income" in n and "(1, such as 'twelve')" in n for n in predicted.notes)
    assert any("city" in n and "(1 rows: Oslo)" in n for n in predicted.notes)
    assert out["prediction"].notna().all() and np.isfinite(out["confidence"]).all()

    # The same rows written the way the training coding sees them, coded by hand.
    def coded(age, income, city_value):
        numbers = [(v - c.mean) / c.scale for v, c in zip((age, income), prep.numeric)]
        onehot = [1.0 if city_value == cat else 0.0 for cat in city.categories]
        return numbers + onehot

    X = np.array([
        coded(35.0, 20000.0, "Graz"),
        coded(fills["age"], 30000.0, "Lyon"),
        coded(50.0, fills["income"], "none of them"),     # unseen city: all zeros
        coded(41.0, fills["income"], city.fill),          # missing city: most frequent
        coded(28.0, fills["income"], "Porto"),            # infinite income: the median
    ], dtype=np.float32)
    run = project.run(ids[0])
    model = load_predictor(project.run_dir(run.id), run, prep).model
    expected = np.asarray(model.predict_on_batch(X))
    np.testing.assert_allclose(out["confidence"], expected.max(axis=1), atol=1e-5)


def test_whole_number_categories_read_as_decimals_still_match(tmp_path):
    rng = np.random.default_rng(4)
    n = 120
    code = rng.choice(["1", "2", "x"], n)
    frame = pd.DataFrame({"v": rng.normal(size=n), "code": code,
                          "y": np.where(code == "2", "b", "a")})
    project, ids = _project(tmp_path, frame, target="y", models=("linear",))
    new = pd.DataFrame({"v": [0.1, 0.2, 0.3], "code": [1.0, 2.0, np.nan]})  # read as floats
    path = tmp_path / "new.csv"
    new.to_csv(path, index=False)
    out = predict_file(project, path)
    same = pd.DataFrame({"v": [0.1, 0.2, 0.3], "code": ["1", "2", None]})
    np.testing.assert_allclose(out["confidence"],
                               own_scores(project, ids[0], same).max(axis=1), atol=1e-9)


def test_a_missing_input_column_is_named(trained, tmp_path):
    project, _ = trained
    path = tmp_path / "new.csv"
    pd.DataFrame({"age": [30], "city": ["Graz"]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="no column 'income'"):
        predict_file(project, path)
    pd.DataFrame({"age": [30]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="'income', 'city'"):
        predict_file(project, path)


def test_the_projects_own_file_loses_its_test_rows_while_the_vault_is_closed(trained):
    project, _ = trained
    predicted = predict_new(load_usable(project), project.source("main").path)
    test = project.split.sizes["test"]
    assert predicted.rows == 300 - test
    assert any(f"{test} of the 300 examples" in n for n in predicted.notes)


def test_no_chosen_model_and_an_old_split_are_plain_errors(trained, tmp_path):
    project, ids = trained
    blank = open_project(project.root)
    blank.chosen_run = None
    with pytest.raises(ProjectError, match="no chosen model"):
        load_usable(blank)
    path = tmp_path / "x.csv"
    pd.DataFrame({"age": [1.0], "income": [2.0], "city": ["Graz"]}).to_csv(path, index=False)
    moved = open_project(project.root)
    moved.split = replace(moved.split, seed=99)  # the split the runs were trained on is gone
    with pytest.raises(ProjectError, match="earlier split"):
        predict_file(moved, path)


def test_large_files_go_in_batches_with_progress_and_cancel(trained, tmp_path):
    project, ids = trained
    big = make_mixed_frame(n=2500, seed=9).drop(columns=["bought"])
    path = tmp_path / "big.csv"
    big.to_csv(path, index=False)
    events = []
    out = predict_file(project, path, progress=events.append)
    steps = [e for e in events if isinstance(e, Progress)]
    assert steps[0].done == 0 and steps[-1].done == steps[-1].total == 2500
    assert [e.done for e in steps] == sorted(e.done for e in steps)
    np.testing.assert_allclose(out["confidence"],
                               own_scores(project, ids[0], big).max(axis=1), atol=1e-5)
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        predict_file(project, path, cancel=token)


def test_a_regression_gives_values_in_the_targets_units(tmp_path):
    rng = np.random.default_rng(5)
    n = 150
    frame = pd.DataFrame({"rooms": rng.integers(1, 6, n).astype(float),
                          "town": rng.choice(["a", "b"], n)})
    frame["price"] = 100 + 30 * frame["rooms"] + (frame["town"] == "b") * 20 + rng.normal(0, 5, n)
    project, ids = _project(tmp_path, frame, target="price")
    dev = split_frame(project, "dev")
    path = tmp_path / "dev.csv"
    dev.drop(columns=["price"]).to_csv(path, index=False)
    out = predict_file(project, path)
    assert "confidence" not in out.columns and "abstain" not in out.columns
    np.testing.assert_allclose(out["prediction"], own_scores(project, ids[0], dev), rtol=1e-5)
    assert out["prediction"].between(50, 400).all()  # the target's units, not standardized
