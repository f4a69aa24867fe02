"""How the bundled samples beyond tables are made: an image folder, texts and sequences.

The images are scikit-learn's handwritten digits (real scans, 8 x 8 pixels). The texts and
the sequences are generated with a fixed seed — short support-desk messages and vibration
signals of a machine — so anyone can try those data kinds offline; their descriptions say
they are generated. A test rebuilds each one and compares it with the bundled copy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

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
