"""A picture of a recording: its log-mel spectrogram as a small coloured PNG, so a person
can see a clip beside its prediction (error analysis, the Use page) before playing it.

The clip (``read_wave``: any WAV Practica reads, channels mixed down) is cut into windows
of about 32 ms (a power of two, at least 128 samples) hopping a quarter window; each
window's power spectrum is summed into ``MELS`` triangular bands equally spaced on the mel
scale from 0 Hz to half the sample rate (the scale of the sound CNN's own spectrogram) and
put in decibels. The picture keeps the loudest ``TOP_DB`` decibels: time runs left to right,
low pitches at the bottom, loud is bright. Only the first ``MAX_SECONDS`` are drawn.

The GUI only shows the PNG: it is written here, in the engine, into a folder the caller
names (the project's ``spectrograms/``), under a name made from the clip's path, size and
modification time, so a clip drawn once is not drawn again.

Example:
    >>> rate = 8000
    >>> tone = np.sin(2 * np.pi * 1000 * np.arange(rate) / rate).astype(np.float32)
    >>> picture = spectrogram_picture(tone, rate)
    >>> picture.shape[0], picture.dtype.name
    (40, 'uint8')
    >>> int(np.median(picture.argmax(axis=0))) == MELS - 1 - int(np.argmin(abs(mel_centres(rate) - 1000)))
    True
"""

from __future__ import annotations

import hashlib
import os
import wave
from pathlib import Path

import numpy as np

from engine.core import atomic
from engine.data.sound_folder import read_wave

MELS = 40
TOP_DB = 60.0
WINDOW_SECONDS = 0.032
MIN_FFT = 128
MAX_SECONDS = 10.0
PICTURE_SIZE = (128, 64)  # width, height of the PNG in pixels
SPECTROGRAMS_DIR = "spectrograms"
# Dark blue to purple, orange and pale yellow (loud): readable when small and in grey.
COLOURS = np.array([[0, 0, 4], [59, 15, 112], [140, 41, 129], [222, 73, 104],
                    [254, 159, 109], [252, 253, 191]], dtype=float)


def mel_of(hz):
    """Mels of a frequency in hertz (the HTK formula)."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=float) / 700.0)


def hz_of(mel):
    """Hertz of a pitch in mels (the inverse of ``mel_of``)."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=float) / 2595.0) - 1.0)


def mel_centres(rate: int, mels: int = MELS) -> np.ndarray:
    """The centre frequency (Hz) of each mel band, lowest first.

    Example:
        >>> [round(float(f)) for f in mel_centres(8000, 3)]
        [427, 1114, 2220]
    """
    return hz_of(np.linspace(0.0, mel_of(rate / 2), mels + 2))[1:-1]


def fft_length(rate: int) -> int:
    """The window length in samples: about ``WINDOW_SECONDS``, a power of two.

    Example:
        >>> fft_length(8000), fft_length(16000), fft_length(44100)
        (256, 512, 2048)
    """
    return max(MIN_FFT, 1 << int(np.ceil(np.log2(rate * WINDOW_SECONDS))))


def mel_filters(rate: int, fft: int, mels: int = MELS) -> np.ndarray:
    """Triangular mel filters (mels, fft // 2 + 1): each band rises from the centre below
    it to its own centre and falls to the centre above."""
    edges = hz_of(np.linspace(0.0, mel_of(rate / 2), mels + 2))
    bins = np.linspace(0.0, rate / 2, fft // 2 + 1)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins - lower) / (centre - lower)
    falling = (upper - bins) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def log_mel(values: np.ndarray, rate: int, mels: int = MELS) -> np.ndarray:
    """The log-mel spectrogram (decibels) of a clip: (mels, windows), lowest band first.

    A clip shorter than one window is padded with silence to one window.
    """
    values = np.asarray(values, dtype=np.float32).ravel()
    fft = fft_length(rate)
    hop = fft // 4
    if len(values) < fft:
        values = np.pad(values, (0, fft - len(values)))
    count = 1 + (len(values) - fft) // hop
    starts = np.arange(count) * hop
    frames = values[starts[:, None] + np.arange(fft)] * np.hanning(fft).astype(np.float32)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    bands = mel_filters(rate, fft, mels) @ power.T
    return 10.0 * np.log10(np.maximum(bands, 1e-10))


def spectrogram_picture(values: np.ndarray, rate: int, mels: int = MELS) -> np.ndarray:
    """The spectrogram as grey levels (uint8, mels x windows): the top row is the highest
    band, 255 the loudest cell and 0 anything ``TOP_DB`` below it (or quieter)."""
    decibels = log_mel(np.asarray(values)[:int(MAX_SECONDS * rate)], rate, mels)[::-1]
    top = float(decibels.max())
    scaled = (decibels - (top - TOP_DB)) / TOP_DB
    return np.round(255 * np.clip(scaled, 0.0, 1.0)).astype(np.uint8)


def coloured(picture: np.ndarray) -> np.ndarray:
    """Grey levels (h, w) as RGB (h, w, 3) along ``COLOURS``."""
    stops = np.linspace(0, 255, len(COLOURS))
    rgb = [np.interp(picture, stops, COLOURS[:, c]) for c in range(3)]
    return np.round(np.stack(rgb, axis=-1)).astype(np.uint8)


def spectrogram_png(clip: str | Path, folder: str | Path) -> Path | None:
    """Draw the spectrogram of the WAV file ``clip`` into ``folder`` (once) and return the
    PNG's path; None when the clip cannot be read."""
    clip = Path(clip)
    try:
        stat = os.stat(clip)
    except OSError:
        return None
    key = f"{clip.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    out = Path(folder) / f"{hashlib.sha256(key).hexdigest()[:20]}.png"
    if out.is_file():
        return out
    try:
        values, rate = read_wave(clip)
    except (OSError, EOFError, wave.Error, ValueError):
        return None
    # Imported here to keep Pillow out of start-up.
    from PIL import Image

    image = Image.fromarray(coloured(spectrogram_picture(values, rate)), "RGB")
    image = image.resize(PICTURE_SIZE, Image.Resampling.BILINEAR)
    with atomic.atomic_path(out, suffix=".png") as tmp:
        image.save(tmp, format="PNG")
    return out
