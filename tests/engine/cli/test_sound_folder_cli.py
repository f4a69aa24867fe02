"""``practica new DIR --data SOUND_FOLDER`` says what it found and left out; ``run --until
report`` walks a sound project through every step to a report."""

import shutil

import pandas as pd

from engine.cli.main import main as cli_main
from engine.data.samples import SAMPLES
from engine.project.project import open_project


def test_a_sound_folder_goes_from_new_to_report(tmp_path, capsys):
    data = tmp_path / "sounds"
    for name in ("hum", "whistle", "clicks"):
        (data / name).mkdir(parents=True)
        for wav in sorted((SAMPLES["machine_sounds"].path / name).glob("*.wav"))[:30]:
            shutil.copy(wav, data / name / wav.name)
    (data / "hum" / "broken.wav").write_bytes(b"not a recording")
    root = tmp_path / "project"
    assert cli_main(["new", str(root), "--data", str(data)]) == 0
    said = capsys.readouterr().out
    assert "Found 90 usable recordings at 8,000 Hz (90)" in said
    assert "hum/broken.wav (not a recording Practica can read" in said
    assert cli_main(["run", str(root), "--until", "report", "--epochs", "20"]) == 0
    said = capsys.readouterr().out
    assert "Steps run: data, baseline, diagnose, final, report." in said
    project = open_project(root)
    assert project.goal.data_kind == "sound"
    deep = [r for r in project.runs if r.model == "sound_cnn"]
    assert deep and deep[0].metrics["dev"]["accuracy"] > 0.5  # chance is 1/3
    assert list(root.rglob("*.pdf"))

    new = tmp_path / "new"
    new.mkdir()
    for wav in sorted((SAMPLES["machine_sounds"].path / "whistle").glob("*.wav"))[-5:]:
        shutil.copy(wav, new / wav.name)
    (new / "readme.txt").write_text("not a recording", encoding="utf-8")
    out = tmp_path / "predictions.csv"
    assert cli_main(["predict", str(root), str(new), "--out", str(out),
                     "--run", deep[0].id]) == 0
    assert "1 files were skipped" in capsys.readouterr().out
    predicted = pd.read_csv(out)
    assert len(predicted) == 5 and (predicted["prediction"] == "whistle").sum() >= 3
