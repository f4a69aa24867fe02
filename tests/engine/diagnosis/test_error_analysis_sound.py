"""Error analysis of recordings: each example names its clip and brings the picture of its
spectrogram, drawn in the engine into the project's ``spectrograms/`` folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from engine.data.samples import SAMPLES
from engine.data.sound_picture import PICTURE_SIZE, SPECTROGRAMS_DIR
from engine.diagnosis.error_analysis import analyse_errors
from engine.project.parts.error_analysis import ErrorCase
from engine.project.project import open_project
from tests.engine.diagnosis.test_error_analysis import trained


def sound_folder(where: Path, per_class: int = 12, last: bool = False) -> Path:
    """A small copy of the bundled machine sounds: the first clips of each class (the last
    ones with ``last``)."""
    for name in ("hum", "whistle", "clicks"):
        (where / name).mkdir(parents=True)
        clips = sorted((SAMPLES["machine_sounds"].path / name).glob("*.wav"))
        for wav in clips[-per_class:] if last else clips[:per_class]:
            shutil.copy(wav, where / name / wav.name)
    return where


def test_recordings_show_their_clip_and_its_spectrogram(tmp_path):
    data = sound_folder(tmp_path / "sounds")
    project = trained(tmp_path / "a", None, None, model="majority", data=data)
    analysis = analyse_errors(project)
    assert analysis.mistakes > 0 and analysis.examples
    pictures = Path(project.root) / SPECTROGRAMS_DIR
    for e in analysis.examples:
        clip = Path(e.sound)
        assert clip.is_file() and clip.parent.name == e.true
        assert clip.relative_to(data).as_posix() == e.values["file"]
        assert Path(e.image).parent == pictures
        with Image.open(e.image) as image:
            assert image.size == PICTURE_SIZE
    assert len({e.image for e in analysis.examples}) == len(analysis.examples)

    saved = open_project(project.root).error_analysis  # the clip's path is kept
    assert [e.sound for e in saved.examples] == [e.sound for e in analysis.examples]


def test_a_case_without_a_recording_saves_as_before():
    case = ErrorCase(row=3, true="a", predicted="b", image="x.png")
    assert "sound" not in case.to_dict()
    again = ErrorCase.from_dict(ErrorCase(row=3, sound="c.wav").to_dict())
    assert again.sound == "c.wav"
