"""Learning curves as people see them: table rows of formatted text, plot series, and
whether the saved curves still belong to the chosen model.

The GUI, the CLI and the report all show the same per-size table and draw the same series
from a saved ``project.learning_curve``; they compute nothing themselves.

Use:
    curve_rows(project.learning_curve)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.project.parts.learning_curve import LearningCurveRecord
from engine.project.project import Project
from engine.core.texts import text
from engine.words.formatting import error_is_share, fmt_count, is_number
from engine.project.fingerprints import judging_key


@dataclass(frozen=True)
class CurveSeries:
    """What a plot of the curves needs, one value per size, smallest first.

    ``rows`` are the x positions on a linear scale, ``log_rows`` the same in log10 (for
    plots that take log positions, such as pyqtgraph's error bars); ``train``/``dev`` are
    the mean errors and ``*_std`` their standard deviations over the draws; errors are in
    percent when ``percent`` (shares) and as they are otherwise; ``target`` likewise (None
    when not set).
    """

    rows: np.ndarray
    log_rows: np.ndarray
    train: np.ndarray
    train_std: np.ndarray
    dev: np.ndarray
    dev_std: np.ndarray
    target: float | None
    percent: bool


def fmt_spread(mean: Any, std: Any, metric: str | None) -> str:
    """A mean with its spread: ``12.3% ± 1.4`` (shares, in points) or ``0.412 ± 0.03``."""
    if not is_number(mean):
        return "-"
    spread = float(std) if is_number(std) else 0.0
    if error_is_share(metric):
        return f"{100 * float(mean):.1f}% ± {100 * spread:.1f}"
    return f"{float(mean):.4g} ± {spread:.2g}"


def curve_rows(curve: LearningCurveRecord) -> list[list[str]]:
    """One row per size: share, rows, training error and dev error (mean ± std)."""
    metric = curve.metric
    return [[f"{100 * float(s.fraction):g}%", fmt_count(s.rows),
             fmt_spread(s.train_mean, s.train_std, metric),
             fmt_spread(s.dev_mean, s.dev_std, metric)]
            for s in sorted(curve.summary, key=lambda s: s.rows)]


def curve_note(curve: LearningCurveRecord) -> str:
    """For curves drawn over folds, the sentence that says how and what the ± means; ""
    for curves scored on the dev rows."""
    if not curve.folds:
        return ""
    return text("learning_curve.fold_note", folds=curve.folds, others=curve.folds - 1)


def curve_series(curve: LearningCurveRecord) -> CurveSeries:
    """The plot series of a saved learning curve (see ``CurveSeries``)."""
    summary = sorted(curve.summary, key=lambda s: s.rows)
    percent = error_is_share(curve.metric)
    factor = 100.0 if percent else 1.0

    def column(key: str) -> np.ndarray:
        return np.array([factor * float(getattr(s, key)) for s in summary], dtype=float)

    rows = np.array([float(s.rows) for s in summary], dtype=float)
    target = curve.target_error
    target = factor * float(target) if is_number(target) else None
    return CurveSeries(rows, np.log10(np.maximum(rows, 1.0)), column("train_mean"),
                       column("train_std"), column("dev_mean"), column("dev_std"), target,
                       percent)


def has_curve(curve: LearningCurveRecord | None) -> bool:
    """Whether ``curve`` holds at least one drawn size."""
    return curve is not None and bool(curve.summary) and all(
        math.isfinite(float(s.rows)) for s in curve.summary)


def curve_is_current(project: Project) -> bool:
    """Whether ``project.learning_curve`` was drawn for the chosen run, judged as now."""
    curve = project.learning_curve
    return curve is not None and curve.run == project.chosen_run \
        and curve.judged_by == judging_key(project)
