"""The fitted coding from a project's examples to model inputs, for every data kind.

Tables use ``engine.kinds.preprocess``; image folders, text and sequences have their own codings
(``engine.kinds.image_inputs``, ``engine.kinds.text_inputs``, ``engine.kinds.sequence_inputs``). Each is fitted
on the training rows only, saved as JSON, and offers the same face: ``kind``,
``transform(frame)``, ``input_shape``, ``flat(X)`` (inputs for the linear baseline),
``n_inputs``, ``target``, ``encode_target`` and ``decode_regression``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.project.project import Project
from engine.project.parts.goal import Goal

def data_kind(project: Project) -> str:
    """What the project's examples are: ``table``, ``images``, ``text`` or ``sequence``."""
    return str((project.goal or Goal()).data_kind or "table")


def fit_inputs(project: Project, train: pd.DataFrame, y_train: pd.Series,
               rows: np.ndarray | None = None):
    """Fit the coding of the project's data kind on the training rows: ``train`` itself, or
    its rows at positions ``rows`` (a table then takes them a column at a time, so the
    training rows are never copied whole)."""
    goal = project.goal or Goal()
    if rows is not None and data_kind(project) != "table":
        train, rows = train.iloc[rows], None
    task, labels = goal.task, list(goal.labels)
    kind = data_kind(project)
    if kind == "images":
        # Imported here to keep Pillow, scikit-learn out of start-up.
        from engine.kinds.image_inputs import fit_image_inputs

        return fit_image_inputs(train, project.source("main").path, task, labels, y_train)
    if kind == "text":
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.text_inputs import fit_text_inputs

        return fit_text_inputs(train, goal.text_column, task, labels, y_train)
    if kind == "sequence":
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sequence_inputs import columns_by_channel, fit_sequence_inputs

        return fit_sequence_inputs(train, columns_by_channel(project.features), task, labels,
                                   y_train)
    # Imported here to keep scikit-learn out of start-up.
    from engine.kinds.preprocess import fit_preprocessor

    return fit_preprocessor(train, project.features, task, labels=labels, y_train=y_train,
                            rows=rows)


def coding_from_dict(d: dict[str, Any]):
    """The coding saved as ``d`` (``to_dict`` of any of them)."""
    kind = d.get("kind", "table")
    if kind == "images":
        # Imported here to keep Pillow, scikit-learn out of start-up.
        from engine.kinds.image_inputs import ImageInputs

        return ImageInputs.from_dict(d)
    if kind == "text":
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.text_inputs import TextInputs

        return TextInputs.from_dict(d)
    if kind == "sequence":
        # Imported here to keep scikit-learn out of start-up.
        from engine.kinds.sequence_inputs import SequenceInputs

        return SequenceInputs.from_dict(d)
    # Imported here to keep scikit-learn out of start-up.
    from engine.kinds.preprocess import Preprocessor

    return Preprocessor.from_dict(d)
