"""Drift between splits: per-column scores from SciPy, the domain classifier, label drift,
planted drift found, and no false alarms on random splits of one file."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.stats.contingency import association

from engine.split.drift import (DOMAIN_DRIFT, FEATURE_DRIFT, domain_drift, feature_drift,
                          label_drift)
from engine.kinds.by_kind import paired_inputs
from engine.kinds.by_kind import example_keys
from engine.split.checks import CheckData, run_split_checks
from engine.split.step import split_project
from engine.app.steps import DONE, step_states
from tests.engine.split.split_check_data import by_code, codes, project_from, table

DRIFT_CODES = ("feature_drift", "domain_drift", "label_drift")


def test_numeric_drift_is_scipys_kolmogorov_smirnov_statistic():
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"x": rng.normal(0, 1, 400), "y": rng.normal(0, 1, 400)})
    b = pd.DataFrame({"x": rng.normal(0.8, 1, 300), "y": rng.normal(0, 1, 300)})
    drifts = {d.column: d for d in feature_drift(a, b)}
    expected = stats.ks_2samp(a.x, b.x, method="asymp")  # "exact" up to 100 rows a side
    assert drifts["x"].score == pytest.approx(expected.statistic)
    assert drifts["x"].p_value == pytest.approx(expected.pvalue)
    assert drifts["x"].drifted and drifts["x"].score > FEATURE_DRIFT
    assert not drifts["y"].drifted and drifts["x"].method == "ks"


def test_category_drift_is_cramers_v_with_the_splits_weighted_equally():
    a = pd.Series(["u"] * 500 + ["v"] * 500, name="c")
    b = pd.Series(["u"] * 3000 + ["v"] * 7000, name="c")
    d = feature_drift(a.to_frame(), b.to_frame())[0]
    # Hand-computed: V² = ½ Σ (p - q)² / (p + q) for shares p = (.5, .5), q = (.3, .7).
    assert d.score == pytest.approx(np.sqrt(0.5 * (0.04 / 0.8 + 0.04 / 1.2)), abs=1e-4)
    assert d.method == "cramers_v" and d.drifted
    small = feature_drift(a.to_frame(), b.iloc[::10].to_frame())[0]
    assert small.score == pytest.approx(d.score, abs=1e-4)  # the same for any sizes
    raw = association(np.array([[500, 500], [3000, 7000]]), method="cramer")
    assert raw < FEATURE_DRIFT < d.score  # plain V would let the big split hide the change
    assert d.p_value == pytest.approx(
        stats.chi2_contingency(np.array([[500, 500], [3000, 7000]])).pvalue)


def test_small_samples_are_not_called_drift_by_chance():
    rng = np.random.default_rng(5)
    alarms = 0
    for _ in range(20):
        a = pd.DataFrame({"x": rng.normal(size=14)})
        b = pd.DataFrame({"x": rng.normal(size=12)})
        alarms += feature_drift(a, b)[0].drifted
    assert alarms == 0
    assert label_drift(pd.Series(list("ab" * 3)), pd.Series(list("aabb")), True) is None


def test_the_domain_classifier_finds_a_shifted_column_and_names_it():
    a, b = table(600, seed=1), table(400, seed=2)
    b["x2"] = b["x2"] + 2.0
    features = ["x1", "x2", "colour"]
    side_a, side_b = paired_inputs(a, b, "table", features)
    drift = domain_drift(side_a, side_b)
    assert drift.drifted and drift.score > DOMAIN_DRIFT
    assert drift.score == pytest.approx(2 * drift.auc - 1)
    assert drift.top[0] == "x2"
    same = domain_drift(*paired_inputs(table(600, seed=3), table(400, seed=4), "table",
                                       features))
    assert not same.drifted and same.score < DOMAIN_DRIFT


def test_no_drift_is_reported_on_random_splits_of_one_file(tmp_path):
    project = project_from(tmp_path, table(400))
    alarms = []
    for seed in range(6):
        checks = split_project(project, seed=seed).checks
        alarms += [c for c in codes(checks) if c in DRIFT_CODES]
    assert alarms == []


def test_drift_in_the_second_file_is_a_data_mismatch_note(tmp_path):
    care = table(240, seed=5)
    care["x1"] = care["x1"] + 1.5
    care["label"] = np.where(np.arange(240) % 10 == 0, "no", "yes")  # mostly "yes"
    project = project_from(tmp_path, table(400), second=care)
    checks = split_project(project, seed=0).checks
    features = by_code(checks, "feature_drift")
    assert len(features) == 2  # dev and test
    assert all(f.severity == "info" and "x1 (" in f.message for f in features)
    assert all("data-mismatch" in f.fix for f in features)
    domain = by_code(checks, "domain_drift")
    assert len(domain) == 2 and "x1" in domain[0].message
    labels = by_code(checks, "label_drift")
    assert [(f.severity, f.column) for f in labels] == [("info", "label")]
    assert "dev set" in labels[0].message  # test labels stay in the vault
    assert step_states(project)["data"].state == DONE


def test_a_split_that_is_not_random_gets_a_drift_warning():
    frame = table(600, seed=7).sort_values("x2", ignore_index=True)
    features = ["x1", "x2", "colour"]
    keys = {"main": example_keys(frame, features, "table")}
    rows = {"train": np.arange(0, 400), "train_dev": np.arange(400, 440),
            "dev": np.arange(440, 520), "test": np.arange(520, 600)}
    data = CheckData({"main": frame}, keys, {"main": frame["label"]}, "table", features,
                     "binary", "label")
    found = run_split_checks(data, rows, dict.fromkeys(rows, "main"))
    drift = [f for f in found if f.code in ("feature_drift", "domain_drift")]
    assert {f.severity for f in drift} == {"warning"} and len(drift) == 4
    assert "x2" in drift[0].message and "sorted" in by_code(
        [f.to_dict() for f in drift], "feature_drift")[0]["fix"]


def test_texts_from_elsewhere_are_told_apart(tmp_path):
    rng = np.random.default_rng(0)
    words = ["parcel", "late", "refund", "card", "login", "password", "screen", "crash"]
    other = ["invoice", "tariff", "contract", "meter", "reading", "supplier"]

    def texts(vocab, n):
        return [" ".join(rng.choice(vocab, 6)) for _ in range(n)]

    main = pd.DataFrame({"message": texts(words, 300), "topic": rng.choice(["a", "b"], 300)})
    care = pd.DataFrame({"message": texts(other + words[:2], 160),
                         "topic": rng.choice(["a", "b"], 160)})
    project = project_from(tmp_path, main, target="topic", second=care,
                           data_kind="text", text_column="message")
    checks = split_project(project, seed=0).checks
    assert len(by_code(checks, "domain_drift")) == 2
    assert {f.severity for f in by_code(checks, "domain_drift")} == {"info"}


def _image_folder(root, n_per_class, seed, brightness=0.0, copies_from=None, copies=0):
    from PIL import Image

    rng = np.random.default_rng(seed)
    for label in ("cat", "dog"):
        (root / label).mkdir(parents=True)
        for i in range(n_per_class):
            path = root / label / f"{seed}_{i}.png"
            if copies_from is not None and i < copies // 2:
                path.write_bytes(copies_from[label][i].read_bytes())
            else:
                base = 90 if label == "cat" else 150
                pixels = rng.normal(base + brightness, 30, (12, 12)).clip(0, 255)
                Image.fromarray(pixels.astype(np.uint8)).save(path)
    return {label: sorted((root / label).iterdir()) for label in ("cat", "dog")}


def test_image_folders_copies_and_brighter_pictures_are_found(tmp_path):
    from engine.goal.step import GoalChoice, new_project

    main = _image_folder(tmp_path / "main", 60, seed=0)
    _image_folder(tmp_path / "care", 40, seed=1, brightness=100, copies_from=main, copies=16)
    project = new_project(tmp_path / "p", GoalChoice(str(tmp_path / "main"), None,
                                                     target_data=str(tmp_path / "care")))
    checks = split_project(project, seed=0).checks
    copies = by_code(checks, "copies_across_splits")
    assert copies and {f.severity for f in copies} == {"blocker"}
    drift = by_code(checks, "feature_drift")
    assert drift and "brightness" in drift[0].message
    assert by_code(checks, "domain_drift")
    after = split_project(project, seed=0, drop_copies=True)
    assert "copies_across_splits" not in codes(after.checks)
    assert 0 < sum(after.copies_dropped.values()) <= 16
