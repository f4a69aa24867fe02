"""The job requests of the pretrained weights: fetch a backbone's file, or add one the user
has. Neither needs a project."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class FetchWeightsRequest(JobRequest):
    """Download backbone ``name``'s weights into the Keras cache (``side``: picture height
    and width, () for 224 x 224).

    Result: a ``StepResult`` holding ``fetch_weights``' dict.
    """

    name: str = ""
    side: tuple[int, ...] = ()


@dataclass(frozen=True)
class AddWeightsRequest(JobRequest):
    """Copy the user's weights file ``path`` for backbone ``name`` into the Keras cache,
    after checking it.

    Result: a ``StepResult`` holding ``add_weights_file``'s dict.
    """

    name: str = ""
    path: str = ""
    side: tuple[int, ...] = ()
