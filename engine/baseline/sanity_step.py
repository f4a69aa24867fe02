"""Before training for real: check the deep model of the project can learn at all.

Runs the checks of ``engine.baseline.sanity_checks`` — overfit a tiny subset with regularization
off, the loss at initialization against its expected value, a learning-rate range test —
on the project's training rows with the model the baseline is about to train, and keeps the
result in the project (``project.sanity``) so the Baseline page and the report show it.
"""

from __future__ import annotations

import math
from typing import Any

from engine.core.backend import import_keras
from engine.split.datasets import split_frame, target_values
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.project.parts.sanity import SanityRecord
from engine.project.project import Project
from engine.kinds.preprocess_store import load_preprocessor
from engine.core.texts import text
from engine.models.train_params import TrainParams


def run_sanity(project: Project, kind: str, params: dict[str, Any] | None = None,
               progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> SanityRecord:
    """Run the sanity checks for model ``kind`` with ``params``; save and return the report.

    Args:
        project: a project whose rows are split.
        kind: the zoo family to check (``mlp``, ``cnn`` ...).
        params: its architecture and training settings (defaults where missing).
        progress, cancel: events out, stop request in.

    Returns:
        The project's ``sanity`` part (``passed``, and each check with its plain verdict).
    """
    import_keras()  # quietly, before the Keras modules below load it
    # Imported here to keep Keras, scikit-learn out of start-up.
    from engine.training.keras_fit import build_compiled
    from engine.baseline.sanity_checks import run_all

    params = dict(params or {})
    train = TrainParams.from_dict(params)
    progress(StageStarted("sanity", text("stage.sanity")))
    coding = load_preprocessor(project)
    frame = split_frame(project, "train")
    X = coding.transform(frame)
    y = coding.encode_target(target_values(project, frame))
    steps = max(1, math.ceil(len(X) / train.batch_size))
    task = coding.target.task
    n_classes = max(len(coding.target.labels), 2)

    def build():
        return build_compiled(kind, coding, params, steps).model

    # A constant rate: a schedule counts steps of the whole training set, not of the subset.
    plain = {**params, "schedule": "none"}

    def build_plain():
        return build_compiled(kind, coding, plain, steps, regularize=False).model

    report = run_all(build, build_plain, X, y, task, n_classes, train.batch_size,
                     progress=progress, cancel=cancel, seed=train.seed).record(kind)
    project.sanity = report
    project.log("sanity_checked", text("decision.sanity_passed" if report.passed
                                       else "decision.sanity_failed", model=kind),
                model=kind, passed=report.passed)
    project.save()
    return report
