"""``practica calibrate``: prints the calibration error before and after and the method, or
JSON; ``--method none`` removes it; refused after the vault opened without a reason."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd


from engine.cli.main import main as cli_main
from engine.core.texts import text
from engine.report import build_report
from engine.project.decisions import now_iso
from engine.project.project import open_project
from tests.pdf_text import pdf_text


def _project(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 400
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "label": np.where(signal + rng.normal(0, 1.0, n) > 0, "yes", "no")})
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    root = tmp_path / "proj"
    assert cli_main(["new", str(root), "--data", str(data), "--target", "label"]) == 0
    assert cli_main(["run", str(root), "--until", "split"]) == 0
    assert cli_main(["train", str(root), "--model", "linear"]) == 0
    capsys.readouterr()
    return root


def test_calibrate_prints_before_and_after_json_and_none_removes(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    run = open_project(root).runs[-1].id
    assert cli_main(["calibrate", str(root)]) == 2
    assert "No model is chosen" in capsys.readouterr().err

    assert cli_main(["calibrate", str(root), "--run", run, "--method", "platt"]) == 0
    out = capsys.readouterr().out
    assert "Before calibration" in out and "After (Platt scaling)" in out
    assert "Expected calibration error" in out and "cross-fitting" in out
    rule = open_project(root).decision_rule
    assert rule.run == run and rule.calibration.method == "platt"
    assert rule.calibration.scheme == "cross_fit_5"

    assert cli_main(["calibrate", str(root), "--run", run, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["asked"] == "auto" and set(result["compared"]) == {"platt", "isotonic"}
    assert result["method"] in ("platt", "isotonic") and result["lines"]
    assert 0 <= result["ece_after"] <= 1 and result["rows"] > 0

    # The report shows the section (with its diagram) for the chosen run only.
    project = open_project(root)
    title = text("report.calibration.title")
    assert title not in pdf_text(build_report(project, pdf_path=tmp_path / "a.pdf").pdf)
    project.chosen_run = run
    content = pdf_text(build_report(project, pdf_path=tmp_path / "b.pdf").pdf)
    assert title in content and "Calibration error after" in content
    assert f"{result['ece_after']:.1%}" in content

    assert cli_main(["calibrate", str(root), "--run", run, "--method", "none"]) == 0
    assert "removed" in capsys.readouterr().out
    assert open_project(root).decision_rule is None
    assert cli_main(["calibrate", str(root), "--run", run, "--method", "none"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_calibrate_after_the_vault_opened_needs_a_new_experiment(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    project = open_project(root)
    run = project.runs[-1].id
    project.vault = project.vault.opened(now_iso())
    project.save()
    assert cli_main(["calibrate", str(root), "--run", run]) == 2
    assert "already been seen" in capsys.readouterr().err
    assert cli_main(["calibrate", str(root), "--run", run, "--new-experiment",
                     "checking the probabilities"]) == 0
    assert "after seeing the test set" in capsys.readouterr().out
    assert open_project(root).decision_rule.after_test_seen
