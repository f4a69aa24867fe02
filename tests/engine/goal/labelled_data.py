"""A table labelled by three people, each wrong a planted share of the time (shared by the
labeller tests of the engine, the CLI and the GUI)."""

from __future__ import annotations

import numpy as np
import pandas as pd

CLASSES = ("cat", "dog", "fox")
PEOPLE = ("ann", "bob", "cy")


def planted(rows: int = 3000, wrong: float = 0.08, seed: int = 0
            ) -> tuple[pd.DataFrame, np.ndarray]:
    """(the table, the true class of each row): each person independently gives a wrong
    class (any other, evenly) on ``wrong`` of the rows; the true class follows x1 and x2."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
    truth = np.where(x1 + x2 > 0.7, 2, np.where(x1 - x2 > 0, 1, 0))
    frame = pd.DataFrame({"x1": x1, "x2": x2})
    for name in PEOPLE:
        mistaken = rng.random(rows) < wrong
        other = (truth + rng.integers(1, len(CLASSES), rows)) % len(CLASSES)
        frame[name] = np.array(CLASSES)[np.where(mistaken, other, truth)]
    return frame, np.array(CLASSES)[truth]
