"""The report of a small project taken through every step for real (baselines, diagnosis,
a two-trial search, the final test): every section in the PDF, the new CSV files read back
to the project's numbers, and no test predictions before the vault is opened."""

from __future__ import annotations

from dataclasses import replace
import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader
from sklearn import metrics as skm

from engine.baseline.step import run_baselines
from engine.split.datasets import split_frame
from engine.diagnosis.step import diagnose_project
from engine.diagnosis.error_analysis import analyse_errors
from engine.final.step import run_final_test
from engine.goal.step import GoalChoice, new_project
from engine.diagnosis.learning_curve import draw_learning_curve
from engine.project.project import open_project
from engine.report import build_report
from engine.goal.evaluation import Predictions
from engine.report.csv_export import export_csv
from engine.report.prediction_tables import predictions_table
from engine.report.trial_tables import TRIAL_COLUMNS
from engine.core.texts import text
from engine.split.step import split_project
from engine.final.test_curves import reject_threshold
from engine.tuning.step import TuneRequest, tune_project
from engine.tuning.summary import read_summary
from tests.conftest import make_mixed_frame

DEEP = {"epochs": 2, "width": 8, "patience": 5}
SECTIONS = ("goal", "data", "splits", "runs", "curves", "diagnosis", "learning_curve",
            "tuning", "final", "decisions", "appendix")
SUB_HEADINGS = ("splits.vault_heading", "compare.heading", "monitor.heading",
                "tuning.importance_heading", "tuning.settings_heading",
                "tuning.trials_heading", "error_analysis.title", "test_curves.heading",
                "appendix.versions_heading", "reproduce.seeds_heading",
                "reproduce.device_heading")


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """(project, the CSV folder exported just before the vault opened). Every step is done,
    each as small as it goes: two epochs, two trials, two seeds, few resamples."""
    root = tmp_path_factory.mktemp("report_full")
    make_mixed_frame(160, seed=5).to_csv(root / "data.csv", index=False)
    project = new_project(root / "p", GoalChoice(data=str(root / "data.csv"), target="bought"))
    split_project(project, seed=3)
    run_baselines(project, deep_params=DEEP, sanity=False)
    diagnose_project(project)
    analyse_errors(project)
    draw_learning_curve(project, sizes=(0.5, 1.0), seeds=1, max_epochs=2)
    tune_project(project, TuneRequest(trials=2, epochs=1))
    export_csv(project, root / "before")
    (root / "before" / "predictions_test.csv").write_text("left by an earlier export\n")
    export_csv(project, root / "before")  # a locked vault removes it again
    run_final_test(project, seeds=2, n_resamples=50)
    build_report(project)
    return open_project(project.root), root / "before"


def _flat(path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def _outline(path) -> list[str]:
    def walk(items):
        for item in items:
            yield from walk(item) if isinstance(item, list) else [item.title]
    return list(walk(PdfReader(path).outline))


def test_the_pdf_holds_every_section_and_sub_section(done):
    project, _ = done
    pdf = project.reports_dir / "report.pdf"
    outline = _outline(pdf)
    for key in SECTIONS:
        assert text(f"report.section.{key}") in outline, key
    for key in SUB_HEADINGS:
        assert text(f"report.{key}") in outline, key
    content = _flat(pdf)
    summary = read_summary(project.root)
    assert f"tried {len(summary.trials)} settings" in content
    assert "not done" not in content.lower() and "No search was run" not in content
    assert "Keras backend" in content and "optuna" in content


def test_trials_csv_holds_the_study_summary(done):
    project, _ = done
    summary = read_summary(project.root)
    trials = pd.read_csv(project.reports_dir / "csv" / "trials.csv")
    assert tuple(trials.columns[:len(TRIAL_COLUMNS)]) == TRIAL_COLUMNS
    rows = sorted(summary.trials, key=lambda t: t.number)
    assert list(trials["trial"]) == [t.number + 1 for t in rows]
    for (_, row), trial in zip(trials.iterrows(), rows):
        if trial.value is None:
            assert pd.isna(row["dev_error"])
        else:
            assert row["dev_error"] == trial.value
        assert row["run_id"] == trial.run_id and row["state"] == trial.state
        for name, value in trial.params.items():
            assert row[name] == value, name
        assert bool(row["after_vault"]) is False
    best = summary.best.number + 1
    assert list(trials.loc[trials["best"], "trial"]) == [best]


def test_per_class_csv_holds_the_final_tests_values(done):
    project, _ = done
    stored = project.final_test.curves.per_class
    table = pd.read_csv(project.reports_dir / "csv" / "per_class.csv", dtype={"class": str})
    assert list(table["class"]) == [str(r.label) for r in stored]
    for (_, row), entry in zip(table.iterrows(), stored):
        for name in ("precision", "recall", "f1", "support"):
            assert row[name] == getattr(entry, name), name
    auc = project.final_test.curves.roc.curves[0].auc
    assert (table["roc_auc"] == auc).all()  # two classes: one area for both


def test_dev_predictions_are_the_chosen_models_own(done):
    project, _ = done
    dev = pd.read_csv(project.reports_dir / "csv" / "predictions_dev.csv")
    run = project.run(project.chosen_run)
    rows = split_frame(project, "dev").index.to_numpy()
    assert list(dev["row"]) == list(rows) and set(dev["run"]) == {run.id}
    truth, said = dev["true_value"].astype(str), dev["prediction"].astype(str)
    assert skm.accuracy_score(truth, said) == pytest.approx(run.metrics["dev"]["accuracy"])
    assert (dev["correct"] == (truth == said)).all()
    probabilities = dev[[f"probability {label}" for label in project.goal.labels]]
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert np.allclose(dev["confidence"], probabilities.max(axis=1))


def test_test_predictions_appear_only_once_the_vault_is_open(done):
    project, before = done
    assert not (before / "predictions_test.csv").exists()
    assert (before / "predictions_dev.csv").is_file()
    readme = (before / "README.txt").read_text(encoding="utf-8")
    assert "predictions_test.csv" in readme  # explained, though not there yet
    after = pd.read_csv(project.reports_dir / "csv" / "predictions_test.csv")
    final = project.final_test
    assert len(after) == final.rows and set(after["run"]) == {final.run}
    accuracy = skm.accuracy_score(after["true_value"].astype(str),
                                  after["prediction"].astype(str))
    assert accuracy == pytest.approx(final.metrics["accuracy"].value)


def test_dev_predictions_say_where_the_model_would_abstain(done):
    project = open_project(done[0].root)  # a copy in memory: the goal change is not saved
    project.goal = replace(project.goal, abstain_accuracy=0.95)
    table = predictions_table(project, "dev")
    plain = pd.read_csv(project.reports_dir / "csv" / "predictions_dev.csv")
    assert "abstain" not in plain.columns  # only when the goal lets the model refuse
    frame = split_frame(project, "dev")
    y = frame[project.goal.target].astype(str).to_numpy()
    threshold = reject_threshold(project.goal, Predictions(
        y, table["prediction"].to_numpy(object), None,
        table[[f"probability {c}" for c in project.goal.labels]].to_numpy()))
    expected = (table["confidence"] < threshold) if threshold is not None else False
    assert (table["abstain"] == expected).all()


def test_the_model_card_is_a_page_of_the_report_and_a_file_of_every_export(done, tmp_path):
    from engine.use.model_card import SECTIONS as CARD_SECTIONS, model_card
    from engine.use.model_export import export_model
    from engine.words.formatting import fmt_value

    project, _ = done
    final = project.final_test
    entry = final.metrics[final.metric]
    card = model_card(project)
    interval = f"({fmt_value(entry.low)} to {fmt_value(entry.high)})"
    assert card.run == final.run
    assert any(interval in line for line in card.section("metrics"))
    assert any(line.startswith("Diagnosis: ") for line in card.section("weaknesses"))
    assert any("mistakes on" in line for line in card.section("weaknesses"))
    assert any("locked until" in line for line in card.section("splits"))
    pdf = project.reports_dir / "report.pdf"
    assert text("model_card.page_title") in _outline(pdf)
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    intro = " ".join(text("model_card.page_intro").split())
    page = next(p for p in pages if f"{text('model_card.page_title')} {intro}" in p)
    for name in CARD_SECTIONS:
        assert text(f"model_card.title_{name}") in page, name
    assert interval in page

    export_model(project, tmp_path / "export", formats="keras")
    written = (tmp_path / "export" / "model_card.md").read_text()
    for name in CARD_SECTIONS:
        assert f"\n## {text(f'model_card.title_{name}')}\n" in written, name
    assert interval in written and "Diagnosis: " in written and "Made with practica" in written
