"""``practica explain``: prints the ranked inputs and sentences, or JSON; writes the run's
importance file; the report shows it (PDF section and CSV) only once it was measured."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from engine.cli.main import main as cli_main
from engine.core.texts import text
from engine.diagnosis.importance import FILE
from engine.project.project import open_project
from engine.report import build_report
from tests.pdf_text import pdf_text


def _project(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 300
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "shade": rng.choice(["a", "b"], n),
                          "label": np.where(signal + rng.normal(0, 0.5, n) > 0, "yes", "no")})
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(data), "--target", "label"]) == 0
    assert cli_main(["run", str(root), "--until", "split"]) == 0
    assert cli_main(["train", str(root), "--model", "linear"]) == 0
    capsys.readouterr()
    return root


def test_explain_prints_the_table_and_writes_json_and_the_report_shows_it(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    project = open_project(root)
    run = project.runs[-1].id
    # Before: the report has no such section and no CSV.
    before = build_report(project, pdf_path=tmp_path / "a.pdf", csv_dir=tmp_path / "a")
    assert text("report.importance.title") not in pdf_text(before.pdf)
    assert not (tmp_path / "a" / "importance.csv").exists()

    assert cli_main(["explain", str(root), "--run", run, "--repeats", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.strip().startswith("1 "))
    assert "signal" in lines[first] and "How much worse" in out
    assert (root / "runs" / run / FILE).is_file()

    assert cli_main(["explain", str(root), "--run", run, "--repeats", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["repeats"] == 2 and result["inputs"][0]["name"] == "signal"
    assert {i["name"] for i in result["inputs"]} == {"signal", "noise", "shade"}
    assert result["lines"] and result["leak"] == ""

    project = open_project(root)
    project.chosen_run = run
    after = build_report(project, pdf_path=tmp_path / "b.pdf", csv_dir=tmp_path / "b")
    content = pdf_text(after.pdf)
    assert text("report.importance.title") in content and "signal" in content
    table = pd.read_csv(tmp_path / "b" / "importance.csv")
    assert table["input"].iloc[0] == "signal" and len(table) == 3
    assert "importance.csv" in (tmp_path / "b" / "README.txt").read_text()


def test_explain_without_a_chosen_model_is_one_line(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    assert cli_main(["explain", str(root)]) == 2
    assert "No model is chosen" in capsys.readouterr().err
