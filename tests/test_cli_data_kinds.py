"""``practica new`` / ``check`` / ``run`` / ``train`` take image folders, texts and
sequences the same way as tables, from file to a trained model and a diagnosis."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from engine.cli.main import main
from engine.project.project import open_project


def _image_folder(root):
    rng = np.random.default_rng(0)
    for label, bright in (("dark", 40), ("light", 200)):
        (root / label).mkdir(parents=True)
        for i in range(14):
            pixels = np.clip(rng.normal(bright, 30, (10, 12)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels, mode="L").save(root / label / f"{i}.png")
    (root / "light" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    return root


def _long_sequences(path):
    rng = np.random.default_rng(1)
    rows = []
    for sid in range(40):
        label = "up" if sid % 2 else "down"
        for t in range(12):
            drift = t * (0.3 if label == "up" else -0.3)
            rows.append({"series": f"s{sid}", "t": t, "value": drift + rng.normal(0, 0.5),
                         "label": label})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _texts(path):
    rng = np.random.default_rng(2)
    good, bad = ["great", "lovely", "fine", "happy"], ["awful", "broken", "sad", "late"]
    rows = [{"review": " ".join(rng.choice(good if i % 2 else bad, 4)) + " item",
             "mood": "good" if i % 2 else "bad"} for i in range(60)]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_check_lists_skipped_images(tmp_path, capsys):
    folder = _image_folder(tmp_path / "pics")
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "skipped: light/broken.png" in out


@pytest.mark.parametrize("kind", ["images", "text", "sequence"])
def test_each_data_kind_from_file_to_diagnosis(kind, tmp_path, capsys):
    project = tmp_path / "proj"
    if kind == "images":
        args = ["--data", str(_image_folder(tmp_path / "pics"))]
    elif kind == "text":
        args = ["--data", str(_texts(tmp_path / "t.csv")), "--target", "mood",
                "--text-column", "review"]
    else:
        args = ["--data", str(_long_sequences(tmp_path / "s.csv")), "--target", "label",
                "--sequence", "long", "--id-column", "series", "--time-column", "t",
                "--value-column", "value"]
    assert main(["new", str(project), *args]) == 0
    assert main(["run", str(project), "--until", "diagnose", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Sanity checks" in out
    p = open_project(project)
    assert p.goal.data_kind == kind and p.diagnosis.verdict
    from engine.models import zoo

    assert sorted(r.model for r in p.runs) == sorted(["majority", "linear",
                                                      zoo.default_kind(kind)])
    assert main(["train", str(project), "--set", "epochs=1", "--set", "optimizer=sgd"]) == 0
    assert len(open_project(project).runs) == 4


def test_train_refuses_a_setting_without_a_value(tmp_path, capsys):
    _image_folder(tmp_path / "pics")
    main(["new", str(tmp_path / "p"), "--data", str(tmp_path / "pics")])
    assert main(["train", str(tmp_path / "p"), "--set", "epochs"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err
