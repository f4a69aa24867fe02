"""How long one "why this example" explanation takes on each bundled sample.

Each sample becomes a project, its rows are split and its default Keras model is trained
briefly (the explanation's cost does not depend on how well it learned); then the first
``ROWS`` dev rows are explained one by one, as the GUI's Why button and ``practica explain
--example`` do (open the dev rows, load the model, answer the copies, write the result).
Printed: the seconds of the first explanation (it traces the model) and the median of the
others, and how many copies of the row were answered. Run it with
``python -m bench.why_cost [sample ...]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROWS = 6
EPOCHS = 3


def measure(name: str, folder: Path) -> tuple[float, float, int]:
    """(first explanation s, median of the others s, copies answered per explanation)."""
    from engine.data.samples import SAMPLES
    from engine.diagnosis.why_example import explain_example
    from engine.goal.step import GoalChoice, new_project
    from engine.kinds.registry import data_kind
    from engine.project.project import open_project
    from engine.split.datasets import split_frame
    from engine.split.step import split_project
    from engine.training.job import TrainingSpec, run_training

    sample = SAMPLES[name]
    project = new_project(folder / name, GoalChoice(
        data=str(sample.path), target=sample.target, data_kind=sample.data_kind,
        text_column=sample.text_column, sequence=sample.sequence))
    split_project(project, seed=0)
    model = data_kind(sample.data_kind).default_family
    run = run_training(TrainingSpec(str(project.root), model, {"epochs": EPOCHS}))
    project = open_project(project.root)
    project.chosen_run = run.run_id
    project.save()
    rows = [int(r) for r in split_frame(project, "dev").index[:ROWS]]
    times, copies = [], 0
    for row in rows:
        start = time.perf_counter()
        why = explain_example(project, row)
        times.append(time.perf_counter() - start)
        copies = len(why.parts) + (len(why.heat) and _patches(why))
    return times[0], statistics.median(times[1:]), copies


def _patches(why) -> int:
    from engine.diagnosis.why_inputs import patch_boxes

    return len(patch_boxes(len(why.heat), len(why.heat[0])))


def main(argv: list[str]) -> None:
    from engine.data.samples import SAMPLES

    names = argv or list(SAMPLES)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'sample':18} {'first s':>8} {'then s':>8} {'copies':>7}")
        for name in names:
            first, then, copies = measure(name, Path(tmp))
            print(f"{name:18} {first:8.2f} {then:8.2f} {copies:7d}")


if __name__ == "__main__":
    main(sys.argv[1:])
