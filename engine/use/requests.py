"""The use room's job requests: predict new data, explain one predicted row, export a
model."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class PredictRequest(JobRequest):
    """Predict the rows of ``path`` with ``run`` (empty: the chosen model) into ``out``
    (empty: next to the data).

    Result: ``PredictionSummary`` (``engine.use.prediction_job``).
    """

    project: str = ""
    path: str = ""
    out: str = ""
    run: str = ""


@dataclass(frozen=True)
class ExportModelRequest(JobRequest):
    """Export ``run`` (empty: the chosen model) into the folder ``to``, in ``formats``
    (names joined by commas, ``engine.use.export_formats``; empty: every one that can be
    made).

    Result: ``ExportResult`` (``engine.use.model_export``).
    """

    project: str = ""
    to: str = ""
    run: str = ""
    formats: str = ""


@dataclass(frozen=True)
class WhyNewRowRequest(JobRequest):
    """Explain the chosen model's answer for row ``row`` (0: the first) of the new data at
    ``path`` (``engine.use.why_new_row``).

    Result: a ``StepResult`` holding the ``WhyExample`` as a dict.
    """

    project: str = ""
    path: str = ""
    row: int = 0
