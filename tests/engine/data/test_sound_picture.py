"""A recording's picture: a pure tone draws a bright horizontal line on the mel row of its
pitch, time runs left to right, and the PNG is drawn once per clip (an unreadable clip has
none)."""

from __future__ import annotations

import os
import wave

import numpy as np
import pytest
from PIL import Image

from engine.data.sound_picture import (MELS, PICTURE_SIZE, log_mel, spectrogram_picture,
                                       spectrogram_png)


def tone(hz: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def expected_row(hz: float, rate: int) -> int:
    """The picture row (0 = top) of the mel band whose centre is nearest ``hz``, worked
    out here from the mel formula rather than taken from the module."""
    top = 2595 * np.log10(1 + (rate / 2) / 700)
    centres = 700 * (10 ** (np.linspace(0, top, MELS + 2)[1:-1] / 2595) - 1)
    return MELS - 1 - int(np.argmin(np.abs(centres - hz)))


def write_wav(path, values: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(values, -1, 1) * 32767).astype("<i2").tobytes())


@pytest.mark.parametrize("hz, rate", [(1000, 8000), (580, 8000), (3000, 16000)])
def test_a_pure_tone_is_a_bright_line_on_its_mel_row(hz, rate):
    picture = spectrogram_picture(tone(hz, rate), rate)
    assert picture.dtype == np.uint8 and picture.shape[0] == MELS
    assert picture.shape[1] > 20  # windows over one second
    row = expected_row(hz, rate)
    assert np.all(picture.argmax(axis=0) == row)  # the line is at the same row throughout
    assert picture[row].mean() > 240
    far = [r for r in range(MELS) if abs(r - row) > 3]
    assert picture[far].mean() < 40  # the rest of the picture stays dark


def test_time_runs_left_to_right_and_silence_is_dark():
    rate = 8000
    clip = np.concatenate([tone(2000, rate, 0.5), np.zeros(rate // 2, np.float32)])
    picture = spectrogram_picture(clip, rate)
    half = picture.shape[1] // 2
    row = expected_row(2000, rate)
    assert picture[row, :half - 4].mean() > 240
    assert picture[:, half + 4:].max() == 0  # 60 dB and more below the tone
    decibels = log_mel(clip, rate)
    assert decibels.shape == (MELS, picture.shape[1])
    assert decibels[MELS - 1 - row, 2] > decibels[MELS - 1 - row, -2] + 60


def test_the_png_is_drawn_once_per_clip_and_not_for_a_broken_file(tmp_path):
    clip = tmp_path / "whistle.wav"
    write_wav(clip, tone(1000, 8000, 0.5), 8000)
    folder = tmp_path / "pictures"
    png = spectrogram_png(clip, folder)
    assert png is not None and png.parent == folder and png.suffix == ".png"
    with Image.open(png) as image:
        assert image.size == PICTURE_SIZE and image.mode == "RGB"
        pixels = np.asarray(image)
    line = int(round((expected_row(1000, 8000) + 0.5) * PICTURE_SIZE[1] / MELS - 0.5))
    assert pixels[line].mean() > 2 * pixels[-3:].mean()  # the tone's line is the bright one
    drawn = png.stat().st_mtime_ns
    assert spectrogram_png(clip, folder) == png and png.stat().st_mtime_ns == drawn
    assert list(folder.iterdir()) == [png]  # no temporary files left behind

    write_wav(clip, tone(2000, 8000, 0.6), 8000)  # the clip changed: a new picture
    os.utime(clip, ns=(drawn + 10**9, drawn + 10**9))
    assert spectrogram_png(clip, folder) not in (None, png)

    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not a recording")
    assert spectrogram_png(broken, folder) is None
    assert spectrogram_png(tmp_path / "gone.wav", folder) is None
