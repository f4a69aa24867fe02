"""``practica demo``: the whole workflow headless on a bundled sample, read back."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    exe = Path(sys.executable).with_name("practica")
    run = subprocess.run([str(exe), "demo", "--out", str(out), "--epochs", "30"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    return out, run.stdout


def test_demo_pdf_holds_goal_ladder_verdict_and_test_intervals(demo):
    out, stdout = demo
    project = json.loads((out / "breast-cancer-demo" / "project.json").read_text())
    text = "\n".join(page.extract_text() for page in PdfReader(out / "report.pdf").pages)
    flat = " ".join(text.split())
    assert project["goal"]["target"] in flat
    assert project["goal"]["metric"] in flat
    assert project["diagnosis"]["verdict"] in flat
    ft = project["final_test"]
    m = ft["metrics"][ft["metric"]]
    assert f"{m['low']:.3f}" in flat and f"{m['high']:.3f}" in flat
    assert "Diagnosis:" in stdout and "Final test:" in stdout


def test_demo_csvs_parse_back_to_the_project(demo):
    out, _ = demo
    project = json.loads((out / "breast-cancer-demo" / "project.json").read_text())
    tm = pd.read_csv(out / "csv" / "test_metrics.csv").set_index("metric")
    for name, m in project["final_test"]["metrics"].items():
        if m["low"] is not None:
            assert tm.loc[name, "low"] == pytest.approx(m["low"])
            assert tm.loc[name, "high"] == pytest.approx(m["high"])
    decisions = pd.read_csv(out / "csv" / "decisions.csv")
    assert len(decisions) == len(project["decisions"])
    assert "vault_opened" in decisions["kind"].tolist()
