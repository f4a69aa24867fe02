"""The world of the vault probe (``test_vault_entry_points``): a split project whose test
rows carry a sentinel, a new-data file, and helpers to call engine functions on it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from engine.project.project import open_project
from tests.conftest import make_mixed_frame
from tests.engine.project.vault_probe import SENTINEL, entry_points, leaks


class Context:
    """The probe project and helpers to call engine functions on it."""

    def __init__(self, root: Path, out: Path, test_rows: set[int], data: Path, new: Path,
                 functions: dict | None = None, found: list[str] | None = None):
        self.root, self.out, self.test_rows, self.data, self.new = root, out, test_rows, \
            data, new
        self.functions = functions or entry_points()
        self.found = [] if found is None else found

    def project(self):
        return open_project(self.root)

    def prep(self):
        from engine.kinds.preprocess_store import load_preprocessor

        return load_preprocessor(self.project())

    def members(self):
        from engine.final.ensemble import ensemble_members

        return ensemble_members(self.project(), 3)

    def call(self, short: str, *args, **kwargs):
        """Call the engine function whose name ends with ``short`` (there must be one)."""
        names = [n for n in self.functions if n.endswith(f".{short}")]
        assert len(names) == 1, names
        return self.functions[names[0]](*args, **kwargs)

    def check(self, label: str, value) -> None:
        self.found += [f"{label}: {what}" for what in leaks(value, self.test_rows)]


def probe_world(folder: Path) -> tuple[Path, Path, set[int], Path]:
    """The data file with the sentinel in its test rows, a new-data file, the test rows
    and the probe project (split)."""
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project

    frame = make_mixed_frame(160)
    frame.insert(0, "code", [f"r{i:03d}" for i in range(len(frame))])
    first = folder / "first.csv"
    frame.to_csv(first, index=False)
    scratch = new_project(folder / "scratch", GoalChoice(data=str(first), target="bought"))
    split_project(scratch, seed=3)
    test_rows = vaulted_rows(scratch.root)
    for row in test_rows:
        frame.loc[row, "code"] = f"{SENTINEL}{row:03d}"
    data = folder / "customers.csv"
    frame.to_csv(data, index=False)
    project = new_project(folder / "probe", GoalChoice(data=str(data), target="bought"))
    split_project(project, seed=3)
    assert vaulted_rows(project.root) == test_rows and "code" not in project.features
    new = make_mixed_frame(60, seed=9)
    new.insert(0, "code", [f"n{i:03d}" for i in range(len(new))])
    new.drop(columns="bought").to_csv(folder / "new.csv", index=False)
    return data, folder / "new.csv", test_rows, project.root


def vaulted_rows(root: Path) -> set[int]:
    return set(json.loads((root / "splits.json").read_text())["test"]["rows"])


def copy_of(ctx: Context, name: str) -> Path:
    target = ctx.out / name
    shutil.copytree(ctx.root, target)
    return target
