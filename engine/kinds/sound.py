"""The sound kind: a folder with one sub-folder of recordings (WAV, FLAC, OGG) per class.

Its coding is ``engine.kinds.sound_inputs`` (waveforms of one rate and length; the model
computes the spectrogram itself); keys come from the files' content and drift compares
the clips' lengths and loudness (``engine.kinds.sound_keys``); a clip is explained by time
windows, like a series with one channel.

Example:
    >>> SOUND.folder, SOUND.default_family, SOUND.key_columns(["file"], None)
    (True, 'sound_cnn', ['file'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.kinds.kind import DataKind
from engine.project.parts.goal import Goal


@dataclass(frozen=True)
class SoundKind(DataKind):
    """Sound folders (see the module doc)."""

    def fit_inputs(self, project, train, y_train, rows=None):
        # Imported here to keep SciPy, pandas out of start-up.
        from engine.kinds.sound_inputs import fit_sound_inputs

        goal = project.goal or Goal()
        if rows is not None:
            train = train.iloc[rows]
        return fit_sound_inputs(train, project.source("main").path, goal.task,
                                list(goal.labels), y_train)

    def coding_from_dict(self, d: dict[str, Any]):
        # Imported here to keep SciPy, pandas out of start-up.
        from engine.kinds.sound_inputs import SoundInputs

        return SoundInputs.from_dict(d)

    def input_columns(self, coding) -> list[dict[str, Any]]:
        return [{"name": "file", "kind": "sound", "rate": coding.rate,
                 "samples": coding.samples}]

    def key_columns(self, features, text_column):
        return ["file"]

    def example_keys(self, frame, columns, root, cancel):
        # Imported here to keep pandas out of start-up.
        from engine.kinds.sound_keys import sound_keys

        return sound_keys(frame, root, self.name)

    def drift_inputs(self, a, b, columns, images=None):
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sound_keys import sound_sides

        return sound_sides(images[0], images[1])

    def check_source(self, path, target, text_column, sequence, progress, cancel):
        # Imported here to keep pandas out of start-up.
        from engine.data.source_check import check_sound_folder

        return check_sound_folder(path)

    def example_shower(self, features, text_column, root):
        # Imported here to keep pandas out of a kind's lookup.
        from engine.kinds.showing import sound_shower

        return sound_shower(root)


SOUND = SoundKind("sound", augmentation="sound", default_family="sound_cnn", folder=True,
                  explained_by="channels_and_windows",
                  error_tags=("mislabeled", "ambiguous", "rare_case", "noisy", "too_short"))
