"""The tuning room's job requests: one search request for every face, and the overview.

``TuneRequest`` is what the Tune page, ``practica tune``, ``practica worker`` and
``practica run --until tune`` ask for; ``engine.tuning.step.tuning_budget`` turns it into
the study's settings and budget, in one place. It imports neither Optuna nor Keras, so the
GUI builds and checks it in its own process.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.defaults import TUNING_EPOCHS
from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class TuneRequest(JobRequest):
    """A search of a project's settings.

    Args:
        project: the project folder ("" where the caller fills it in: the workflow, the GUI
            session).
        trials: trials to run (None: only ``seconds`` limits).
        seconds: stop starting trials after this long (None: only ``trials`` limits).
        workers: processes running trials at once on this machine.
        sampler: ``random`` (default), ``grid`` or ``tpe``.
        pruner: ``median``, ``hyperband``, ``none``; empty: the sampler's default.
        epochs: most epochs per trial.
        space: the ranges (``SearchSpace.to_dict``); None: the recommended ranges of ``kind``.
        kind: the model family whose recommended ranges are searched (empty: the chosen
            model's family); used when ``space`` is None.
        round: 1 for the coarse search, 2 and on for narrowed ones.
        seed: sampler seed; None gives every worker its own random stream.
        storage: a database URL; empty for the journal file in the project folder.
        join: run more trials of the study as it was saved (``practica worker``) instead
            of starting or continuing it with these settings.
        first_trial: with ``join``, ``trials`` counts the study's trials from this number on.
        kfold: 0 scores each trial on the dev rows; K (2 to 10) by its mean error over K
            folds of the non-test rows (``engine.tuning.fold_scores``; offered on small
            data, see ``engine.diagnosis.kfold.data_size``).
        artifacts: the shared folder for the trials' models (``engine.tuning.trial_store``;
            empty: beside a study kept in a file).

    Result: ``TuningResult`` (``engine.tuning.objective``).
    """

    project: str = ""
    trials: int | None = None
    seconds: float | None = None
    workers: int = 1
    sampler: str = "random"
    pruner: str = ""
    epochs: int = TUNING_EPOCHS
    space: dict | None = None
    kind: str = ""
    round: int = 1
    seed: int | None = None
    storage: str = ""
    join: bool = False
    first_trial: int | None = None
    kfold: int = 0
    artifacts: str = ""

    @property
    def has_budget(self) -> bool:
        return self.trials is not None or self.seconds is not None


@dataclass(frozen=True)
class TuningOverviewRequest(JobRequest):
    """Rebuild ``tuning/summary.json`` from the study (trials made elsewhere).

    Result: a ``StepResult`` holding the summary.
    """

    project: str = ""
    storage: str = ""


@dataclass(frozen=True)
class StorageCheckRequest(JobRequest):
    """Try the study's database at ``storage`` (the Tune page's "Test the connection").

    Result: a ``StepResult`` with ``ok`` (it answers) and ``line`` (one plain sentence).
    """

    storage: str = ""
