"""The diagnosis room's job requests: the error ladder, the learning curve, error analysis,
which inputs matter, why one example got its answer."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class DiagnoseRequest(JobRequest):
    """Read the error ladder of ``run`` (empty: the best run) and make it the chosen model.

    Result: a ``StepResult`` holding ``diagnose_project``'s dict.
    """

    project: str = ""
    run: str = ""


@dataclass(frozen=True)
class LearningCurveRequest(JobRequest):
    """Draw the learning curve at ``sizes`` (empty: the default sizes) with ``seeds`` seeds
    each (0: the default) and at most ``max_epochs`` epochs (None: the run's own); with
    ``folds`` = K (0: off) each size is fitted once per fold of the non-test rows instead.

    Result: a ``StepResult`` holding ``draw_learning_curve``'s dict.
    """

    project: str = ""
    sizes: tuple[float, ...] = ()
    seeds: int = 0
    max_epochs: int | None = None
    folds: int = 0


@dataclass(frozen=True)
class KfoldRequest(JobRequest):
    """Compare ``models`` (empty: the baselines and the network) by ``folds``-fold
    cross-validation on the non-test rows, each network for ``epochs`` epochs; the default
    network is ``deep_kind`` (None: the data kind's usual one); ``force`` runs it on data
    that is not small.

    Result: a ``StepResult`` holding ``compare_by_kfold``'s dict.
    """

    project: str = ""
    folds: int = 5
    models: tuple[str, ...] = ()
    epochs: int = 20
    force: bool = False
    deep_kind: str | None = None


@dataclass(frozen=True)
class ErrorAnalysisRequest(JobRequest):
    """Sample the chosen model's dev mistakes for tagging.

    Result: a ``StepResult`` with ``run``, ``mistakes`` and ``examples`` (a count).
    """

    project: str = ""
    seed: int = 0


@dataclass(frozen=True)
class ExplainRequest(JobRequest):
    """Measure which inputs ``run`` (empty: the chosen run) relies on, by shuffling each
    ``repeats`` times on the dev rows (``engine.diagnosis.importance``), and save it.

    Result: a ``StepResult`` holding the ``ImportanceResult`` as a dict, with ``lines``.
    """

    project: str = ""
    run: str = ""
    repeats: int = 5
    seed: int = 0


@dataclass(frozen=True)
class WhyExampleRequest(JobRequest):
    """Explain why ``run`` (empty: the chosen run) answered dev row ``row`` as it did, by
    taking its inputs away one at a time (``engine.diagnosis.why_example``), and keep it.

    Result: a ``StepResult`` holding the ``WhyExample`` as a dict.
    """

    project: str = ""
    row: int = -1
    run: str = ""
