"""The fitted coding from a project's examples to model inputs, for every data kind.

Each kind (``engine.kinds.registry``) fits its own: tables ``engine.kinds.preprocess``;
image folders, text and sequences ``engine.kinds.image_inputs``,
``engine.kinds.text_inputs``, ``engine.kinds.sequence_inputs``. Each is fitted on the
training rows only, saved as JSON, and offers the same face: ``kind``,
``transform(frame)``, ``input_shape``, ``flat(X)`` (inputs for the linear baseline),
``n_inputs``, ``target``, ``encode_target`` and ``decode_regression``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from engine.kinds.registry import data_kind as kind_named, kind_of
from engine.project.project import Project

if TYPE_CHECKING:  # pandas only names types here; keeping it out of the GUI's start-up
    import pandas as pd


def data_kind(project: Project) -> str:
    """What the project's examples are: ``table``, ``images``, ``text`` or ``sequence``."""
    return kind_of(project).name


def fit_inputs(project: Project, train: pd.DataFrame, y_train: pd.Series,
               rows: np.ndarray | None = None):
    """Fit the coding of the project's data kind on the training rows: ``train`` itself, or
    its rows at positions ``rows`` (a table then takes them a column at a time, so the
    training rows are never copied whole)."""
    return kind_of(project).fit_inputs(project, train, y_train, rows)


def coding_from_dict(d: dict[str, Any]):
    """The coding saved as ``d`` (``to_dict`` of any of them)."""
    return kind_named(d.get("kind", "table")).coding_from_dict(d)
