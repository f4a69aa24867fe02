"""A folder of WAV, FLAC and OGG recordings is read as (file, class) rows: broken, empty,
silent, clipped and too short files are skipped with their reason; other rates are
resampled; every clip gets one length."""

import shutil
import wave

import numpy as np
import pytest
import soundfile

from engine.core.errors import DataError
from engine.data.samples import SAMPLES
from engine.data.sound_folder import is_sound_folder, read_sound_folder
from engine.kinds.sound_inputs import fit_sound_inputs, fit_to
from engine.kinds.sources import check_source, guess_data_kind


def write_wav(path, values, rate=8000):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.asarray(values) * 32767).round().astype("<i2").tobytes())


def tone(hz, seconds=0.5, rate=8000, level=0.3):
    t = np.arange(int(seconds * rate)) / rate
    return level * np.sin(2 * np.pi * hz * t)


@pytest.fixture
def messy_folder(tmp_path):
    root = tmp_path / "sounds"
    for i in range(4):
        write_wav(root / "low" / f"low_{i}.wav", tone(200 + 10 * i))
        write_wav(root / "high" / f"high_{i}.wav", tone(2000 + 50 * i, seconds=0.6))
    write_wav(root / "low" / "silent.wav", np.zeros(4000))
    write_wav(root / "low" / "clipped.wav", np.sign(tone(300)))
    write_wav(root / "high" / "short.wav", tone(2000, seconds=0.03))
    write_wav(root / "high" / "at_16k.wav", tone(2000, rate=16000), rate=16000)
    (root / "high" / "broken.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk")
    (root / "low" / "empty.wav").write_bytes(b"")
    write_wav(root / "low" / "nothing.wav", [])
    return root


def test_bad_files_are_skipped_with_their_reason(messy_folder):
    read = read_sound_folder(messy_folder)
    reasons = dict(read.skipped)
    assert set(reasons) == {"low/silent.wav", "low/clipped.wav", "high/short.wav",
                            "high/broken.wav", "low/empty.wav", "low/nothing.wav"}
    assert "silent" in reasons["low/silent.wav"]
    assert "clipped" in reasons["low/clipped.wav"]
    assert "too short" in reasons["high/short.wav"]
    assert "not a recording Practica can read" in reasons["high/broken.wav"]
    assert "zero samples" in reasons["low/nothing.wav"]
    assert sorted(read.frame["file"]) == sorted(
        [f"low/low_{i}.wav" for i in range(4)] + [f"high/high_{i}.wav" for i in range(4)]
        + ["high/at_16k.wav"])
    # the most common rate wins; the 16 kHz clip is resampled; the median length is kept
    assert read.rate == 8000 and read.samples == 4000
    assert "1 resampled" in read.notes[1] and "4 cut" in read.notes[1]


def test_the_check_lists_what_it_found_and_what_it_left_out(messy_folder):
    assert guess_data_kind(messy_folder) == "sound" and is_sound_folder(messy_folder)
    check = check_source(messy_folder)
    assert check.data_kind == "sound" and check.source_kind == "sound_folder"
    assert check.usable and check.features == ["file"]
    codes = {f.code: f for f in check.findings}
    assert "low/silent.wav (silent" in codes["skipped_files"].message
    assert any(f.code == "sound_plan" and "8,000 Hz (8), 16,000 Hz (1)" in f.message
               for f in check.findings)


def test_clips_at_another_rate_are_resampled_and_lengths_fitted(messy_folder):
    read = read_sound_folder(messy_folder)
    coding = fit_sound_inputs(read.frame, messy_folder, "binary", ["high", "low"], None)
    X = coding.transform(read.frame)
    assert X.shape == (9, 4000, 1) and X.dtype == np.float32
    row = list(read.frame["file"]).index("high/at_16k.wav")
    # the 16 kHz tone, brought to 8 kHz, is the same 2 kHz tone: its spectrum peaks there
    spectrum = np.abs(np.fft.rfft(X[row, :, 0]))
    assert abs(np.argmax(spectrum) * 8000 / 4000 - 2000) < 10
    assert np.abs(X[row, :, 0]).max() == pytest.approx(0.3, abs=0.02)
    assert fit_to(np.ones(10, np.float32), 8000, 8000, 4).tolist() == [1, 1, 1, 1]
    assert fit_to(np.ones(2, np.float32), 8000, 8000, 4).tolist() == [1, 1, 0, 0]


def test_a_folder_with_one_usable_class_is_refused(tmp_path):
    write_wav(tmp_path / "a" / "1.wav", tone(200))
    write_wav(tmp_path / "b" / "1.wav", np.zeros(4000))
    with pytest.raises(DataError, match="at least two"):
        read_sound_folder(tmp_path)


def test_an_image_folder_is_not_taken_for_sounds(tmp_path):
    shutil.copytree(SAMPLES["digits"].path / "digit_0", tmp_path / "zero")
    assert guess_data_kind(tmp_path) == "images"


def test_flac_and_ogg_files_are_read_like_wav_files(tmp_path):
    root = tmp_path / "sounds"
    for i in range(3):
        write_wav(root / "low" / f"low_{i}.wav", tone(250))
        write_wav(root / "high" / f"high_{i}.wav", tone(1500))
    (root / "low" / "stereo.flac").parent.mkdir(parents=True, exist_ok=True)
    stereo = np.column_stack([tone(250, rate=16000), tone(250, rate=16000)])
    soundfile.write(root / "low" / "stereo.flac", stereo, 16000)  # another rate, 2 channels
    soundfile.write(root / "high" / "tone.ogg", tone(1500, seconds=0.8), 8000)
    (root / "high" / "broken.flac").write_bytes(b"fLaC" + b"\x00not really flac" * 20)
    read = read_sound_folder(root)
    assert dict(read.skipped) == {"high/broken.flac": read.skipped[0][1]}
    assert "not a recording Practica can read" in read.skipped[0][1]
    assert {"low/stereo.flac", "high/tone.ogg"} <= set(read.frame["file"])
    assert read.rate == 8000 and read.samples == 4000  # the WAV files' rate and length win
    assert "1 resampled" in read.notes[1] and "1 cut" in read.notes[1]
    coding = fit_sound_inputs(read.frame, root, "binary", ["high", "low"], None)
    X = coding.transform(read.frame)
    files = list(read.frame["file"])
    for name, hz in (("low/stereo.flac", 250), ("high/tone.ogg", 1500)):
        clip = X[files.index(name), :, 0]
        peak = np.argmax(np.abs(np.fft.rfft(clip))) * 8000 / len(clip)
        assert abs(peak - hz) < 10, name  # the same tone after resampling and lossy coding
        assert np.abs(clip).max() == pytest.approx(0.3, abs=0.03)
