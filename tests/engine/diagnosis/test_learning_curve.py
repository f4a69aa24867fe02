"""Learning curves: nested stratified subsets, fits that reuse the run's configuration,
codings fitted on each subset only, the saved record, cancel."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

import engine.diagnosis.learning_curve_fit as curve_fit
from engine.split.datasets import split_frame, target_values
from engine.diagnosis.step import diagnose_project
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import CancelToken, Progress
from engine.diagnosis.learning_curve import draw_learning_curve, nested_subsets, strata
from engine.diagnosis.learning_curve_view import curve_is_current, curve_rows, curve_series
from engine.kinds.preprocess import fit_preprocessor
from engine.project.project import open_project
from engine.training.job import TrainingSpec, run_training


def _chosen(project, model, params=None):
    result = run_training(TrainingSpec(str(project.root), model, params or {}))
    project = open_project(project.root)
    diagnose_project(project, result.run_id)
    return open_project(project.root), result.run_id


def test_subsets_are_nested_stratified_and_drawn_by_the_seed():
    groups = np.array(["a"] * 60 + ["b"] * 30 + ["c"] * 10)
    sizes = (0.1, 0.25, 0.5, 1.0)
    subsets = nested_subsets(groups, sizes, seed=4)
    for small, large in zip(subsets, subsets[1:]):
        assert set(small) < set(large)
    assert list(subsets[-1]) == list(range(100))
    for size, rows in zip(sizes, subsets):
        counts = pd.Series(groups[rows]).value_counts().to_dict()
        assert counts == {g: max(1, round(size * n)) for g, n in
                          (("a", 60), ("b", 30), ("c", 10))}
    again = nested_subsets(groups, sizes, seed=4)
    other = nested_subsets(groups, sizes, seed=5)
    assert all(np.array_equal(x, y) for x, y in zip(subsets, again))
    assert not np.array_equal(subsets[1], other[1])


def test_a_numeric_target_is_stratified_by_quantile_bins():
    y = pd.Series(np.arange(100.0)[::-1])
    bins = strata(y, "regression")
    assert sorted(pd.Series(bins).value_counts()) == [20] * 5
    rows = nested_subsets(bins, (0.1,), seed=0)[0]
    # Two rows from each fifth of the values: the subset spans the whole range.
    assert sorted(pd.Series(bins[rows]).value_counts()) == [2] * 5


def test_linear_baseline_curve_matches_hand_fits(split_project, monkeypatch):
    project, run_id = _chosen(split_project, "linear")
    run = project.run(run_id)
    fitted_on = []
    real_fit = curve_fit.fit_inputs

    def spy(project_, train, y_train):
        fitted_on.append(train.index.tolist())
        return real_fit(project_, train, y_train)

    monkeypatch.setattr(curve_fit, "fit_inputs", spy)
    events = []
    curve = draw_learning_curve(project, sizes=(0.5, 1.0), seeds=2, progress=events.append)

    assert [(p.fraction, p.seed) for p in curve.points] == [
        (0.5, 0), (0.5, 1), (1.0, 0), (1.0, 1)]
    # The full-size fit is the run itself: same coding, same model, same errors.
    for point in curve.points[2:]:
        assert point.train_error == pytest.approx(run.errors["train"])
        assert point.dev_error == pytest.approx(run.errors["dev"])
    # A half-size fit, redone by hand: coding fitted on the subset only, then scikit-learn.
    train, dev = split_frame(project, "train"), split_frame(project, "dev")
    half = train.loc[fitted_on[0]]
    assert len(half) == curve.points[0].rows < len(train)
    assert fitted_on[2] == train.index.tolist()
    y_half = target_values(project, half)
    prep = fit_preprocessor(half, project.features, "binary",
                            labels=project.goal.labels, y_train=y_half)
    model = LogisticRegression(max_iter=1000, random_state=0).fit(
        prep.flat(prep.transform(half)), prep.encode_target(y_half))
    labels = np.array(project.goal.labels)
    for rows, y, key in ((half, y_half, "train_error"),
                         (dev, target_values(project, dev), "dev_error")):
        predicted = labels[model.predict(prep.flat(prep.transform(rows)))]
        assert getattr(curve.points[0], key) == pytest.approx(1 - accuracy_score(y, predicted))
    # Means and spreads per size come from the engine, with numpy's definitions.
    half_devs = [p.dev_error for p in curve.points[:2]]
    assert curve.summary[0].dev_mean == pytest.approx(np.mean(half_devs))
    assert curve.summary[0].dev_std == pytest.approx(np.std(half_devs, ddof=1))
    # Saved, logged, and no run was added.
    saved = open_project(project.root)
    assert saved.learning_curve.run == run_id and saved.learning_curve.answer
    assert json.loads(json.dumps(saved.learning_curve.to_dict())) == saved.learning_curve.to_dict()
    assert [r.id for r in saved.runs] == [r.id for r in project.runs]
    assert saved.decisions[-1].kind == "learning_curve"
    assert curve_is_current(saved)
    dones = [e.done for e in events if isinstance(e, Progress)]
    assert dones == sorted(dones) and dones[-1] == 4
    assert len(curve_rows(curve)) == 2 and curve_rows(curve)[1][0] == "100%"


def test_keras_curve_trains_each_size_and_seed(split_project):
    project, run_id = _chosen(split_project, "mlp", {"epochs": 2, "width": 8})
    curve = draw_learning_curve(project, sizes=(0.25, 1.0), seeds=2, max_epochs=1)
    points = curve.points
    assert len(points) == 4 and {p.epochs for p in points} == {1}
    assert all(0.0 <= getattr(p, k) <= 1.0 for p in points for k in ("train_error", "dev_error"))
    assert points[0].rows < points[2].rows == project.split.sizes["train"]
    series = curve_series(curve)
    assert series.percent and list(series.rows) == [points[0].rows, points[2].rows]
    assert series.dev[1] == pytest.approx(50 * (points[2].dev_error
                                                + points[3].dev_error))
    assert curve.verdict in ("yes", "little", "noisy", "no_bias", "flat_gap", "reached")


def test_cancel_within_a_fit_stops_and_saves_nothing(split_project):
    project, _ = _chosen(split_project, "mlp", {"epochs": 2, "width": 8, "batch_size": 8})
    token = CancelToken()
    seen = []

    def progress(event):
        seen.append(event)
        if isinstance(event, Progress) and 0 < event.done < 1:
            token.cancel()  # after the first epoch of the first fit

    with pytest.raises(JobCancelled):
        draw_learning_curve(project, sizes=(0.5, 1.0), seeds=2, progress=progress,
                            cancel=token)
    fractions = [e.done for e in seen if isinstance(e, Progress)]
    assert max(fractions) == pytest.approx(0.5)  # stopped after epoch 1 of 2 of the first fit
    assert open_project(project.root).learning_curve is None


def test_plain_errors_for_bad_settings_and_no_chosen_model(split_project):
    with pytest.raises(ProjectError, match="error ladder"):
        draw_learning_curve(split_project)
    project, _ = _chosen(split_project, "majority")
    for kwargs in ({"sizes": (0.0, 1.0)}, {"sizes": (0.5, 1.5)}, {"sizes": ("half",)},
                   {"seeds": 0}, {"seeds": 11}, {"max_epochs": 0}):
        with pytest.raises(ProjectError):
            draw_learning_curve(project, **kwargs)


def test_a_curve_is_out_of_date_once_another_model_is_chosen(split_project):
    project, _ = _chosen(split_project, "majority")
    curve = draw_learning_curve(project, sizes=(0.5, 1.0), seeds=1)
    assert curve.verdict in ("no_bias", "reached", "flat_gap")  # a constant learns nothing
    other = run_training(TrainingSpec(str(project.root), "linear"))
    project = open_project(project.root)
    diagnose_project(project, other.run_id)
    assert not curve_is_current(open_project(project.root))


def test_a_regression_curve_is_judged_in_the_targets_units(tmp_path, mixed_csv):
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    project = new_project(tmp_path / "ages", GoalChoice(data=str(mixed_csv), target="age"))
    assert project.goal.task == "regression"
    split_project(project, seed=1)
    project, run_id = _chosen(project, "linear")
    curve = draw_learning_curve(project, sizes=(0.5, 1.0), seeds=2)
    run = project.run(run_id)
    full = [p for p in curve.points if p.fraction == 1.0]
    assert all(p.dev_error == pytest.approx(run.errors["dev"]) for p in full)
    assert curve.numbers["step"] > 0.01  # 1% of the spread of ages, not 1 point
    assert "%" not in curve.answer and "points" not in curve.answer
    assert not curve_series(curve).percent


def test_kfold_curve_gives_one_error_per_fold_and_size_and_reads_no_test_row(
        split_project, monkeypatch, capsys):
    import engine.diagnosis.kfold as kfold
    import engine.diagnosis.learning_curve as learning_curve
    from engine.cli.main import main as cli_main
    from engine.core.texts import text
    from engine.diagnosis.learning_curve_view import curve_note

    project, run_id = _chosen(split_project, "linear")
    asked, fits = [], []
    real_split_frame, real_fit = kfold.split_frame, learning_curve.fit_point

    def spy(project_, name):
        asked.append(name)
        return real_split_frame(project_, name)

    def record(project_, kind, params, train, y_train, held, y_held, *rest):
        fits.append((len(train), held.index.size, tuple(held["age"])))
        return real_fit(project_, kind, params, train, y_train, held, y_held, *rest)

    monkeypatch.setattr(kfold, "split_frame", spy)
    monkeypatch.setattr(learning_curve, "fit_point", record)
    curve = draw_learning_curve(project, sizes=(0.5, 1.0), folds=3)
    assert "test" not in asked and len(fits) == 6
    assert curve.folds == 3 and curve.seeds == 3
    for fraction in (0.5, 1.0):  # K values per size, one per fold
        at = [p for p in curve.points if p.fraction == fraction]
        assert sorted(p.seed for p in at) == [0, 1, 2]
        summary = next(s for s in curve.summary if s.fraction == fraction)
        assert summary.seeds == 3
        assert summary.dev_mean == pytest.approx(np.mean([p.dev_error for p in at]))
        assert summary.dev_std == pytest.approx(np.std([p.dev_error for p in at], ddof=1))
    # At full size each fit trains on the other two folds and is scored on the third:
    # the three held-out folds together are the 128 non-test rows, each once.
    full = fits[3:]
    assert sum(n for _, n, _ in full) == 128
    assert all(train + held == 128 for train, held, _ in full)
    assert all(half < full_train for (half, _, _), (full_train, _, _) in zip(fits[:3], full))
    assert curve.points[0].rows < curve.points[3].rows
    saved = open_project(project.root).learning_curve
    assert saved.folds == 3 and saved == curve
    assert "3 folds" in curve_note(curve) and curve_note(replace_folds(curve)) == ""

    monkeypatch.undo()
    assert cli_main(["learning-curve", str(project.root), "--kfold", "3", "--sizes",
                     "0.5,1"]) == 0
    out = capsys.readouterr().out
    assert text("cli.learning_curve.header_kfold", label=project.run(run_id).label,
                folds=3) in out
    assert curve_note(open_project(project.root).learning_curve) in out
    assert cli_main(["learning-curve", str(project.root), "--kfold", "1"]) == 2


def replace_folds(curve):
    from dataclasses import replace

    return replace(curve, folds=0)
