"""``practica explain DIR --example ROW``: why the model answered one dev row as it did;
the report shows the why of the first few most confident mistakes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from pypdf import PdfReader

from engine.cli.main import main as cli_main
from engine.core.texts import text
from engine.diagnosis.error_analysis import analyse_errors
from engine.project.project import open_project
from engine.report import build_report
from engine.split.datasets import split_frame, split_rows


def _project(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 300
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "shade": rng.choice(["a", "b"], n),
                          "label": np.where(signal + rng.normal(0, 0.7, n) > 0, "yes", "no")})
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(data), "--target", "label"]) == 0
    assert cli_main(["run", str(root), "--until", "split"]) == 0
    assert cli_main(["train", str(root), "--model", "linear"]) == 0
    capsys.readouterr()
    return root


def test_explain_example_prints_sentences_and_a_table_or_json(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    project = open_project(root)
    run = project.runs[-1].id
    dev = split_frame(project, "dev")
    row = int(dev.index[np.argmax(np.abs(dev["signal"].to_numpy()))])

    assert cli_main(["explain", str(root), "--run", run, "--example", str(row)]) == 0
    out = capsys.readouterr().out
    assert "answers '" in out and "Without the input 'signal'" in out
    first = next(line for line in out.splitlines() if line.strip().startswith("1 "))
    assert "signal" in first
    assert (root / "runs" / run / "why" / f"row-{row}.json").is_file()

    assert cli_main(["explain", str(root), "--run", run, "--example", str(row),
                     "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["row"] == row and result["parts"][0]["name"] == "signal"
    assert {p["name"] for p in result["parts"]} == {"signal", "noise", "shade"}


def test_a_row_that_is_not_a_dev_row_is_one_line(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    project = open_project(root)
    run = project.runs[-1].id
    train_row = int(split_rows(project)["train"]["rows"][0])
    assert cli_main(["explain", str(root), "--run", run, "--example", str(train_row)]) == 2
    assert "not one of the dev rows" in capsys.readouterr().err


def test_the_report_shows_why_the_most_confident_mistakes_were_made(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    project = open_project(root)
    project.chosen_run = project.runs[-1].id
    project.save()
    analysis = analyse_errors(project)
    assert analysis.confident
    report = build_report(open_project(root), pdf_path=tmp_path / "r.pdf")
    content = " ".join(" ".join((p.extract_text() or "").split())
                       for p in PdfReader(str(report.pdf)).pages)
    assert text("report.error_analysis.why_heading") in content
    assert f"Row {analysis.confident[0].row} (answered" in content
    assert (root / "runs" / analysis.run / "why" / f"row-{analysis.confident[0].row}.json"
            ).is_file()
