"""The final test's statistics on a tiny project: seed copies, finalists, comparisons,
the ensemble, cancelling before the vault opens."""

from dataclasses import replace
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from sklearn import metrics as skm

from engine.cli.final_printer import print_final_stats
from engine.project.parts.final_test import FinalTestRecord
from engine.cli.main import main
from engine.split.datasets import split_frame, target_values
from engine.diagnosis.step import diagnose_project
from engine.goal.run_choice import best_run
from engine.final.comparisons import describe_reason, describe_test
from engine.final.ensemble import ensemble_members, score_ensemble
from engine.core.errors import JobCancelled, ProjectError
from engine.final.step import run_final_test
from engine.core.jobs import CancelToken, EpochEnded
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import open_project
from engine.words.formatting import fmt_value
from engine.report.step import export_report
from engine.final.seed_repeats import estimate_seconds, repeat_folder
from engine.core.texts import text
from engine.project.parts.goal import GoalConstraint


def _project(trained_dir, tmp_path, model="mlp"):
    folder = tmp_path / "p"
    shutil.copytree(trained_dir, folder)
    project = open_project(folder)
    run = next(r for r in project.runs if r.model == model)
    diagnose_project(project, run.id)
    return project


def test_two_seeds_give_mean_and_std_over_two_values_and_comparisons(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    chosen = project.run(project.chosen_run)
    runs_before = [r.id for r in project.runs]
    final = run_final_test(project, seeds=2, ensemble=True, n_resamples=50)
    metric = final.metric

    seeds = final.seeds
    assert seeds.k == 2 and seeds.seeds == (0, 1) and seeds.applies
    values = seeds.values[metric]
    assert len(values) == 2 and values[0] == final.metrics[metric].value
    assert seeds.mean[metric] == pytest.approx(np.mean(values))
    assert seeds.std[metric] == pytest.approx(np.std(values, ddof=1))
    # The copy's test score, recomputed with scikit-learn from its own saved model.
    prep = load_preprocessor(project)
    test = split_frame(project, "test")
    y = target_values(project, test).to_numpy()
    copy = chosen.__class__(id="copy", model="mlp", label="", status="finished", created="",
                            model_file="model.keras")
    proba = load_predictor(repeat_folder(project, 1), copy, prep).scores(prep.transform(test))
    answers = np.array(project.goal.labels, object)[proba.argmax(1)]
    assert seeds.values["accuracy"][1] == pytest.approx(skm.accuracy_score(y, answers))

    assert final.metrics["accuracy"].method == "Wilson"
    assert final.metrics["f1"].method in ("BCa", "percentile")
    roles = [f.role for f in final.finalists]
    assert roles == ["chosen", "baseline", "ensemble"]
    # One test per finalist: the seed-free baseline and the ensemble (trained once) on the
    # test rows; neither gets a t-test over the chosen model's seeds.
    tests = [(c.finalist, c.test, c.reason) for c in final.comparisons]
    assert tests == [("baseline", "mcnemar", "seed_free"),
                     ("ensemble", "mcnemar", "single_model")]
    for row in final.comparisons:
        assert row.sentence.endswith(".") and chosen.label in row.sentence
        assert row.p_corrected is None or row.p_corrected >= row.p_value
    assert final.correction == "holm"
    assert final.ensemble["members"] == [r.id for r in ensemble_members(project)]

    # The copies are not runs: never offered as models to choose.
    again = open_project(project.root)
    assert [r.id for r in again.runs] == runs_before
    assert (repeat_folder(project, 1) / "repeat.json").is_file()
    assert best_run(again).id in runs_before
    assert again.final_test.seeds.k == 2
    roles = [e.facts.get("role") for e in again.vault.evaluations]
    assert roles == [None, "seed_copy", "baseline", "ensemble"]

    # The PDF shows the intervals' methods, the spread, the comparisons and the ensemble.
    files = export_report(again, pdf=tmp_path / "report.pdf", csv_dir=tmp_path / "csv")
    pdf = " ".join(" ".join(page.extract_text() or "" for page in
                            PdfReader(str(files.pdf)).pages).split())
    assert "Wilson" in pdf and "bootstrap (" in pdf
    assert text("report.final_stats.seeds_heading") in pdf
    assert fmt_value(seeds.mean[metric]) in pdf and fmt_value(seeds.std[metric]) in pdf
    for row in final.comparisons:
        assert " ".join(row.sentence.split()) in pdf
        assert " ".join(describe_reason(row.test, row.reason).split()) in pdf
    assert "Average of the top 3 models" in pdf
    table = pd.read_csv(tmp_path / "csv" / "comparisons.csv")
    assert table["finalist"].tolist() == ["baseline", "ensemble"]
    assert table["test"].tolist() == ["mcnemar", "mcnemar"]
    assert table["why"].tolist() == [describe_reason(c.test, c.reason)
                                     for c in final.comparisons]
    assert table["p_corrected"].tolist() == pytest.approx(
        [c.p_corrected for c in final.comparisons]) and "sums over its members" in pdf


def test_cancelling_while_the_copies_train_leaves_the_vault_closed(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    trained = len(project.runs)  # the baselines: majority, linear, boosted trees, MLP
    token = CancelToken()

    def progress(event):
        if isinstance(event, EpochEnded) and "-seed" in event.run_id:
            token.cancel()

    with pytest.raises(JobCancelled):
        run_final_test(project, progress, token, seeds=3)
    again = open_project(project.root)
    assert not again.vault_open and again.final_test is None
    assert not repeat_folder(project, 1).exists()  # the half-trained copy is discarded
    assert len(again.runs) == trained == 4


def test_a_baseline_is_tested_once_and_compared_without_seeds(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path, model="linear")
    assert estimate_seconds(project, project.run(project.chosen_run), 5) == 0.0
    final = run_final_test(project, seeds=4, n_resamples=30)
    assert final.seeds.k == 1 and not final.seeds.applies
    assert final.seeds.asked == 4
    assert not (project.root / "final").exists()
    assert [(c.finalist, c.test, c.reason) for c in final.comparisons] == [
        ("baseline", "mcnemar", "seed_free")]


def test_chosen_boosted_trees_are_tested_once_against_the_best_other_baseline(trained_dir,
                                                                             tmp_path):
    project = _project(trained_dir, tmp_path, model="boosted")
    final = run_final_test(project, seeds=3, n_resamples=30)
    assert final.run == project.chosen_run and final.seeds.k == 1
    assert [c.finalist for c in final.comparisons] == ["baseline"]
    assert set(final.metrics) >= {"accuracy"}


def test_ensemble_averages_its_members_and_scores_like_sklearn(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    record = score_ensemble(project, k=3)
    members = [project.run(i) for i in record["members"]]
    assert len(members) == 3
    assert [m.errors["dev"] for m in members] == sorted(m.errors["dev"] for m in members)
    prep = load_preprocessor(project)
    dev = split_frame(project, "dev")
    X, y = prep.transform(dev), target_values(project, dev).to_numpy()
    each = [load_predictor(project.run_dir(m.id), m, prep).scores(X) for m in members]
    mean = (each[0] + each[1] + each[2]) / 3
    labels = project.goal.labels
    answers = np.array(labels, object)[mean.argmax(1)]
    positive = labels.index(project.goal.positive_label)
    dev_metrics = record["metrics"]["dev"]
    assert dev_metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, answers))
    assert dev_metrics["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y == project.goal.positive_label, mean[:, positive]))
    assert dev_metrics["log_loss"] == pytest.approx(
        skm.log_loss(y == project.goal.positive_label, mean[:, positive]))
    for q in ("params", "size_mb", "latency_ms", "batch_latency_ms"):
        assert record["measured"][q] == pytest.approx(sum(m.measured[q] for m in members))
    saved = json.loads((project.root / "final" / "ensemble.json").read_text())
    assert saved["members"] == record["members"]
    assert len(open_project(project.root).runs) == len(project.runs)  # not a run


def test_an_ensemble_that_breaks_a_constraint_stops_before_the_vault(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    members = ensemble_members(project)
    limit = max(m.measured["params"] for m in members) + 1  # each passes, the sum does not
    project.goal = replace(project.goal, constraints=(GoalConstraint("params", "<", limit),))
    diagnose_project(project, project.chosen_run)  # read with the new limit (else: stale)
    with pytest.raises(ProjectError, match="breaks a constraint"):
        run_final_test(project, seeds=1, ensemble=True)
    assert not open_project(project.root).vault_open


def test_too_few_runs_for_an_ensemble(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    project.goal = replace(project.goal, constraints=(GoalConstraint("params", "<", 1),))
    with pytest.raises(ProjectError, match="at least two"):
        score_ensemble(project)


def test_bad_options_are_refused_before_anything_runs(trained_dir, tmp_path):
    project = _project(trained_dir, tmp_path)
    with pytest.raises(ProjectError, match="between 1 and 20"):
        run_final_test(project, seeds=0)
    with pytest.raises(ProjectError, match="holm"):
        run_final_test(project, correction="sidak")
    assert not open_project(project.root).vault_open


def test_cli_prints_the_spread_over_seeds_and_the_sentences(trained_dir, tmp_path, capsys):
    project = _project(trained_dir, tmp_path)
    code = main(["run", str(project.root), "--until", "test", "--seeds", "2",
                 "--correction", "bonferroni"])
    out = capsys.readouterr().out
    assert code == 0
    final = open_project(project.root).final_test
    metric = final.metric
    assert (f"Over 2 seeds (0, 1): {metric} = {fmt_value(final.seeds.mean[metric])} ± "
            f"{fmt_value(final.seeds.std[metric])}") in out
    assert final.correction == "bonferroni"
    # One finalist (the seed-free baseline), one test: nothing to correct for.
    assert len(final.comparisons) == 1 and final.comparisons[0].test == "mcnemar"
    for row in final.comparisons:
        assert f"  - {row.sentence}" in out
        assert (f"    Test used: {describe_test(row.test)}. "
                f"{describe_reason(row.test, row.reason)}") in out
    assert "Bonferroni correction" not in out


def test_printer_says_plainly_when_a_model_was_tested_once(capsys):
    print_final_stats(FinalTestRecord.from_dict({
        "label": "Logistic regression", "metric": "f1", "seeds": {"k": 1, "seeds": [0]},
        "comparisons": []}))
    assert "Logistic regression does not depend on a seed: tested once (K = 1)." in \
        capsys.readouterr().out
