"""``practica predict`` and ``practica export`` as a user runs them: a CSV of predictions, an
exported folder that predicts the same, and one plain line with exit code 2 for mistakes."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.cli.main import main
from engine.split.datasets import split_frame
from engine.project.project import open_project
from tests.conftest import make_mixed_frame
from tests.engine.use.test_prediction import _project, own_scores


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_predict")
    project, ids = _project(root, make_mixed_frame(n=200), abstain_accuracy=0.8)
    dev = split_frame(project, "dev")
    new = root / "new.csv"
    dev.drop(columns=["bought"]).to_csv(new, index=False)
    return project, ids, dev, new


def test_predict_writes_the_csv_of_the_chosen_model(trained, tmp_path, capsys):
    project, ids, dev, new = trained
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(project.root), str(new), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"wrote {out}" in said and "Keras MLP" in said
    table = pd.read_csv(out)
    assert list(table.columns[:3]) == ["age", "income", "city"]
    assert {"prediction", "confidence", "abstain"} <= set(table.columns)
    np.testing.assert_allclose(table["confidence"], own_scores(project, ids[0], dev).max(axis=1),
                               atol=1e-5)
    assert table["abstain"].dtype == bool

    assert main(["predict", str(project.root), str(new), "--out", str(out), "--run", ids[1],
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["run"] == ids[1] and summary["rows"] == len(dev)
    np.testing.assert_allclose(pd.read_csv(out)["confidence"],
                               own_scores(project, ids[1], dev).max(axis=1), atol=1e-9)


def test_export_then_predict_from_the_exported_folder(trained, tmp_path, capsys):
    project, ids, dev, new = trained
    folder = tmp_path / "model"
    assert main(["export", str(project.root), "--to", str(folder)]) == 0
    said = capsys.readouterr().out
    assert str(folder) in said and "model.keras" in said and "saved_model" in said
    for line in ("ONNX (model.onnx): largest difference from Keras",
                 "LiteRT (TensorFlow Lite) (model.tflite): largest difference from Keras"):
        assert line in said and "(the same answers)" in said
    assert "model_card.md" in said
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["predict", str(folder), str(new), "--out", str(a)]) == 0
    assert main(["predict", str(project.root), str(new), "--out", str(b)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(a), pd.read_csv(b))


def test_user_mistakes_are_one_line_and_exit_2(trained, tmp_path, capsys):
    project, ids, dev, new = trained
    lacking = tmp_path / "lacking.csv"
    pd.DataFrame({"age": [30.0], "city": ["Graz"]}).to_csv(lacking, index=False)
    assert main(["predict", str(project.root), str(lacking)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no column 'income'" in err

    unchosen = open_project(project.root)
    unchosen.chosen_run = None
    unchosen.root = tmp_path / "copy"
    import shutil

    shutil.copytree(project.root, unchosen.root)
    unchosen.save()
    assert main(["predict", str(unchosen.root), str(new)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no chosen model" in err

    assert main(["predict", str(project.root), str(new), "--out", str(new)]) == 2
    assert "would overwrite new.csv" in capsys.readouterr().err

    assert main(["predict", str(tmp_path), str(new)]) == 2
    assert "neither a Practica project nor an exported model" in capsys.readouterr().err
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    assert main(["export", str(project.root), "--to", str(tmp_path / "other")]) == 2
    assert "already holds other files" in capsys.readouterr().err
    assert main(["export", str(project.root), "--to", str(tmp_path / "f"),
                 "--formats", "onnx,pickle"]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "Unknown export format: pickle" in said
    assert main(["export", str(project.root), "--to", str(tmp_path / "b"), "--run", ids[1],
                 "--formats", "onnx"]) == 0  # the linear model: one plain line why not
    said = capsys.readouterr().out
    assert "ONNX not written: Only a neural network" in said and "largest" not in said


def test_a_missing_column_in_a_real_process(trained, tmp_path):
    project, *_ = trained
    lacking = tmp_path / "lacking.csv"
    pd.DataFrame({"income": [1.0]}).to_csv(lacking, index=False)
    exe = Path(sys.executable).with_name("practica")
    done = subprocess.run([str(exe), "predict", str(project.root), str(lacking)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 2
    # (TensorFlow may write a line of its own on a machine without a GPU driver)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("practica: ") and "'age', 'city'" in last
    assert "Traceback" not in done.stderr and not (tmp_path / "predictions.csv").exists()
