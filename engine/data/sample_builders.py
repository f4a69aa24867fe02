"""How the bundled samples beyond tables are made: an image folder, texts, sequences and
sounds.

The images are scikit-learn's handwritten digits (real scans, 8 x 8 pixels). The texts and
the sequences are generated with a fixed seed — short support-desk messages and vibration
signals of a machine — so anyone can try those data kinds offline; their descriptions say
they are generated. The machine sounds are generated too (hums, whistles and clicks as
WAV files). A test rebuilds each one and compares it with the bundled copy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.core.lazy_import import lazy_module

# pandas loads at the first frame read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

TEXT_TOPICS = {
    "billing": (["invoice", "charged", "refund", "payment", "bill", "price", "card",
                 "subscription", "twice", "receipt"],
                ["I was {w1} for my {w2} and want a {w3}",
                 "why is my {w1} higher this month, the {w2} looks wrong",
                 "please send the {w1} for my last {w2}",
                 "my {w1} was declined but the {w2} went through"]),
    "delivery": (["parcel", "delivery", "courier", "arrived", "late", "tracking", "address",
                  "package", "shipped", "box"],
                 ["my {w1} has not {w2} yet, where is it",
                  "the {w1} says {w2} but nothing came",
                  "can I change the {w1} for my {w2}",
                  "the {w1} left the {w2} at the wrong door"]),
    "technical": (["app", "login", "crash", "error", "password", "update", "screen",
                   "slow", "button", "sync"],
                  ["the {w1} shows an {w2} when I open it",
                   "after the {w1} the {w2} does not work",
                   "I cannot {w1}, the {w2} keeps spinning",
                   "the {w1} freezes on the {w2}"]),
}
FILLER = ["hello", "thanks", "please", "today", "again", "help", "urgent", "my", "the",
          "order", "account", "still", "since", "yesterday", "week"]


def digits_folder(folder: Path) -> Path:
    """Write scikit-learn's 1,797 digit scans as PNG files, one sub-folder per digit."""
    from PIL import Image
    from sklearn.datasets import load_digits

    raw = load_digits()
    folder = Path(folder)
    for i, (pixels, label) in enumerate(zip(raw.images, raw.target)):
        sub = folder / f"digit_{label}"
        sub.mkdir(parents=True, exist_ok=True)
        image = Image.fromarray((pixels * (255 / 16)).round().astype(np.uint8), mode="L")
        image.save(sub / f"{i:04d}.png", optimize=True)
    return folder


SOUND_RATE = 8000
SOUND_CLASSES = ("hum", "whistle", "clicks")


def machine_sounds_folder(folder: Path, per_class: int = 60, seed: int = 0) -> Path:
    """Write generated machine sounds as 16-bit WAV files at 8 kHz, about half a second
    each, one sub-folder per class: ``hum`` (a low tone with harmonics), ``whistle`` (a
    rising or falling high tone) and ``clicks`` (a train of short clicks), each with
    background noise of varied strength."""
    import wave

    rng = np.random.default_rng(seed)
    folder = Path(folder)
    for name in SOUND_CLASSES:
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            clip = _machine_sound(name, rng)
            with wave.open(str(sub / f"{name}_{i:03d}.wav"), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(SOUND_RATE)
                w.writeframes((clip * 32767).round().astype("<i2").tobytes())
    return folder


def _machine_sound(name: str, rng: np.random.Generator) -> np.ndarray:
    n = int(SOUND_RATE * rng.uniform(0.45, 0.55))
    t = np.arange(n) / SOUND_RATE
    if name == "hum":
        f0 = rng.uniform(100, 300)
        wave_ = sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.3)) / k
                    for k in (1, 2, 3))
    elif name == "whistle":
        start, end = rng.uniform(900, 2500, size=2)
        phase = 2 * np.pi * np.cumsum(np.linspace(start, end, n)) / SOUND_RATE
        wave_ = np.sin(phase)
    else:
        wave_ = np.zeros(n)
        gap = int(SOUND_RATE / rng.uniform(8, 25))
        for at in range(int(rng.integers(0, gap)), n - 40, gap):
            wave_[at:at + 40] += np.exp(-np.arange(40) / 6.0) * rng.choice([-1, 1])
    wave_ = wave_ / max(np.abs(wave_).max(), 1e-9) * rng.uniform(0.2, 0.6)
    noise = rng.normal(0, rng.uniform(0.01, 0.08), n)
    return np.clip(wave_ + noise, -0.95, 0.95)


def support_messages(n: int = 900, seed: int = 0) -> pd.DataFrame:
    """Generated support-desk messages with their topic (about 1 in 12 use another topic's
    words, as real messages do)."""
    rng = np.random.default_rng(seed)
    topics = list(TEXT_TOPICS)
    rows = []
    for _ in range(n):
        topic = topics[rng.integers(len(topics))]
        words, templates = TEXT_TOPICS[topic]
        source = TEXT_TOPICS[topics[rng.integers(len(topics))]][0] \
            if rng.random() < 1 / 12 else words
        w1, w2, w3 = rng.choice(source, 3, replace=False)
        body = templates[rng.integers(len(templates))].format(w1=w1, w2=w2, w3=w3)
        extra = " ".join(rng.choice(FILLER, rng.integers(0, 5)))
        rows.append({"message": f"{body} {extra}".strip(), "topic": topic,
                     "channel": rng.choice(["email", "chat", "phone"])})
    return pd.DataFrame(rows)


def vibration_signals(n: int = 600, steps: int = 64, seed: int = 0) -> pd.DataFrame:
    """Generated vibration signals of a machine, one series per row (``t0`` … ``t63``), and
    its state: ``normal``, ``unbalanced`` (a strong slow wave) or ``worn_bearing`` (short
    bursts of a fast wave)."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps)
    states = rng.choice(["normal", "unbalanced", "worn_bearing"], n, p=[0.5, 0.25, 0.25])
    rows = []
    for state in states:
        phase = rng.uniform(0, 2 * np.pi)
        x = 0.5 * np.sin(2 * np.pi * t / 16 + phase) + rng.normal(0, 0.35, steps)
        if state == "unbalanced":
            x += rng.uniform(0.4, 0.9) * np.sin(2 * np.pi * t / 32 + phase)
        elif state == "worn_bearing":
            start = rng.integers(0, steps - 12)
            x[start:start + 12] += rng.uniform(0.6, 1.2) * np.sin(2 * np.pi * t[:12] / 4)
        rows.append(x.round(4))
    frame = pd.DataFrame(rows, columns=[f"t{i}" for i in t])
    frame["state"] = states
    return frame
