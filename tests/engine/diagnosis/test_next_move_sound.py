"""Against overfitting, a sound run is proposed sound augmentation in its own words, off
until asked for, and the changes the user picked stay picked."""

import shutil

from engine.data.samples import SAMPLES
from engine.diagnosis.next_move import recommended_move
from engine.goal.step import GoalChoice, new_project
from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.run_record import RunRecord
from engine.split.step import split_project


def test_recordings_are_proposed_sound_augmentation(tmp_path):
    data = tmp_path / "sounds"
    for name in ("hum", "whistle"):
        (data / name).mkdir(parents=True)
        for wav in sorted((SAMPLES["machine_sounds"].path / name).glob("*.wav"))[:12]:
            shutil.copy(wav, data / name / wav.name)
    project = new_project(tmp_path / "proj", GoalChoice(data=str(data), target=None))
    split_project(project, seed=0)
    project.runs.append(RunRecord("r1", "sound_cnn", "sound CNN", "finished",
                                  "2026-01-01T00:00:00",
                                  params={"augment": 0.0, "sound_pitch": True}))
    project.chosen_run = "r1"
    project.diagnosis = DiagnosisRecord(run="r1", verdict="variance")
    move = recommended_move(project)
    assert move.model == "sound_cnn" and move.params["augment"] == 0.0  # off until asked
    assert "training recording gets a little background noise" in move.proposal
    chosen = move.with_extra()
    assert chosen["augment"] > 0 and chosen["sound_pitch"] is True  # the user's pick stays
