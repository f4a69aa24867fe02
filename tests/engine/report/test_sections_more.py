"""The report's newer parts on synthetic projects (nothing trained): early projects say
what is not done yet, the monitor's highlights, the tuning section from a saved summary,
the vault record, and a runs table of 45 runs across pages."""

from __future__ import annotations

import pandas as pd
import pytest
from pypdf import PdfReader

from engine.core import atomic
from engine.project.project import Project
from engine.report import build_report
from engine.report.pdf.telemetry import replay_alerts
from engine.project.parts.vault import Evaluation
from engine.project.run_record import RunRecord
from engine.project.fingerprints import split_key
from engine.training.monitor.digest import DIGEST_FILE
from engine.core.texts import text
from engine.tuning.summary import SUMMARY, VERSION
from tests.engine.report.test_report import _dev_metrics, _full_project, _history


def _pages(path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def _flat(path) -> str:
    return " ".join(_pages(path))


def _said(key: str, **values) -> str:
    return " ".join(text(f"report.{key}", **values).split())


def _baseline_runs(project: Project) -> None:
    for kind, label, error in (("majority", "Majority class", 0.5), ("linear", "Logistic", 0.3)):
        RunRecord(id=f"20240501-100000-{kind}", model=kind, label=label, status="finished",
                  created="2024-05-01T10:00:00+00:00", params={"seed": 0},
                  metrics={"dev": {"accuracy": 1 - error}}, errors={"dev": error},
                  split_key=split_key(project)).save(project.run_dir(f"20240501-100000-{kind}"))
    project.reload_runs()


NOT_DONE = ("runs.none", "curves.no_choice", "diagnosis.not_done", "learning_curve.not_done",
            "error_analysis.not_done", "tuning.not_done", "final.locked",
            "test_curves.locked", "splits.vault_locked", "cover.no_runs", "appendix.no_choice")


def test_a_project_that_is_only_split_says_what_is_not_done(split_project, tmp_path):
    files = build_report(split_project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    content = _flat(files.pdf)
    for key in NOT_DONE:
        assert _said(key) in content, key
    assert text("report.compare.heading") not in content  # no run: no comparison
    assert text("report.monitor.heading") not in content
    folder = tmp_path / "csv"
    for name in ("trials", "per_class", "predictions_dev"):
        assert len(pd.read_csv(folder / f"{name}.csv")) == 0, name
    assert not (folder / "predictions_test.csv").exists()
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert text("report.csv.predictions_none_dev", file="predictions_dev.csv") in readme


def test_a_project_with_baselines_only_says_what_is_not_done(split_project, tmp_path):
    _baseline_runs(split_project)
    files = build_report(split_project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "c")
    content = _flat(files.pdf)
    for key in ("cover.no_choice", "compare.no_choice", "curves.no_choice",
                "diagnosis.not_done", "learning_curve.not_done", "tuning.not_done",
                "final.locked"):
        assert _said(key) in content, key
    assert text("report.runs.none") not in content

    split_project.chosen_run = "20240501-100000-linear"
    files = build_report(split_project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "c")
    content = _flat(files.pdf)
    assert _said("monitor.no_run") in content  # no network: nothing was monitored
    assert _said("cover_more.no_search") in content
    assert _said("compare.better", chosen="Logistic", error="30.00%", baseline="Majority class",
                 base_error="50.00%",
                 points=text("report.compare.points_share", value="20.00")) in content


def test_monitor_highlights_read_the_runs_digest(tmp_path):
    project = _full_project(tmp_path)
    run_dir = project.run_dir(project.chosen_run)
    files = build_report(project, pdf_path=tmp_path / "a.pdf", csv_dir=tmp_path / "a")
    content = _flat(files.pdf)
    replayed = replay_alerts(project.run(project.chosen_run).history)
    assert [a["code"] for a in replayed] == ["memorising"]
    assert _said("monitor.replayed") in content and _said("monitor.no_stats") in content
    assert f"After {replayed[0]['after_epochs']} epoch(s)" in content

    atomic.write_json(run_dir / DIGEST_FILE, {
        "version": 1, "samples": 12, "epochs": 30, "grad_norm": None, "alerts": [],
        "layers": {"dense": {"update_ratio_median": 2e-3, "update_ratio_low": 1e-3,
                             "update_ratio_high": 4e-3, "dead_last": 0.25, "dead_max": 0.3},
                   "dense_1": {"update_ratio_median": 5e-4, "update_ratio_low": 2e-4,
                               "update_ratio_high": 9e-4}}})
    files = build_report(project, pdf_path=tmp_path / "b.pdf", csv_dir=tmp_path / "b")
    content = _flat(files.pdf)
    assert _said("monitor.no_alerts", label="Keras MLP, 2 x 64") in content
    assert _said("monitor.ratios_ok") in content and "about 0.0013 of" in content  # their median
    assert _said("monitor.dead", share="25%", layer="dense") in content
    assert _said("monitor.replayed") not in content


def _summary(project: Project) -> dict:
    runs = [r.id for r in project.runs]
    trials = []
    for n, (state, value, feasible, rnd) in enumerate([
            ("complete", 0.30, True, 1), ("pruned", None, None, 1), ("complete", 0.2, False, 1),
            ("complete", 0.25, True, 2), ("complete", 0.17, True, 2)]):
        trials.append({"number": n, "trial": n + 1, "state": state, "round": rnd,
                       "value": value, "feasible": feasible, "broken": [],
                       "run_id": runs[n % len(runs)], "epochs": 3, "seconds": 1.5,
                       "worker": "pc:1", "params": {"learning_rate": 0.001 * (n + 1),
                                                    "width": 16 * (n + 1)}})
    history, best = [], None
    for t in trials:
        if t["state"] == "complete":
            if t["feasible"] and (best is None or t["value"] < best):
                best = t["value"]
            history.append({**{k: t[k] for k in ("number", "trial", "round", "value",
                                                 "feasible")}, "best_so_far": best})
    space = {"kind": "mlp", "params": [
        {"name": "learning_rate", "kind": "float", "low": 1e-4, "high": 0.1, "log": True,
         "choices": [], "fixed": None},
        {"name": "width", "kind": "int", "low": 16, "high": 256, "log": True, "choices": [],
         "fixed": None}]}
    return {"version": VERSION, "exists": True, "metric": "f1", "kind": "mlp", "storage": "",
            "settings": {"space": space, "sampler": "tpe", "pruner": "", "epochs": 3,
                         "round": 2, "seed": 11},
            "trials": trials, "history": history,
            "best": {"number": 4, "trial": 5, "run_id": trials[4]["run_id"], "value": 0.17},
            "importance": {"learning_rate": 0.7, "width": 0.3},
            "counts": {"complete": 4, "pruned": 1, "fail": 0, "running": 0}}


def test_tuning_section_and_trials_csv_from_a_saved_summary(tmp_path):
    project = _full_project(tmp_path)
    summary = _summary(project)
    atomic.write_json(project.root / SUMMARY, summary)
    files = build_report(project)
    content = _flat(files.pdf)
    assert _said("tuning.intro", trials=5, kind="Keras MLP", complete=4, pruned=1, failed=0,
                 rounds=2, sampler="Bayesian (TPE)", pruner="Hyperband", epochs=3) in content
    for key in ("tuning.rounds_heading", "tuning.importance_heading",
                "tuning.settings_heading", "tuning.trials_heading"):
        assert text(f"report.{key}") in content, key
    assert _said("tuning.after_note") in content  # trial 3's run was made after the vault
    assert _said("tuning.range_log", low="0.0001", high="0.1") in content
    assert "drawn at random" not in content and "11" in content  # the sampler's seed

    trials = pd.read_csv(project.reports_dir / "csv" / "trials.csv")
    assert list(trials["trial"]) == [1, 2, 3, 4, 5]
    assert trials["dev_error"].tolist()[2:] == [0.2, 0.25, 0.17]
    assert pd.isna(trials["dev_error"][1])
    assert trials["best"].tolist() == [False, False, False, False, True]
    assert trials["after_vault"].tolist() == [False, False, True, False, False]
    assert trials["width"].tolist() == [16, 32, 48, 64, 80]


def test_vault_record_counts_final_tests_not_every_scored_model(tmp_path):
    project = _full_project(tmp_path)
    for extra in ({"time": "2024-05-01T11:00:06+02:00", "run": "x@seed1", "role": "seed_copy",
                   "metric": "f1", "value": 0.8},
                  {"time": "2024-05-01T11:00:07+02:00", "run": "y", "role": "baseline",
                   "metric": "f1", "value": 0.6}):
        project.vault = project.vault.with_evaluation(Evaluation.from_dict(extra))
    assert project.vault.uses == 1
    content = _flat(build_report(project).pdf)
    assert _said("vault.evaluations", n=3) in content
    assert _said("vault.kinds", tests=1, others=2) in content
    assert _said("vault.late_runs", n=1) in content
    assert _said("vault.many", n=1) not in content
    project.vault = project.vault.with_evaluation(Evaluation.from_dict(
        {"time": "2024-05-03T09:00:00+02:00", "run": "20240502-090000-mlp",
         "metric": "f1", "value": 0.83}))
    assert _said("vault.many", n=2) in _flat(build_report(project).pdf)


@pytest.mark.parametrize("n_runs", [45])
def test_a_long_runs_table_breaks_across_pages_with_its_header(tmp_path, n_runs):
    project = _full_project(tmp_path)
    for i in range(n_runs - len(project.runs)):
        RunRecord(id=f"20240501-12{i:02d}00-mlp", model="mlp", label=f"Trial {i + 1} · MLP",
                  status="finished", created=f"2024-05-01T12:{i:02d}:00+02:00",
                  metrics={"dev": _dev_metrics(0.7)}, errors={"dev": 0.3 - i / 200},
                  history=_history(4)).save(project.run_dir(f"20240501-12{i:02d}00-mlp"))
    project.reload_runs()
    pages = _pages(build_report(project).pdf)
    header = text("report.runs.col_after")
    with_runs = [p for p in pages if "Trial" in p and header in p]
    assert len(with_runs) >= 2  # the table spans pages and repeats its header
    content = " ".join(pages)
    assert all(f"Trial {i + 1} · MLP" in content for i in range(n_runs - 3))


def test_tuning_with_kfold_gives_the_folds_and_says_the_best_is_optimistic(tmp_path):
    from engine.tuning.fold_scores import optimism_sentence

    project = _full_project(tmp_path)
    plain = _summary(project)
    atomic.write_json(project.root / SUMMARY, plain)
    content = _flat(build_report(project).pdf)
    assert " ".join(optimism_sentence(4).split()) in content  # any search's best is lucky

    folded = _summary(project)
    folded["settings"]["kfold"] = 3
    for t in folded["trials"]:
        if t["state"] == "complete":
            v = t["value"]
            t.update(fold_errors=[v - 0.02, v, v + 0.02], fold_spread=0.02,
                     run_dev_error=v + 0.05)
    atomic.write_json(project.root / SUMMARY, folded)
    files = build_report(project)
    content = _flat(files.pdf)
    assert _said("tuning.best_kfold", trial=5, run=folded["trials"][4]["run_id"], folds=3,
                 error="17.00%", spread="2.00%", errors="15.00%, 17.00%, 19.00%",
                 dev="22.00%") in content
    assert " ".join(optimism_sentence(4, 3).split()) in content
    trials = pd.read_csv(project.reports_dir / "csv" / "trials.csv")
    assert trials["fold_mean_error"].tolist()[2:] == [0.2, 0.25, 0.17]
    assert trials["dev_error"].tolist()[2:] == pytest.approx([0.25, 0.30, 0.22])
    assert trials["fold_errors"][4] == "0.15 0.17 0.19"


@pytest.mark.parametrize("params,said", [
    ({"transfer_from": "keras:MobileNetV2", "freeze_layers": -1},
     ("appendix.pretrained_backbone", {"name": "MobileNetV2",
                                       "how": text("report.appendix.how_frozen_all")})),
    ({"transfer_from": "/data/old run/model.keras", "freeze_layers": 2},
     ("appendix.pretrained_file", {"file": "model.keras",
                                   "how": text("report.appendix.how_frozen_some", n=2)})),
    ({"transfer_from": "keras:ResNet50V2", "transfer_rates": True},
     ("appendix.pretrained_backbone", {"name": "ResNet50V2",
                                       "how": text("report.appendix.how_rates")})),
])
def test_the_report_says_what_the_model_was_pretrained_on(tmp_path, params, said):
    project = _full_project(tmp_path)
    run = project.run(project.chosen_run)
    from dataclasses import replace

    replace(run, params={**run.params, **params}).save(project.run_dir(run.id))
    project.reload_runs()
    build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    key, values = said
    assert _said(key, **values) in _flat(tmp_path / "r.pdf")


def test_a_model_trained_from_scratch_has_no_pretrained_line(tmp_path):
    project = _full_project(tmp_path)
    build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    assert "Pretrained:" not in _flat(tmp_path / "r.pdf")
