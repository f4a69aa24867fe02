"""Target leakage: copies and recodings of the target are blockers, a column that predicts
it almost perfectly is a warning, a strong but imperfect one is left alone."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.tree import DecisionTreeRegressor

from engine.split.step import split_project
from engine.app.steps import DONE, READY, step_states
from engine.split.target_leakage import POWER_WARN, column_powers, leakage_findings
from tests.engine.split.split_check_data import by_code, codes, project_from, table


def _powers(frame, y, task="binary"):
    return {p.column: p for p in column_powers(frame, y, list(frame.columns), task)}


def test_a_copy_and_one_to_one_recodings_of_classes_are_blockers():
    frame = table(400)
    y = frame.pop("label")
    frame["copy"] = y
    frame["coded"] = y.map({"yes": 7.5, "no": -1.0})
    frame["words"] = y.map({"yes": "granted", "no": "refused"})
    powers = _powers(frame, y)
    assert [c for c, p in powers.items() if p.copy] == ["copy", "coded", "words"]
    found = leakage_findings(powers.values(), "label")
    assert [(f.code, f.severity, f.column) for f in found] == [
        ("target_copy", "blocker", "copy"), ("target_copy", "blocker", "coded"),
        ("target_copy", "blocker", "words")]
    assert "'coded'" in found[1].message and "Leave it out" in found[1].fix


def test_a_recoding_of_many_classes_is_found_by_the_shallow_tree_too():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.choice([f"k{i}" for i in range(12)], 600))
    frame = pd.DataFrame({"code": y.str[1:].astype(int) * 3 + 1.0,
                          "noise": rng.normal(size=600)})
    powers = _powers(frame, y, "multiclass")
    assert powers["code"].copy
    frame["code"] = frame["code"].where(rng.random(600) > 0.02, 0.0)  # no longer one-to-one
    powers = _powers(frame, y, "multiclass")
    assert not powers["code"].copy and powers["code"].power >= POWER_WARN
    assert powers["noise"].power < 0.2


def test_a_column_that_almost_always_gives_the_answer_is_a_warning():
    frame = table(500)
    y = frame.pop("label")
    flip = np.random.default_rng(2).random(500) < 0.01
    frame["outcome_code"] = np.where(y.eq("yes") ^ flip, "A", "B")
    found = leakage_findings(_powers(frame, y).values(), "label")
    assert [(f.code, f.severity, f.column) for f in found] == [
        ("target_leak", "warning", "outcome_code")]
    assert "known at the moment a prediction is made" in found[0].fix


def test_a_strong_but_imperfect_column_is_not_flagged():
    rng = np.random.default_rng(3)
    y = pd.Series(rng.normal(50, 10, 800), name="price")
    noise = rng.normal(0, 10 * np.sqrt(1 / 0.81 - 1), 800)  # correlation 0.9
    frame = pd.DataFrame({"strong": y + noise, "other": rng.normal(size=800)})
    assert np.corrcoef(frame.strong, y)[0, 1] == pytest.approx(0.9, abs=0.02)
    powers = _powers(frame, y, "regression")
    assert not powers["strong"].copy
    assert 0.6 < powers["strong"].power < POWER_WARN
    assert leakage_findings(powers.values(), "price") == []
    # The power of a number column is the out-of-fold R² of the shallow tree (scikit-learn).
    x = frame[["strong"]].to_numpy()
    predicted = np.empty(len(y))
    for fit, held in KFold(3, shuffle=True, random_state=0).split(x):
        tree = DecisionTreeRegressor(max_depth=6, random_state=0).fit(x[fit], y.iloc[fit])
        predicted[held] = tree.predict(x[held])
    assert powers["strong"].power == pytest.approx(r2_score(y, predicted))


def test_a_number_target_copied_or_reordered_is_a_blocker():
    rng = np.random.default_rng(4)
    y = pd.Series(rng.gamma(2, 10, 300), name="cost")
    frame = pd.DataFrame({"doubled": 2 * y + 3, "log": np.log(y), "minus": -y,
                          "x": rng.normal(size=300)})
    powers = _powers(frame, y, "regression")
    assert [c for c, p in powers.items() if p.copy] == ["doubled", "log", "minus"]
    assert powers["x"].power < 0.1


def test_split_project_blocks_on_a_copy_and_leaving_it_out_is_the_way_out(tmp_path):
    frame = table(300)
    frame["result"] = frame["label"].map({"yes": "approved", "no": "declined"})
    project = project_from(tmp_path, frame)
    assert "result" in project.features
    checks = split_project(project, seed=0).checks
    assert [(f.severity, f.column) for f in by_code(checks, "target_copy")] == [
        ("blocker", "result")]
    assert step_states(project)["data"].state == READY
    checks = split_project(project, seed=0, leave_out=["result"]).checks
    assert "target_copy" not in codes(checks) and "target_leak" not in codes(checks)
    assert "result" not in project.features and project.split.made_for
    assert step_states(project)["data"].state == DONE
    left = [d for d in project.decisions if d.kind == "column_left_out"]
    assert left and left[-1].details["column"] == "result"
