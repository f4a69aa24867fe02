"""Small data sets with planted problems for the tests of the split checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine.goal.step import GoalChoice, new_project


def table(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Two numbers, a category and a learnable yes/no target; no two rows alike."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(0, 1, n).round(4)
    x2 = rng.normal(5, 2, n).round(4)
    colour = rng.choice(["red", "green", "blue"], n)
    score = x1 + 0.3 * (x2 - 5) + (colour == "red") + rng.normal(0, 0.8, n)
    return pd.DataFrame({"x1": x1, "x2": x2, "colour": colour,
                         "label": np.where(score > 0.5, "yes", "no")})


def project_from(tmp_path: Path, frame: pd.DataFrame, target: str = "label",
                 second: pd.DataFrame | None = None, name: str = "p", **choice):
    """A project on ``frame`` (and ``second`` as the data you care about)."""
    path = tmp_path / f"{name}.csv"
    frame.to_csv(path, index=False)
    second_path = None
    if second is not None:
        second_path = tmp_path / f"{name}_care.csv"
        second.to_csv(second_path, index=False)
    return new_project(tmp_path / name, GoalChoice(str(path), target,
                                                   target_data=str(second_path)
                                                   if second_path else None, **choice))


def codes(findings) -> list[str]:
    return [f["code"] if isinstance(f, dict) else f.code for f in findings]


def by_code(findings, code: str) -> list:
    return [f for f in findings if (f["code"] if isinstance(f, dict) else f.code) == code]
