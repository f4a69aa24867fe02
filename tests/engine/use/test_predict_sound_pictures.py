"""Predicting a folder of recordings for the Use page: the first rows come back with their
clip and the picture of its spectrogram (drawn beside the predictions); the command line,
which asks for no pictures, draws none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from engine.app.job_catalog import run_request
from engine.core.jobs import NEVER, StageStarted
from engine.data.sound_picture import SPECTROGRAMS_DIR
from engine.project.project import open_project
from engine.use.prediction_job import PREVIEW_ROWS, predict_to_csv
from engine.use.requests import PredictRequest
from tests.engine.diagnosis.test_error_analysis import trained
from tests.engine.diagnosis.test_error_analysis_sound import sound_folder


def test_the_first_predicted_recordings_bring_their_pictures(tmp_path):
    data = sound_folder(tmp_path / "sounds", per_class=10)
    project = trained(tmp_path / "a", None, None, model="linear", data=data)
    project.save()
    new = sound_folder(tmp_path / "new", per_class=8, last=True)  # none of them in the project
    (new / "notes.txt").write_text("not a recording", encoding="utf-8")

    events = []
    result = run_request(PredictRequest(project=str(project.root), path=str(new)),
                         events.append, NEVER).to_dict()
    assert "pictures" in [e.stage for e in events if isinstance(e, StageStarted)]
    written = pd.read_csv(result["out"])
    assert len(written) == 24 and len(result["clips"]) == min(24, PREVIEW_ROWS)
    folder = Path(result["out"]).parent / SPECTROGRAMS_DIR
    for k, clip in enumerate(result["clips"]):
        assert Path(clip["sound"]) == new / written["file"][k]  # the row's own recording
        assert Path(clip["picture"]).parent == folder and Path(clip["picture"]).is_file()

    out = tmp_path / "cli.csv"
    summary = predict_to_csv(open_project(project.root), new, out)
    assert summary.clips == () and summary.to_dict()["clips"] == []
    assert not (tmp_path / SPECTROGRAMS_DIR).exists()
