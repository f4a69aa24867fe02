"""Read a folder of sound recordings sorted into one sub-folder per class, as a table.

Like an image folder (``engine.data.image_folder``): the chosen folder holds one
sub-folder per class and every WAV, FLAC or OGG file inside a class folder, at any depth,
is one example. The result is a frame with the columns ``file`` and ``class``. Each file
is read once (``soundfile``, which wraps libsndfile: WAV of any sample format, FLAC, OGG
Vorbis; any number of channels, mixed down to one) and skipped, with a plain reason, when
it cannot be read, holds no sound, is silent, is clipped (a large share of its samples at
full scale) or is shorter than ``MIN_SECONDS``. The read also says what the model will get: one sample rate (the
most common one, at most ``MAX_RATE``; other rates are resampled) and one length (the
median length, at most ``MAX_SECONDS``; longer clips are cut, shorter ones padded with
silence).

Use:
    read = read_sound_folder("machines")
    read.rate, read.samples, read.skipped[:1]
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engine.core.errors import DataError
from engine.core.texts import text
from engine.data.image_folder import check_class_files, files_below

SOUND_SUFFIXES = (".wav", ".wave", ".flac", ".ogg", ".oga")
MIN_SECONDS = 0.1
MAX_SECONDS = 5.0
MAX_RATE = 16000
SILENT_RMS = 1e-4  # root-mean-square level below this share of full scale: silent
FULL_SCALE = 0.999
CLIPPED_SHARE = 0.05  # this share of samples at full scale or more: clipped
SMALL_CLASS = 10


@dataclass(frozen=True)
class SoundFacts:
    """What one readable, usable clip is: its sample rate and length in samples."""

    rate: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


@dataclass(frozen=True, eq=False)
class SoundFolderRead:
    """A sound folder read as examples: ``frame`` (file, class), what was left out and why,
    the rate and length (in samples) the clips are brought to, and the notes to show."""

    frame: pd.DataFrame
    skipped: tuple[tuple[str, str], ...]
    classes: tuple[str, ...]
    notes: tuple[str, ...]
    rate: int
    samples: int
    root: Path


def is_sound_file(name: str) -> bool:
    """Whether a file's name says it is a recording Practica reads.

    Example:
        >>> is_sound_file("dog/bark.WAV"), is_sound_file("owl.flac"), is_sound_file("cat.png")
        (True, True, False)
    """
    return str(name).lower().endswith(SOUND_SUFFIXES)


def is_sound_folder(root: str | Path) -> bool:
    """Whether the folder holds more recordings than other files (it is read as sound)."""
    files = [f for f in files_below(Path(root), "")]
    sounds = sum(1 for f in files if is_sound_file(f))
    return sounds > 0 and sounds * 2 >= len(files)


def read_wave(path: str | Path) -> tuple[np.ndarray, int]:
    """The waveform of a recording (WAV, FLAC or OGG) as float32 in -1..1, channels
    averaged, and its sample rate.

    Raises:
        OSError: the file cannot be opened.
        ValueError: the file is not a recording libsndfile can decode (damaged, cut short,
            another format).
    """
    # Imported here to keep libsndfile out of start-up.
    import soundfile

    try:
        values, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except soundfile.SoundFileError as exc:  # libsndfile's own errors, missing files too
        raise ValueError(str(exc)) from exc
    return values.mean(axis=1).astype(np.float32), int(rate)


def check_sound(path: str | Path) -> tuple[SoundFacts | None, str]:
    """The facts of one recording, or None and the plain reason it is left out."""
    try:
        values, rate = read_wave(path)
    except (OSError, ValueError):
        return None, text("sounds.reason_unreadable")
    if rate <= 0 or len(values) == 0:
        return None, text("sounds.reason_empty")
    if len(values) / rate < MIN_SECONDS:
        return None, text("sounds.reason_short", seconds=f"{len(values) / rate:.2f}",
                          least=MIN_SECONDS)
    if float(np.sqrt(np.mean(values.astype(np.float64) ** 2))) < SILENT_RMS:
        return None, text("sounds.reason_silent")
    clipped = float(np.mean(np.abs(values) >= FULL_SCALE))
    if clipped >= CLIPPED_SHARE:
        return None, text("sounds.reason_clipped", share=f"{clipped:.0%}")
    return SoundFacts(rate, len(values)), ""


def chosen_rate(rates: list[int]) -> int:
    """The one rate every clip is brought to: the most common, at most ``MAX_RATE``.

    Example:
        >>> chosen_rate([8000, 8000, 44100]), chosen_rate([44100])
        (8000, 16000)
    """
    return min(Counter(rates).most_common(1)[0][0], MAX_RATE)


def chosen_samples(seconds: list[float], rate: int) -> int:
    """The one length, in samples at ``rate``: the median length, at most ``MAX_SECONDS``.

    Example:
        >>> chosen_samples([0.5, 0.5, 2.0], 8000)
        4000
    """
    return max(1, int(round(min(float(np.median(seconds)), MAX_SECONDS) * rate)))


def read_sound_folder(root: str | Path) -> SoundFolderRead:
    """Read the sound folder ``root`` (one sub-folder of recordings per class).

    Raises:
        DataError: the folder is missing, has no class folders, or fewer than two class
            folders hold usable recordings.
    """
    root = Path(root)
    class_dirs, rows, skipped, facts = check_class_files(root, check_sound, is_sound_file)
    counts = Counter(name for _, name in rows)
    classes = tuple(name for name in class_dirs if counts[name])
    if len(classes) < 2:
        raise DataError(text("sounds.too_few_classes", path=root, count=len(classes),
                             skipped=len(skipped)))
    rate = chosen_rate([f.rate for f in facts])
    samples = chosen_samples([f.seconds for f in facts], rate)
    notes = [text("sounds.note_found", count=len(rows), rates=_rates(facts),
                  shortest=f"{min(f.seconds for f in facts):.2f}",
                  longest=f"{max(f.seconds for f in facts):.2f}")]
    resampled = sum(1 for f in facts if f.rate != rate)
    notes.append(text("sounds.note_plan", rate=f"{rate:,}", seconds=f"{samples / rate:.2f}",
                      resampled=resampled,
                      cut=sum(1 for f in facts if f.seconds * rate > samples),
                      padded=sum(1 for f in facts if f.seconds * rate < samples)))
    notes += [text("images.note_empty_class", name=n) for n in class_dirs if not counts[n]]
    notes += [text("images.note_small_class", name=n, count=counts[n]) for n in classes
              if counts[n] < SMALL_CLASS]
    frame = pd.DataFrame(rows, columns=["file", "class"]).sort_values("file")
    return SoundFolderRead(frame.reset_index(drop=True), tuple(sorted(skipped)), classes,
                           tuple(notes), rate, samples, root)


def _rates(facts: list[SoundFacts]) -> str:
    counted = Counter(f.rate for f in facts).most_common()
    return ", ".join(f"{rate:,} Hz ({n})" for rate, n in counted)
