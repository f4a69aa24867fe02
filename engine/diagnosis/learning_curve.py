"""Learning curves over training-set size: "will more data help?".

The chosen run's configuration (model kind and parameters) is trained again on nested,
stratified subsets of the training rows (by default 10%, 25%, 50% and 100%), a few times
each with different seeds; the seed draws both the subset and the model's initialisation.
Each fit records its error on its own training rows and on the dev rows (see
``engine.diagnosis.learning_curve_fit``); the per-size means and spreads are read by
``engine.diagnosis.learning_curve_verdict``. The result is saved as ``project.learning_curve``.
These fits are not runs: they are never candidates for the best model.

With ``folds`` = K (small data, see ``engine.diagnosis.kfold``) the dev rows are not the
yardstick: the non-test rows (train, train-dev and dev; never the test rows) are cut into K
stratified folds, and for every fold each size takes its share of the other K-1 folds
(nested as above) and is scored on the fold left out. Each size then has K errors, one per
fold, and its mean and spread are over the folds (``points[i].seed`` is the fold). The
spread over folds is smaller than the true variation (the K training sets overlap).

Use:
    curve = draw_learning_curve(project, sizes=(0.25, 1.0), seeds=2, max_epochs=20)
    curve.answer
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.core.defaults import LEARNING_CURVE_SEEDS, MAX_LEARNING_CURVE_SEEDS
from engine.split.datasets import split_frame, target_values
from engine.project.decisions import now_iso
from engine.diagnosis.step import error_scale
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.diagnosis.learning_curve_fit import fit_point
from engine.diagnosis.learning_curve_verdict import SizeSummary, judge_curve
from engine.goal.metrics import get_metric
from engine.project.parts.learning_curve import CurvePoint, LearningCurveRecord
from engine.project.project import Project
from engine.project.fingerprints import judging_key, split_key
from engine.core.texts import text
from engine.project.parts.goal import Goal
from engine.training.ensemble_model import ENSEMBLE

DEFAULT_SIZES = (0.1, 0.25, 0.5, 1.0)
DEFAULT_SEEDS = LEARNING_CURVE_SEEDS
MAX_SEEDS = MAX_LEARNING_CURVE_SEEDS
MAX_SIZES = 8
MAX_FOLDS = 10
"""As ``engine.diagnosis.kfold.MAX_FOLDS``."""
REGRESSION_BINS = 5
"""A numeric target is stratified by this many quantile bins of its values."""


def check_sizes(sizes: Sequence[float]) -> tuple[float, ...]:
    """The sizes as sorted, distinct shares in (0, 1]; a plain error otherwise."""
    try:
        values = sorted({round(float(s), 6) for s in sizes})
    except (TypeError, ValueError):
        raise ProjectError(text("learning_curve.bad_sizes")) from None
    if not values or len(values) > MAX_SIZES or values[0] <= 0 or values[-1] > 1:
        raise ProjectError(text("learning_curve.bad_sizes"))
    return tuple(values)


def strata(y: pd.Series, task: str) -> np.ndarray:
    """The group of every training row for stratifying: its class, or for a numeric target
    its quantile bin (up to ``REGRESSION_BINS``)."""
    if task == "regression":
        values = pd.Series(np.asarray(y, dtype=float))
        bins = min(REGRESSION_BINS, max(1, len(values) // 2))
        return pd.qcut(values.rank(method="first"), bins, labels=False).to_numpy()
    return pd.Series(y).astype(str).to_numpy()


def nested_subsets(groups: np.ndarray, sizes: Sequence[float], seed: int) -> list[np.ndarray]:
    """Row positions for each size; each subset holds every smaller one (nested).

    Within each group the rows are shuffled once (by ``seed``) and a subset takes the first
    ``round(size * n_group)`` of them (at least one), so every group keeps its share at
    every size and a larger size only adds rows.
    """
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    order = {g: rng.permutation(np.flatnonzero(groups == g)) for g in sorted(set(groups))}
    subsets = []
    for size in sizes:
        parts = [rows[:max(1, int(round(size * len(rows))))] for rows in order.values()]
        subsets.append(np.sort(np.concatenate(parts)))
    return subsets


def summarize(points: Sequence[CurvePoint]) -> list[SizeSummary]:
    """Mean and standard deviation (over seeds, ``ddof=1``; 0 for one seed) per size."""
    out = []
    for fraction in sorted({p.fraction for p in points}):
        at = [p for p in points if p.fraction == fraction]
        train = np.array([p.train_error for p in at], dtype=float)
        dev = np.array([p.dev_error for p in at], dtype=float)

        def spread(values: np.ndarray) -> float:
            return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0

        out.append(SizeSummary(fraction, at[0].rows, len(at), float(np.mean(train)),
                               spread(train), float(np.mean(dev)), spread(dev)))
    return out


def draw_learning_curve(project: Project, sizes: Sequence[float] = DEFAULT_SIZES,
                        seeds: int = DEFAULT_SEEDS, max_epochs: int | None = None,
                        progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                        folds: int = 0) -> LearningCurveRecord:
    """Train the chosen run's configuration on growing parts of the training rows.

    Args:
        project: a project whose model has been chosen (step 4, the error ladder).
        sizes: shares of the training rows, each in (0, 1].
        seeds: fits per size (1 to ``MAX_SEEDS``); each draws its own subsets.
        max_epochs: the most epochs of a Keras fit (the run's own number when None); early
            stopping on the dev loss applies as in the run.
        progress: a ``Progress`` before every fit and as its epochs go by.
        cancel: checked between and within fits; raises ``JobCancelled`` and saves nothing.
        folds: 0 for the dev rows as the yardstick; K (2 to 10) for K folds of the non-test
            rows (then ``seeds`` is not used: one fit per fold and size).

    Returns:
        The ``project.learning_curve`` record (also saved): ``run``, ``judged_by``, ``sizes``,
        ``points``, ``summary`` (per size: mean and std of both errors), ``verdict``,
        ``answer``, ``explanation``, the verdict's numbers and ``created``.
    """
    sizes = check_sizes(sizes)
    seeds = int(seeds)
    if not 1 <= seeds <= MAX_SEEDS:
        raise ProjectError(text("learning_curve.bad_seeds", most=MAX_SEEDS))
    if max_epochs is not None and int(max_epochs) < 1:
        raise ProjectError(text("learning_curve.bad_epochs"))
    folds = int(folds or 0)
    if folds and not 2 <= folds <= MAX_FOLDS:
        raise ProjectError(text("kfold.bad_folds", most=MAX_FOLDS))
    run = _chosen(project)
    goal = project.goal or Goal()
    progress(StageStarted("load", text("stage.loading")))
    draws = _fold_draws(project, folds) if folds else _seed_draws(project, seeds)
    subsets = {s: nested_subsets(strata(d[1], goal.task), sizes, seed=s)
               for s, d in enumerate(draws)}
    base_seed = int(run.params.get("seed", 0) or 0)
    total = len(sizes) * len(draws)
    points: list[CurvePoint] = []
    for i, fraction in enumerate(sizes):
        for s, (train, y_train, dev, y_dev) in enumerate(draws):
            if cancel.is_set():
                raise JobCancelled("learning curve cancelled")
            rows = subsets[s][i]
            done = len(points)
            # text keys: learning_curve.stage_fit, learning_curve.stage_fold
            words = text("learning_curve.stage_fold" if folds else "learning_curve.stage_fit",
                         share=f"{100 * fraction:g}%", rows=f"{len(rows):,}", seed=s + 1,
                         seeds=len(draws))
            progress(Progress(done, total, words))

            def on_epoch(epoch: int, epochs: int, done=done, words=words) -> None:
                progress(Progress(done + min(epoch / max(epochs, 1), 1.0), total, words))

            fit = fit_point(project, run.model, run.params, train.iloc[rows],
                            y_train.iloc[rows], dev, y_dev, base_seed + s, max_epochs,
                            on_epoch, cancel, progress)
            points.append(CurvePoint(fraction, int(len(rows)), s, fit.train_error,
                                     fit.dev_error, fit.epochs))
    progress(Progress(total, total, text("learning_curve.stage_reading")))
    held = len(draws[0][2]) if folds else None
    result = curve_record(project, run.id, sizes, points, max_epochs, folds, held)
    project.learning_curve = result
    project.log("learning_curve", text("learning_curve.decision", label=run.label,
                                       answer=result.answer),
                run=run.id, verdict=result.verdict)
    project.save()
    return result


def _seed_draws(project: Project, seeds: int) -> list[tuple]:
    """``seeds`` draws of (train, its target, dev, its target): the same rows each time."""
    train, dev = split_frame(project, "train"), split_frame(project, "dev")
    y_train, y_dev = target_values(project, train), target_values(project, dev)
    return [(train, y_train, dev, y_dev)] * seeds


def _fold_draws(project: Project, folds: int) -> list[tuple]:
    """One draw per fold of the non-test rows: (the other folds, their target, the fold,
    its target). The test rows are never read."""
    # Imported here: engine.diagnosis.kfold imports this module (for ``strata``).
    from engine.diagnosis.kfold import non_test_rows, stratified_folds

    X, y = non_test_rows(project)
    groups = strata(y, (project.goal or Goal()).task)
    if len(set(groups.tolist())) and int(pd.Series(groups).value_counts().min()) < folds:
        raise ProjectError(text("kfold.too_few", folds=folds))
    fold_of = stratified_folds(groups, folds, seed=0)
    return [(X[fold_of != k].reset_index(drop=True), y[fold_of != k].reset_index(drop=True),
             X[fold_of == k].reset_index(drop=True), y[fold_of == k].reset_index(drop=True))
            for k in range(folds)]


def curve_record(project: Project, run_id: str, sizes: Sequence[float],
                 points: Sequence[CurvePoint], max_epochs: int | None = None,
                 folds: int = 0, held_rows: int | None = None) -> LearningCurveRecord:
    """The record of learning curves drawn for ``run_id`` (see
    ``draw_learning_curve``), with the verdict read from ``points``; with ``folds``,
    ``held_rows`` (the rows of one held-out fold) stands for the dev rows."""
    goal = project.goal or Goal()
    bounded = get_metric(goal.metric).bounded
    summary = summarize(points)
    dev_rows = project.split.sizes.get("dev") if project.split is not None else None
    if folds:
        dev_rows = held_rows
    verdict = judge_curve(summary, [(p.rows, p.dev_error) for p in points],
                          target=goal.target_error,
                          scale=None if bounded else error_scale(project), dev_rows=dev_rows)
    numbers = verdict.to_dict()
    return LearningCurveRecord(
        run=run_id, judged_by=judging_key(project), metric=goal.metric,
        target_error=goal.target_error, sizes=tuple(sizes),
        seeds=len({p.seed for p in points}), max_epochs=max_epochs, points=tuple(points),
        folds=int(folds),
        summary=tuple(summary), verdict=numbers.pop("verdict"), answer=numbers.pop("answer"),
        explanation=numbers.pop("explanation"), numbers=_finite(numbers), created=now_iso())


def _chosen(project: Project):
    if not project.goal or not project.split:
        raise ProjectError(text("project.no_split"))
    if not project.chosen_run:
        raise ProjectError(text("learning_curve.no_choice"))
    run = project.run(project.chosen_run)
    if run.split_key and run.split_key != split_key(project):
        raise ProjectError(text("learning_curve.old_split", label=run.label))
    if run.model == ENSEMBLE:
        raise ProjectError(text("ensemble_run.no_learning_curve", label=run.label))
    return run


def _finite(values: dict[str, Any]) -> dict[str, Any]:
    """Numbers as JSON allows them: NaN and infinities become None."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
            for k, v in values.items()}
