"""``practica threshold``: prints the chosen threshold and its dev figures, or JSON; refuses
what cannot be chosen with one line and exit 2."""

from __future__ import annotations

import json

from engine.cli.main import main as cli_main
from engine.project.project import open_project
from tests.engine.cli.test_explain import _project


def test_threshold_prints_the_choice_and_its_dev_figures(tmp_path, capsys):
    root = _project(tmp_path, capsys)
    assert cli_main(["diagnose", str(root)]) == 0
    capsys.readouterr()
    assert cli_main(["threshold", str(root)]) == 0
    out = capsys.readouterr().out
    rule = open_project(root).decision_rule
    assert rule.threshold.rule == "metric" and rule.threshold.metric
    assert "dev rows" in out and "recall" in out and f"{rule.threshold.value:.3g}" in out

    assert cli_main(["threshold", str(root), "--meet", "recall >= 95%", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["choice"]["rule"] == "constraint" and data["choice"]["dev"]["recall"] >= 0.95
    assert data["curve"]["thresholds"] and data["saved"] and data["line"]

    assert cli_main(["threshold", str(root), "--value", "0.42"]) == 0
    capsys.readouterr()
    assert open_project(root).decision_rule.threshold.value == 0.42

    for bad in (["--rule", "cost"], ["--value", "1.7"], ["--meet", "roc_auc>=0.9"],
                ["--rule", "manual"], ["--meet", "recall>=0.9", "--rule", "cost"]):
        assert cli_main(["threshold", str(root), *bad]) == 2, bad
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, (bad, err)
    assert open_project(root).decision_rule.threshold.value == 0.42
