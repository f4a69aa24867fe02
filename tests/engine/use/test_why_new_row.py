"""Why the model answered a row of new data (the Use page): rows are those of the
predictions, test rows stay out while the vault is closed, pictures get their overlay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.core.errors import DataError
from engine.goal.step import GoalChoice, new_project
from engine.project.project import open_project
from engine.split.step import split_project
from engine.training.job import TrainingSpec, run_training
from engine.use.prediction import predict_file
from engine.use.why_new_row import explain_new_row


def _trained(folder, data, target=None, **choice):
    project = new_project(folder / "proj", GoalChoice(data=str(data), target=target, **choice))
    split_project(project, seed=0)
    run = run_training(TrainingSpec(str(project.root), "linear", {}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    return project


def test_a_row_of_new_data_is_explained_as_predicted(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"signal": signal, "noise": rng.normal(size=n),
                          "label": np.where(signal > 0, "yes", "no")})
    frame.to_csv(tmp_path / "data.csv", index=False)
    project = _trained(tmp_path, tmp_path / "data.csv", "label")
    # The project's own file: its test rows are left out, so row 0 is the first other row.
    own = predict_file(project, tmp_path / "data.csv")
    why = explain_new_row(project, tmp_path / "data.csv", 0)
    assert why.row == -1 and why.truth is None
    assert why.answer == own["prediction"][0] and why.parts[0].name == "signal"
    assert abs(why.score - own["confidence"][0]) < 1e-6
    with pytest.raises(DataError, match="not in the predicted file"):
        explain_new_row(project, tmp_path / "data.csv", len(own))


def test_a_new_picture_gets_its_overlay_in_the_predictions_folder(tmp_path):
    from PIL import Image

    rng = np.random.default_rng(1)
    for folder, count in ((tmp_path / "pics", 20), (tmp_path / "new", 2)):
        for label, bright in (("dark", 60), ("light", 190)):
            (folder / label).mkdir(parents=True)
            for i in range(count):
                pixels = np.clip(rng.normal(bright, 30, (10, 10)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels, mode="L").save(folder / label / f"{i}.png")
    project = _trained(tmp_path, tmp_path / "pics")
    why = explain_new_row(project, tmp_path / "new", 1)
    assert len(why.heat) == 10 and why.image.startswith(str(tmp_path / "new"))
    assert why.overlay == str(project.root / "predictions" / "why" / "new-row-2.png")
    with Image.open(why.overlay) as img:
        assert max(img.size) == 320
