"""Error analysis: the stratified sample, the regression path, confusion cells, staleness."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, mean_absolute_error

from engine.split.datasets import split_frame
from engine.diagnosis.error_analysis import (MAX_EXAMPLES, allocate, analyse_errors, analysis_state,
                                   case_lookup, cell_examples, stratified_sample, worst_errors)
from engine.core.errors import ProjectError
from engine.goal.step import GoalChoice, new_project
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import Project, open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training


def trained(folder: Path, frame: pd.DataFrame, target: str | None, model: str = "linear",
            **choice) -> Project:
    """A split project on ``frame`` with one run of ``model``, chosen for diagnosis."""
    data = folder / "data.csv"
    folder.mkdir(parents=True, exist_ok=True)
    if frame is not None:
        frame.to_csv(data, index=False)
    project = new_project(folder / "proj", GoalChoice(data=str(choice.pop("data", data)),
                                                      target=target, **choice))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), model))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    return project


def noisy_classes(n=1000, seed=0) -> pd.DataFrame:
    """Four unequal classes that the features barely predict: many mistakes of each."""
    rng = np.random.default_rng(seed)
    y = rng.choice(["ant", "bee", "cat", "dog"], n, p=[0.5, 0.25, 0.17, 0.08])
    return pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n),
                         "tag": rng.choice(["p", "q"], n), "kind": y})


def scores_of(project: Project) -> tuple[pd.DataFrame, np.ndarray]:
    """The dev rows and the chosen model's predicted labels, recomputed here."""
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    run = project.run(project.chosen_run)
    scores = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(dev))
    return dev, scores


def test_allocate_is_proportional_with_one_per_class_at_least():
    assert allocate([50, 30, 0, 1], limit=10).tolist() == [5, 4, 0, 1]
    assert allocate([3, 4], limit=100).tolist() == [3, 4]  # few mistakes: take them all
    assert allocate([200, 100, 100], limit=100).tolist() == [50, 25, 25]
    many = allocate([5] * 120, limit=100)
    assert many.sum() == 100 and set(many.tolist()) == {0, 1}


def test_stratified_sample_represents_every_class_and_is_seeded():
    groups = ["a"] * 300 + ["b"] * 80 + ["c"] * 2 + ["d"] * 1
    picked = stratified_sample(groups, 100, seed=4)
    assert len(picked) == 100 and len(set(picked.tolist())) == 100
    chosen = pd.Series(np.array(groups)[picked]).value_counts().to_dict()
    # One each first; the other 96 go by the remaining 299:79:1:0 -> 75.7, 20.0, 0.25, 0:
    # floors 75 + 20, and the largest remainder (a, .74) gets the last one.
    assert chosen == {"a": 77, "b": 21, "c": 1, "d": 1}
    assert stratified_sample(groups, 100, seed=4).tolist() == picked.tolist()
    assert stratified_sample(groups, 100, seed=5).tolist() != picked.tolist()


def test_worst_errors_are_the_largest_tenth_capped():
    errors = np.array([0.1, 5.0, 0.3, 2.0, 0.0, 1.0, 0.2, 0.4, 0.5, 0.6, 0.7])
    assert worst_errors(errors).tolist() == [1, 3]  # ceil(10% of 11) = 2
    assert len(worst_errors(np.arange(5000.0))) == MAX_EXAMPLES
    assert worst_errors(np.array([3.0])).tolist() == [0]


def test_classification_sample_confusion_cells_and_confident_mistakes(tmp_path):
    project = trained(tmp_path, noisy_classes(), "kind")
    analysis = analyse_errors(project, seed=1)
    dev, scores = scores_of(project)
    labels = project.goal.labels
    predicted = np.array(labels, dtype=object)[scores.argmax(axis=1)]
    truth = dev["kind"].astype(str).to_numpy()
    wrong = dev.index[truth != predicted].tolist()
    assert analysis.mistakes == len(wrong) > MAX_EXAMPLES
    assert list(analysis.mistake_rows) == sorted(wrong)
    assert analysis.dev_error == pytest.approx(len(wrong) / len(dev))

    examples = analysis.examples
    assert len(examples) == MAX_EXAMPLES
    rows = [e.row for e in examples]
    assert len(set(rows)) == len(rows) and set(rows) <= set(wrong)
    by_class = pd.Series([e.true for e in examples]).value_counts()
    mistakes_by_class = pd.Series(truth[truth != predicted]).value_counts()
    assert set(by_class.index) == set(mistakes_by_class.index)  # every class is there
    expected = allocate(mistakes_by_class.to_numpy(), MAX_EXAMPLES)
    assert by_class[mistakes_by_class.index].tolist() == expected.tolist()
    for e in examples:
        k = dev.index.get_loc(e.row)
        assert e.true == truth[k] and e.predicted == predicted[k]
        assert e.confidence == pytest.approx(scores[k].max())
        assert e.p_true == pytest.approx(scores[k, labels.index(truth[k])])
        assert set(e.values) == {"x", "z", "tag"} and e.image is None

    confident = analysis.confident
    top = sorted((scores[dev.index.get_loc(r)].max() for r in wrong), reverse=True)[:10]
    assert [c.confidence for c in confident] == pytest.approx(top)

    confusion = analysis.confusion
    assert [list(r) for r in confusion.matrix] == confusion_matrix(
        truth, predicted, labels=labels).tolist()
    for key, cell_rows in confusion.cells.items():
        i, j = map(int, key.split(","))
        assert len(cell_rows) == min(confusion.matrix[i][j], 100)
        for row in cell_rows:
            k = dev.index.get_loc(row)
            assert (truth[k], predicted[k]) == (labels[i], labels[j])
    i, j = next(tuple(map(int, k.split(","))) for k, v in confusion.cells.items()
                if k[0] != k[-1] and v)
    shown = cell_examples(analysis, i, j)
    assert [c.row for c in shown] and all(
        (c.true, c.predicted) == (labels[i], labels[j]) for c in shown)
    assert set(case_lookup(analysis)) >= set(rows)

    assert open_project(project.root).error_analysis.run == project.chosen_run  # saved
    assert analyse_errors(project, seed=1).examples == examples  # same seed, same sample


def test_regression_keeps_the_largest_errors(tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    x = rng.normal(size=n)
    frame = pd.DataFrame({"x": x, "w": rng.normal(size=n),
                          "y": 3 * x + rng.standard_t(2, n)})
    project = trained(tmp_path, frame, "y")
    analysis = analyse_errors(project)
    dev, predicted = scores_of(project)
    truth = dev["y"].to_numpy()
    errors = np.abs(predicted - truth)
    k = math.ceil(0.1 * len(dev))
    assert analysis.mistakes == k == len(analysis.examples)
    assert [e.row for e in analysis.examples] == dev.index[np.argsort(-errors)[:k]].tolist()
    assert analysis.dev_error == pytest.approx(mean_absolute_error(truth, predicted))
    assert analysis.mistakes_error == pytest.approx(np.sort(errors)[-k:].sum() / len(dev))
    first = analysis.examples[0]
    assert first.error == pytest.approx(first.predicted - first.true)
    assert first.confidence is None and analysis.confusion is None
    assert analysis.suspects == () and analysis.suspect_check.notes


def test_no_chosen_run_is_a_plain_error_and_another_choice_makes_it_stale(tmp_path, split_project):
    with pytest.raises(ProjectError):
        analyse_errors(split_project)
    project = trained(tmp_path / "mine", noisy_classes(200), "kind")
    assert analysis_state(project) == "missing"
    analyse_errors(project)
    assert analysis_state(project) == "current"
    other = run_training(TrainingSpec(str(project.root), "majority"))
    project = open_project(project.root)
    project.chosen_run = other.run_id
    assert analysis_state(project) == "stale"


def test_images_show_their_file_and_texts_their_text(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    pics = tmp_path / "pics"
    for label, bright in (("dark", 90), ("light", 160)):
        (pics / label).mkdir(parents=True)
        for i in range(20):
            pixels = np.clip(rng.normal(bright, 60, (8, 8)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(pics / label / f"{i}.png")
    project = trained(tmp_path / "a", None, None, model="majority", data=pics)
    analysis = analyse_errors(project)
    assert analysis.mistakes > 0
    for e in analysis.examples:
        assert Path(e.image).is_file()
        assert Path(e.image).parent.name == e.true

    words = ["fine", "great", "awful", "sad", "late"]
    texts = pd.DataFrame({"review": [" ".join(rng.choice(words, 5)) for _ in range(80)],
                          "mood": rng.choice(["good", "bad"], 80)})
    project = trained(tmp_path / "b", texts, "mood", model="majority", data_kind="text",
                      text_column="review")
    analysis = analyse_errors(project)
    source = pd.read_csv(tmp_path / "b" / "data.csv")
    for e in analysis.examples:
        assert e.text == source.loc[e.row, "review"]
        assert e.true == source.loc[e.row, "mood"]


def test_the_job_reports_stages_and_stops_when_cancelled(tmp_path):
    from engine.core.errors import JobCancelled
    from engine.app.job_catalog import run_request
    from engine.diagnosis.requests import ErrorAnalysisRequest
    from engine.core.jobs import NEVER, CancelToken, StageStarted

    project = trained(tmp_path, noisy_classes(200), "kind")
    project.save()
    events = []
    result = run_request(ErrorAnalysisRequest(project=str(project.root)), events.append,
                         NEVER).to_dict()
    saved = open_project(project.root).error_analysis
    assert result == {"run": project.chosen_run, "mistakes": saved.mistakes,
                      "examples": len(saved.examples)}
    assert [e.stage for e in events if isinstance(e, StageStarted)] == ["predict",
                                                                        "label_check"]
    token = CancelToken()
    token.cancel()
    with pytest.raises(JobCancelled):
        analyse_errors(open_project(project.root), cancel=token)
