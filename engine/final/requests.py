"""The final room's job requests: the test-set evaluation and the ensemble's scoring."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.defaults import CORRECTION, ENSEMBLE_MEMBERS, FINAL_SEEDS
from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class FinalTestRequest(JobRequest):
    """Open the vault and score the finalists on the test set.

    ``override`` and ``new_experiment`` are the user's reasons for going past the checks
    before the vault (``engine.final.gate``); empty: no override, no second look.
    ``retrain_on_dev``: test the chosen settings trained again on training and dev rows.

    Result: a ``StepResult`` holding ``run_final_test``'s dict.
    """

    project: str = ""
    seeds: int = FINAL_SEEDS
    ensemble: bool = False
    correction: str = CORRECTION
    override: str = ""
    new_experiment: str = ""
    retrain_on_dev: bool = False


@dataclass(frozen=True)
class EnsembleRequest(JobRequest):
    """Score an ensemble of the ``k`` best runs on dev.

    Result: a ``StepResult`` holding ``score_ensemble``'s record.
    """

    project: str = ""
    k: int = ENSEMBLE_MEMBERS


@dataclass(frozen=True)
class EnsembleRunRequest(JobRequest):
    """Make an ensemble a run of its own: of the runs ``runs`` names, else of the ``size``
    best runs that may join (``engine.final.ensemble_run``).

    Result: a ``StepResult`` holding ``EnsembleMade.to_dict()``.
    """

    project: str = ""
    runs: tuple[str, ...] = ()
    size: int = ENSEMBLE_MEMBERS
