"""Calibration: a deliberately over-confident model gets honest probabilities on rows the
map was not fitted on; temperature keeps the answer; cross-fitting never measures a row
with a map fitted on it; the rule is stored, logged and guarded by the vault."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from engine.core.errors import ProjectError
from engine.decision import calibration_maps
from engine.decision.calibration import calibrate_run, calibration_lines, dev_scores
from engine.decision.calibration_maps import apply, cross_fitted, fit_params, folds
from engine.decision.reliability import expected_calibration_error, log_loss
from engine.goal.decision import calibrated
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import CalibrationFit, DecisionRule, ThresholdChoice
from engine.project.project import open_project

from tests.engine.decision.overconfident import (SHARPEN, overconfident_frame, sharpen_linear,
                                                 sharpen_network, softmax, trained_project)


def _honest_and_sharpened(n, classes, seed=0):
    """Labels drawn from honest probabilities, and the same logits sharpened."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.2, size=(n, classes))
    honest = softmax(logits)
    y = np.array([rng.choice(classes, p=p) for p in honest])
    return honest, softmax(SHARPEN * logits), y


# ----- the maps, on scores sharpened on purpose
@pytest.mark.parametrize("method,classes", [("temperature", 3), ("temperature", 2),
                                            ("platt", 2), ("isotonic", 2)])
def test_each_map_lowers_the_error_of_sharpened_scores_on_rows_it_was_not_fitted_on(
        method, classes):
    honest, sharp, y = _honest_and_sharpened(4000, classes)
    fit_rows, held = slice(0, 2000), slice(2000, None)
    params = fit_params(method, sharp[fit_rows], y[fit_rows])
    after = apply(method, params, sharp[held])
    before = expected_calibration_error(sharp[held], y[held])
    assert before > 0.1
    assert expected_calibration_error(after, y[held]) < before / 3
    assert log_loss(after, y[held]) < log_loss(sharp[held], y[held])
    # Close to what the honest probabilities achieve on the same rows.
    assert expected_calibration_error(after, y[held]) < \
        expected_calibration_error(honest[held], y[held]) + 0.03
    if method == "temperature":
        assert params["temperature"] == pytest.approx(SHARPEN, rel=0.15)


def test_temperature_keeps_the_most_likely_class_and_softens_only():
    _, sharp, y = _honest_and_sharpened(1500, 5, seed=1)
    after = apply("temperature", fit_params("temperature", sharp, y), sharp)
    assert (after.argmax(axis=1) == sharp.argmax(axis=1)).all()
    assert after.max(axis=1).mean() < sharp.max(axis=1).mean()
    np.testing.assert_allclose(after.sum(axis=1), 1.0)


def test_the_stored_parameters_mean_the_same_in_engine_goal_decision():
    _, sharp, y = _honest_and_sharpened(800, 2, seed=2)
    for method in ("temperature", "platt", "isotonic"):
        params = json.loads(json.dumps(fit_params(method, sharp, y)))  # as saved
        np.testing.assert_allclose(calibrated(sharp, CalibrationFit(method, params)),
                                   apply(method, params, sharp))


# ----- cross-fitting
def test_cross_fitting_never_measures_a_row_with_a_map_fitted_on_it(monkeypatch):
    _, sharp, y = _honest_and_sharpened(300, 2, seed=3)
    # Each row's scores are unique, so a row is known by its scores.
    fitted_on, measured = [], []
    real_fit, real_apply = calibration_maps.fit_params, calibration_maps.apply

    def spy_fit(method, scores, y_fit):
        fitted_on.append({tuple(r) for r in scores})
        return real_fit(method, scores, y_fit)

    def spy_apply(method, params, scores):
        measured.append({tuple(r) for r in scores})
        return real_apply(method, params, scores)

    monkeypatch.setattr(calibration_maps, "fit_params", spy_fit)
    monkeypatch.setattr(calibration_maps, "apply", spy_apply)
    cross_fitted("platt", sharp, y, k=5)
    assert len(fitted_on) == len(measured) == 5
    for fit, measure in zip(fitted_on, measured):
        assert not fit & measure
    assert set().union(*measured) == {tuple(r) for r in sharp}


def test_cross_fitting_is_honest_where_fitting_on_the_same_rows_is_not():
    # Scores that say nothing about the labels: isotonic regression fitted on the very rows
    # it is measured on looks well calibrated; measured out of fold it does not.
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.95, 200)
    scores, y = np.column_stack([1 - p, p]), rng.integers(0, 2, 200)
    same_rows = apply("isotonic", fit_params("isotonic", scores, y), scores)
    out_of_fold = cross_fitted("isotonic", scores, y, k=5)
    assert expected_calibration_error(out_of_fold, y) > \
        expected_calibration_error(same_rows, y) + 0.05


def test_folds_cover_every_row_once_and_stratify_when_they_can():
    y = np.array([0] * 30 + [1] * 10)
    pairs = folds(y, k=5)
    measured = np.concatenate([m for _, m in pairs])
    assert sorted(measured.tolist()) == list(range(40))
    assert all(not set(f) & set(m) for f, m in pairs)
    assert all((y[m] == 1).sum() == 2 for _, m in pairs)


# ----- on a project
@pytest.fixture(scope="module")
def network_dir(tmp_path_factory):
    """A three-class project whose tiny MLP was made far too sure of itself."""
    folder = tmp_path_factory.mktemp("net")
    project = trained_project(folder, overconfident_frame(900, 3), "mlp",
                       {"epochs": 15, "width": 16, "telemetry": False})
    sharpen_network(project)
    return project.root


@pytest.fixture(scope="module")
def linear_dir(tmp_path_factory):
    """A yes/no project whose logistic regression was made far too sure of itself."""
    folder = tmp_path_factory.mktemp("lin")
    project = trained_project(folder, overconfident_frame(900, 2, seed=1), "linear")
    sharpen_linear(project)
    return project.root


def _copy(root, tmp_path):
    shutil.copytree(root, tmp_path / "p")
    return open_project(tmp_path / "p")


def _held_out(project):
    """Raw scores and true classes on the train-dev rows: neither trained on nor used for
    the calibration."""
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.split.datasets import split_frame, target_values
    from engine.training.predictor import load_predictor

    prep = load_preprocessor(project)
    frame = split_frame(project, "train_dev")
    run = project.run(project.chosen_run)
    scores = load_predictor(project.run_dir(run.id), run, prep).scores(prep.transform(frame))
    y = target_values(project, frame).map({l: i for i, l in enumerate(project.goal.labels)})
    return np.asarray(scores), y.to_numpy(dtype=int)


def test_an_over_confident_network_is_calibrated_by_temperature(network_dir, tmp_path):
    project = _copy(network_dir, tmp_path)
    result = calibrate_run(project, "auto")
    assert result.method == "temperature" and result.scheme == "cross_fit_5"
    assert result.params["temperature"] > 2
    assert result.ece_before > 0.1 and result.ece_after < result.ece_before / 2
    assert result.log_loss_after < result.log_loss_before
    # On rows used neither for training nor for the calibration, too; same answers.
    scores, y = _held_out(project)
    fit = project.decision_rule.calibration
    after = calibrated(scores, fit)
    assert expected_calibration_error(after, y) < expected_calibration_error(scores, y) / 2
    assert (after.argmax(axis=1) == scores.argmax(axis=1)).all()
    # Stored for the run, saved, logged.
    again = open_project(project.root)
    assert again.decision_rule.run == project.chosen_run
    assert again.decision_rule.calibration == fit and not again.decision_rule.after_test_seen
    assert fit.reliability_before and fit.reliability_after
    assert sum(n for _, _, n in fit.reliability_after) == fit.rows == result.rows
    assert again.decisions[-1].kind == "calibration"
    assert "temperature scaling" in again.decisions[-1].text
    assert any("cross-fitting" in line for line in calibration_lines(fit))
    with pytest.raises(ProjectError, match="yes/no"):
        calibrate_run(project, "platt")


def test_a_yes_no_baseline_auto_compares_platt_and_isotonic(linear_dir, tmp_path):
    project = _copy(linear_dir, tmp_path)
    result = calibrate_run(project, "auto")
    assert set(result.compared) == {"platt", "isotonic"}
    assert result.method == min(result.compared, key=result.compared.get)
    assert result.ece_after < result.ece_before / 2
    scores, y = _held_out(project)
    after = calibrated(scores, project.decision_rule.calibration)
    assert expected_calibration_error(after, y) < expected_calibration_error(scores, y)
    for method in ("platt", "isotonic", "temperature"):
        assert calibrate_run(project, method).ece_after < result.ece_before


def test_a_threshold_is_kept_and_marked_none_removes_and_the_vault_guards(linear_dir,
                                                                          tmp_path):
    project = _copy(linear_dir, tmp_path)
    run = project.chosen_run
    threshold = ThresholdChoice(0.3, "manual")
    project.decision_rule = DecisionRule(run, now_iso(), threshold=threshold)
    project.save()
    result = calibrate_run(project, "platt")
    assert result.threshold_kept == 0.3 and project.decision_rule.threshold == threshold
    entry = project.decisions[-1]
    assert entry.details["threshold_chosen_on_earlier_scores"] is True
    assert "choose it again" in entry.text

    removed = calibrate_run(project, "none")
    assert removed.removed and project.decision_rule.calibration is None
    assert project.decision_rule.threshold == threshold
    assert not calibrate_run(project, "none").removed  # nothing left to remove

    project.vault = project.vault.opened(now_iso())
    project.save()
    with pytest.raises(ProjectError, match="test set has already been seen"):
        calibrate_run(project, "platt")
    late = calibrate_run(project, "platt", new_experiment="a second model family")
    assert late.after_test_seen and open_project(project.root).decision_rule.after_test_seen
    assert "a second model family" in project.decisions[-1].text


def test_a_rule_of_another_run_is_replaced_and_dev_scores_are_dev_rows(linear_dir, tmp_path):
    project = _copy(linear_dir, tmp_path)
    project.decision_rule = DecisionRule("someone-else",
                                         threshold=ThresholdChoice(0.2, "manual"))
    result = calibrate_run(project, "isotonic")
    assert project.decision_rule.run == project.chosen_run
    assert project.decision_rule.threshold is None and result.threshold_kept is None
    scores, y = dev_scores(project, project.run(project.chosen_run), project.goal)
    assert len(y) == len(scores) == result.rows == project.split.sizes["dev"]
    with pytest.raises(ProjectError, match="no calibration method"):
        calibrate_run(project, "magic")
