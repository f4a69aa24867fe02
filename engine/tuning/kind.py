"""Which model family a tuning study searches when the user does not say.

The family of the chosen run when it is a network or boosted trees (the model the diagnosis
is about), else the usual network for the project's kind of data.
"""

from __future__ import annotations

from engine.kinds.input_coding import data_kind
from engine.models import simple_baselines, zoo
from engine.project.project import Project


def tuning_kind(project: Project) -> str:
    """The Keras family (``mlp``, ``cnn`` ...) or the trees to tune on ``project``."""
    if project.chosen_run and any(r.id == project.chosen_run for r in project.runs):
        model = project.run(project.chosen_run).model
        if zoo.is_keras_kind(model) or model == simple_baselines.TREES:
            return model
    return zoo.default_kind(data_kind(project))
