"""The PDF/CSV evaluation report, built from a synthetic project (no training, no Qt)."""

from __future__ import annotations

from dataclasses import replace
import math
import re

import pandas as pd
import pytest

from engine.data.summary import DataSummary
from engine.project.decisions import Decision
from engine.project.parts.split import SplitRecord
from engine.project.project import DataSource, Project
from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.parts.final_test import FinalTestRecord, MetricResult
from engine.project.parts.vault import Vault
from engine.report import ReportFiles, build_report
from engine.report import tables as report_tables
from engine.project.run_record import RunRecord
from engine.core.texts import text
from engine.project.parts.goal import Goal, GoalConstraint
from tests.pdf_text import pdf_text

SECTIONS = ("goal", "data", "splits", "runs", "curves", "diagnosis", "final", "decisions",
            "appendix")
CSV_NAMES = ("runs", "trials", "test_metrics", "error_ladder", "confusion_matrix",
             "per_class", "comparisons", "decisions", "splits", "learning_curve", "error_tags",
             "predictions_dev", "predictions_test")


def _history(n: int) -> list[dict[str, float]]:
    rows = []
    for epoch in range(n):
        loss = 0.69 * math.exp(-epoch / 6) + 0.12
        val = 0.69 * math.exp(-epoch / 5) + 0.2 + 0.004 * max(0, epoch - 12) ** 1.5
        rows.append({"loss": loss, "val_loss": val, "accuracy": 1 - loss / 2,
                     "val_accuracy": 1 - val / 2})
    return rows


def _dev_metrics(f1: float) -> dict[str, float]:
    return {"accuracy": f1 + 0.061234567890123, "balanced_accuracy": f1 + 0.021,
            "precision": f1 + 0.0312, "recall": f1 - 0.0277777, "f1": f1,
            "f1_macro": f1 + 0.04, "f1_weighted": f1 + 0.05, "roc_auc": f1 + 0.09,
            "average_precision": f1 + 0.07, "log_loss": 0.41234567891}


def _runs() -> list[RunRecord]:
    linear = RunRecord(
        id="20240501-100000-linear", model="linear", label="Logistic regression",
        status="finished", created="2024-05-01T10:00:00+02:00", params={"seed": 0},
        metrics={s: _dev_metrics(f) for s, f in (("train", 0.781), ("train_dev", 0.7612),
                                                  ("dev", 0.7433333333333333))},
        errors={"train": 0.219, "train_dev": 0.2388, "dev": 0.2566666666666667},
        measured={"params": 9.0, "size_mb": 0.000873, "latency_ms": 0.0123456789})
    mlp = RunRecord(
        id="20240501-101500-mlp", model="mlp", label="Keras MLP, 2 x 64", status="finished",
        created="2024-05-01T10:15:00+02:00",
        params={"width": 64, "depth": 2, "dropout": 0.1, "l2": 1e-4, "learning_rate": 1e-3,
                "batch_size": 32, "epochs": 100, "patience": 10, "seed": 0, "epochs_run": 30,
                "best_epoch": 17},
        metrics={s: _dev_metrics(f) for s, f in (("train", 0.92), ("train_dev", 0.851),
                                                  ("dev", 0.8273456789012345))},
        errors={"train": 0.07999999999999996, "train_dev": 0.149, "dev": 0.1726543210987655},
        history=_history(30),
        measured={"params": 4866.0, "size_mb": 0.071234, "latency_ms": 0.0456789})
    late = RunRecord(
        id="20240502-090000-mlp", model="mlp", label="Keras MLP, 3 x 128", status="cancelled",
        created="2024-05-02T09:00:00+02:00", params={"width": 128, "depth": 3},
        metrics={"dev": _dev_metrics(0.83)}, errors={"dev": 0.17}, history=_history(5),
        measured={"params": 35000.0}, after_vault=True)
    return [linear, mlp, late]


def _full_project(tmp_path) -> Project:
    project = Project(root=tmp_path / "churn", name="Churn R&D <2024>")
    project.sources = [DataSource("main", str(tmp_path / "customers.csv"), "ab" * 32, 1200)]
    project.goal = Goal(
        target="churned", task="binary",
        task_reason="The column holds two values, 'no' and 'yes'.",
        metric="f1", metric_reason="Only 20% of the customers leave: accuracy would "
                                   "look good for a model that never predicts 'yes'.",
        constraints=(
            GoalConstraint("latency_ms", "<", 50.0, "prediction time per example below 50 ms"),
            GoalConstraint("recall", ">=", 0.6, "recall at least 0.6")),
        target_error=0.05, labels=("no", "yes"), positive_label="yes")
    project.summary = DataSummary.from_dict({
        "rows": 1200, "columns": 5,
        "column_info": [{"name": n, "kind": k, "dtype": d, "missing": m, "unique": u}
                        for n, k, d, m, u in (("age", "number", "int64", 0, 60),
                                              ("plan", "category", "object", 3, 4),
                                              ("monthly_fee", "number", "float64", 12, 300),
                                              ("region", "category", "object", 0, 7),
                                              ("churned", "category", "object", 0, 2))],
        "target": {"name": "churned", "task": "classes", "missing": 0,
                   "class_counts": {"no": 960, "yes": 240}}})
    project.findings = [
        {"code": "missing", "severity": "warning", "column": "monthly_fee",
         "message": "12 rows have no value & some fees are < 0", "fix": "Fill them in."},
        {"code": "imbalance", "severity": "info", "column": "churned",
         "message": "Only 20% of the rows are 'yes'.", "fix": "Use F1, not accuracy."}]
    project.features = ["age", "plan", "monthly_fee", "region"]
    project.split = SplitRecord.from_dict({
        "fractions": {"train": 0.5, "train_dev": 0.1, "dev": 0.2, "test": 0.2}, "seed": 7,
        "stratified": True, "sizes": {"train": 600, "train_dev": 120, "dev": 240, "test": 240},
        "sources": dict.fromkeys(("train", "train_dev", "dev", "test"), "main"),
        "dropped_missing_target": 0, "notes": [],
        "class_balance": {"train": {"no": 480, "yes": 120}, "train_dev": {"no": 96, "yes": 24},
                          "dev": {"no": 192, "yes": 48}, "test": {"no": 192, "yes": 48}}})
    for record in _runs():
        record.save(project.run_dir(record.id))
    project.reload_runs()
    project.chosen_run = "20240501-101500-mlp"
    project.vault = Vault.from_dict(
        {"opened_at": "2024-05-01T11:00:00+02:00", "reason": "Final test of the MLP",
         "evaluations": [{"time": "2024-05-01T11:00:05+02:00", "run": "20240501-101500-mlp",
                          "metric": "f1", "value": 0.8123456789}]})
    project.final_test = FinalTestRecord.from_dict({
        "run": "20240501-101500-mlp", "label": "Keras MLP, 2 x 64", "rows": 240,
        "evaluated_at": "2024-05-01T11:00:05+02:00", "metric": "f1", "confidence": 0.95,
        "metrics": {"accuracy": {"value": 0.9208333333333333, "low": 0.8875, "high": 0.95},
                    "f1": {"value": 0.8123456789, "low": 0.7412345678, "high": 0.8734567891},
                    "roc_auc": {"value": 0.9345, "low": 0.9012, "high": 0.9634},
                    "log_loss": {"value": 0.2345, "low": None, "high": None}},
        "confusion": {"labels": ["no", "yes"], "matrix": [[180, 12], [9, 39]]},
        "test_error": 0.1876543211})
    project.diagnosis = DiagnosisRecord.from_dict({
        "run": "20240501-101500-mlp", "verdict": "variance",
        "gaps": {"avoidable_bias": 0.02999999999999996, "variance": 0.06900000000000003,
                 "mismatch": 0.0236543210987655, "dev_overfit": 0.015},
        "advice": ["Add more training examples.", "Add regularization (dropout, weight decay)."],
        "ladder": [{"name": "target", "label": "target", "error": 0.05},
                   {"name": "train", "label": "training set", "error": 0.07999999999999996},
                   {"name": "train_dev", "label": "train-dev set", "error": 0.149},
                   {"name": "dev", "label": "dev set", "error": 0.1726543210987655},
                   {"name": "test", "label": "test set", "error": 0.1876543211}],
        "explanation": "The dev error is 6.9 points above the training error."})
    project.decisions = [
        Decision("goal_set", "Predict 'churned' (two classes).", "2024-05-01T09:50:00+02:00"),
        Decision("split_made", "Split 600 / 120 / 240 / 240 rows with seed 7.",
                 "2024-05-01T09:55:00+02:00"),
        Decision("vault_opened", "Opened the vault.", "2024-05-01T11:00:00+02:00")]
    return project


def _read_csv(path) -> pd.DataFrame:
    return pd.read_csv(path)


def test_full_report_holds_every_section_and_the_project_numbers(tmp_path):
    project = _full_project(tmp_path)
    files = build_report(project)

    assert isinstance(files, ReportFiles)
    assert files.pdf == project.reports_dir / "report.pdf"
    assert [p.name for p in files.csv_files] == [f"{n}.csv" for n in CSV_NAMES] + ["README.txt"]
    assert sorted(p.name for p in (project.reports_dir / "csv").iterdir()) == sorted(
        p.name for p in files.csv_files), "temporary files were left behind"

    content = pdf_text(files.pdf)
    for key in SECTIONS:
        assert text(f"report.section.{key}") in content, key
    assert "variance" in content
    assert "f1" in content
    assert "0.741" in content and "0.873" in content and "0.812" in content
    assert "Churn R&D <2024>" in content  # escaped, not swallowed as markup
    assert "some fees are < 0" in content
    assert "vault is still locked" not in content
    assert "Keras MLP, 3 x 128" in content and "after test seen" in content
    assert "Add more training examples." in content

    runs = _read_csv(project.reports_dir / "csv" / "runs.csv").set_index("id")
    assert list(runs.index) == [r.id for r in project.runs]
    for run in project.runs:
        row = runs.loc[run.id]
        assert row["dev_error"] == run.errors["dev"]
        assert row["dev_f1"] == run.metrics["dev"]["f1"]
        assert row["dev_accuracy"] == run.metrics["dev"]["accuracy"]
        assert bool(row["after_vault"]) is run.after_vault
        if "train" in run.errors:
            assert row["train_error"] == run.errors["train"]
        else:
            assert pd.isna(row["train_error"])
    assert runs.loc["20240501-101500-mlp", "latency_ms"] == 0.0456789

    tests = _read_csv(project.reports_dir / "csv" / "test_metrics.csv").set_index("metric")
    assert list(tests.index)[0] == "f1"  # the optimizing metric comes first
    for name, entry in project.final_test.metrics.items():
        assert tests.loc[name, "value"] == entry.value
        if entry.low is None:
            assert pd.isna(tests.loc[name, "low"]) and pd.isna(tests.loc[name, "high"])
        else:
            assert tests.loc[name, "low"] == entry.low
            assert tests.loc[name, "high"] == entry.high
    assert (tests["confidence"] == 0.95).all()

    ladder = _read_csv(project.reports_dir / "csv" / "error_ladder.csv")
    assert list(ladder["step"]) == [r.name for r in project.diagnosis.ladder]
    assert list(ladder["error"]) == [r.error for r in project.diagnosis.ladder]
    assert list(ladder["gap_name"].fillna("")) == ["", "avoidable_bias", "variance",
                                                   "mismatch", "dev_overfit"]
    assert ladder["gap_value"].iloc[2] == project.diagnosis.gaps["variance"]

    confusion = _read_csv(project.reports_dir / "csv" / "confusion_matrix.csv")
    assert confusion.set_index("true_class").loc[["no", "yes"], ["no", "yes"]].to_numpy(
    ).tolist() == [[180, 12], [9, 39]]

    splits = _read_csv(project.reports_dir / "csv" / "splits.csv").set_index("split")
    assert splits.loc["test", "rows"] == 240 and splits.loc["train", "class_yes"] == 120
    assert splits.loc["train_dev", "fraction"] == 0.1

    decisions = _read_csv(project.reports_dir / "csv" / "decisions.csv")
    assert list(decisions["text"]) == [d.text for d in project.decisions]
    readme = (project.reports_dir / "csv" / "README.txt").read_text(encoding="utf-8")
    for name in CSV_NAMES:
        assert f"{name}.csv" in readme


def test_fresh_project_report_says_the_steps_are_not_done(tmp_path):
    project = Project(root=tmp_path / "fresh", name="Fresh")
    files = build_report(project, pdf_path=tmp_path / "out" / "r.pdf",
                         csv_dir=tmp_path / "out" / "tables")

    assert files.pdf == tmp_path / "out" / "r.pdf" and files.pdf.is_file()
    content = pdf_text(files.pdf)
    for key in SECTIONS:
        assert text(f"report.section.{key}") in content, key
    for key in ("goal.not_set", "splits.not_done", "runs.none", "diagnosis.not_done",
                "final.locked", "cover.vault_locked", "decisions.none"):
        sentence = " ".join(text(f"report.{key}").split())
        assert sentence in content, key
    assert "variance" not in content

    folder = tmp_path / "out" / "tables"
    tests = _read_csv(folder / "test_metrics.csv")
    assert len(tests) == 0 and list(tests.columns) == ["metric", "value", "low", "high",
                                                       "confidence", "method"]
    for name in CSV_NAMES[:-1]:
        assert len(_read_csv(folder / f"{name}.csv")) == 0, name
    assert not (folder / "predictions_test.csv").exists()  # the vault is locked
    assert list(_read_csv(folder / "runs.csv").columns)[:3] == ["id", "model", "label"]


def test_test_results_stay_out_while_the_vault_is_locked(tmp_path):
    project = _full_project(tmp_path)
    project.vault = Vault()  # a result but no opened vault
    assert report_tables.test_metrics_table(project).empty
    assert report_tables.confusion_table(project).empty
    files = build_report(project)
    content = pdf_text(files.pdf)
    assert " ".join(text("report.final.locked").split()) in content
    assert "0.741" not in content


def test_a_failed_write_keeps_the_previous_report(tmp_path, monkeypatch):
    project = _full_project(tmp_path)
    files = build_report(project)
    before = files.pdf.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("engine.report.pdf.document.story", broken)
    with pytest.raises(RuntimeError):
        build_report(project)
    assert files.pdf.read_bytes() == before
    assert not [p for p in project.reports_dir.iterdir() if re.match(r"\.report\.pdf\.", p.name)]


def test_regression_report_shows_plain_errors_and_no_confusion_matrix(tmp_path):
    project = _full_project(tmp_path)
    project.goal = replace(project.goal, task="regression", metric="rmse", labels=(),
                           positive_label=None, target_error=None)
    project.split = replace(project.split, class_balance=None)
    project.final_test = replace(
        project.final_test, confusion=None, metric="rmse",
        metrics={"rmse": MetricResult(3.25, 2.9, 3.61, ""), "mae": MetricResult(2.5, 2.2, 2.8, "")})
    project.diagnosis = replace(project.diagnosis, ladder=tuple(
        r for r in project.diagnosis.ladder if r.name != "target"))

    files = build_report(project)
    content = pdf_text(files.pdf)
    assert " ".join(text("report.final.no_confusion").split()) in content
    assert "17.27%" not in content and "0.1727" in content  # RMSE is not a share
    ladder = _read_csv(project.reports_dir / "csv" / "error_ladder.csv")
    assert ladder["error_percent"].isna().all()
    assert list(_read_csv(project.reports_dir / "csv" / "confusion_matrix.csv").columns) == [
        "true_class"]
    splits = _read_csv(project.reports_dir / "csv" / "splits.csv")
    assert list(splits.columns) == ["split", "source", "rows", "fraction"]
