"""Sanity check 1: a sound model must be able to learn a handful of rows by heart.

Before training on all the data, the seeds advise taking a tiny subset (5 to 20 rows) and
training on it again and again, with regularization turned off, until the loss is almost
zero. A model that cannot do this has a bug in front of it (inputs and targets out of
step, a learning rate of 0), is too small, or does not suit the data.

``overfit_tiny_subset`` picks the rows (stratified over the classes when possible), trains
on all of them at once for up to ``steps`` steps, stops as soon as the loss is "near zero",
and reads the loss curve:

* ``passed``: near zero was reached. Classification: loss below 0.05, or every row right
  with a loss below 0.1. Regression: mean squared error below 1% of the target's variance
  (0.01 on a standardized target);
* ``not_finite``: the loss became infinite or NaN;
* ``no_progress``: the last losses average at least 97% of the first one: nothing was
  learned (a data-pipeline bug or a learning rate of 0 or far too large);
* ``prior_only``: the loss fell, but only to about the loss of guessing from the targets
  alone (at least 80% of it): no link between inputs and targets was found, the typical
  sign of inputs and targets out of step;
* ``slow``: it fell below that and was still falling by more than 10% over the last tenth
  of the run: the model learns, too slowly (larger learning rate, more steps);
* ``stalled``: it fell, then levelled off above near zero: model too small or unsuited.

Use:
    result = overfit_tiny_subset(build, X, y, "binary", 2)
    result.code, result.steps
"""

from __future__ import annotations

import math
from typing import Callable

import keras
import numpy as np

from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag
from engine.baseline.sanity_data import accuracy, as_arrays, is_classification, loss_of, prior_loss
from engine.baseline.sanity_result import CheckResult, plain_number
from engine.core.texts import text

MIN_ROWS, MAX_ROWS = 5, 20
"""The size of the tiny subset, as the seeds advise."""
CLASS_GOAL = 0.05
"""Classification: a loss below this is near zero."""
CLASS_GOAL_ALL_RIGHT = 0.1
"""Classification: a loss below this is near zero too when every row is classified right."""
REGRESSION_GOAL = 0.01
"""Regression: a mean squared error below this share of the target's variance is near zero."""
NO_PROGRESS = 0.97
"""The run learned nothing when its last losses average at least this share of the first."""
PRIOR_ONLY = 0.8
"""It only learned the targets' distribution when its last losses stay above this share of
the loss of guessing from the targets alone."""
STILL_FALLING = 0.9
"""It was still learning when the last tenth's mean loss is below this share of the
tenth before."""

Batch = tuple[np.ndarray, np.ndarray]


def tiny_subset(y: np.ndarray, task: str, n: int = 16, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` rows (5 to 20, fewer only if there are fewer rows), stratified.

    Classification: the classes take turns (in random order), so each gets about
    ``n / C`` rows while it has rows left. Regression: a random draw.

    Args:
        y: the targets of all rows.
        task: ``binary``, ``multiclass`` or ``regression``.
        n: the wished size, clipped to 5 .. 20.
        seed: makes the draw repeatable.

    Returns:
        The chosen row indices.

    Use:
        np.bincount(np.asarray([0] * 90 + [1] * 10)[tiny_subset(
            np.asarray([0] * 90 + [1] * 10), "binary", 10)]).tolist()
    """
    n = min(max(int(n), MIN_ROWS), MAX_ROWS, len(y))
    rng = np.random.default_rng(seed)
    if not is_classification(task):
        return rng.permutation(len(y))[:n]
    classes = rng.permutation(np.unique(y))
    pools = [list(rng.permutation(np.flatnonzero(y == c))) for c in classes]
    chosen: list[int] = []
    while len(chosen) < n:
        for pool in pools:
            if pool and len(chosen) < n:
                chosen.append(int(pool.pop()))
    return np.asarray(chosen)


def overfit_tiny_subset(build: Callable[[], keras.Model], X, y, task: str, n_classes: int,
                        n: int = 16, steps: int = 300, seed: int = 0,
                        cancel: CancelFlag = NEVER,
                        feed: Callable[[int], Batch] | None = None,
                        on_step: Callable[[int, int], None] | None = None) -> CheckResult:
    """Train a fresh model on a tiny subset until its loss is near zero, and judge the run.

    Args:
        build: returns a freshly built, compiled model with regularization off.
        X: inputs of the training rows, one row per example (any shape).
        y: class indices (classification) or standardized values (regression).
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: number of classes (ignored for regression).
        n: rows in the subset (clipped to 5 .. 20).
        steps: most training steps; each step uses all rows of the subset at once.
        seed: seeds Keras (weights) and the choice of rows.
        cancel: checked before every step.
        feed: optional ``feed(step) -> (X_batch, y_batch)`` supplying each step's batch
            instead of the fixed subset, to test the pipeline that feeds the model.
        on_step: optional ``on_step(done, steps)`` called after every step.

    Returns:
        A ``CheckResult`` with ``check="overfit"``; ``losses`` holds every step's loss.

    Raises:
        JobCancelled: ``cancel`` was set.
        ValueError: ``steps`` is below 1, or ``X`` and ``y`` differ in rows.

    Use:
        overfit_tiny_subset(build, X, y, "binary", 2).passed
    """
    if steps < 1:
        raise ValueError("the overfit check needs at least one step")
    X, y = as_arrays(X, y, task)
    classify = is_classification(task)
    idx = tiny_subset(y, task, n, seed)
    subset = (X[idx], y[idx])
    goal = CLASS_GOAL if classify else REGRESSION_GOAL * (float(np.var(y)) or 1.0)
    keras.utils.set_random_seed(seed)
    model = build()
    losses: list[float] = []
    prior = math.nan
    xb, yb = subset
    reached = False
    for step in range(steps):
        if cancel.is_set():
            raise JobCancelled("sanity check cancelled")
        if feed is not None:
            xb, yb = as_arrays(*feed(step), task)
        if step == 0:
            prior = prior_loss(yb, task)
        loss = loss_of(float(model.train_on_batch(xb, yb, return_dict=True)["loss"]), xb)
        losses.append(loss)
        if on_step is not None:
            on_step(step + 1, steps)
        if not math.isfinite(loss):
            break
        if loss < goal or (classify and loss < CLASS_GOAL_ALL_RIGHT
                           and accuracy(model, xb, yb) == 1.0):
            reached = True
            break
    details = {"rows": float(len(yb)), "first_loss": losses[0], "best_loss": min(losses),
               "prior_loss": prior}
    if classify and math.isfinite(losses[-1]):
        details["accuracy"] = accuracy(model, xb, yb)
    code = _verdict(losses, prior, reached)
    final = losses[-1] if code in ("passed", "not_finite") else _tail_mean(losses)
    words = text(f"sanity.overfit_{code}", n=len(yb), steps=len(losses),
                 first=plain_number(losses[0]), final=plain_number(final),
                 goal=plain_number(goal), prior=plain_number(prior))
    return CheckResult("overfit", code == "passed", code, words, loss=final, expected=goal,
                       steps=len(losses), details=details, losses=tuple(losses))


def _tail_mean(losses: list[float]) -> float:
    """Mean of the last tenth of the losses (1 to 10 of them): the run's end, less noisy."""
    k = max(1, min(10, len(losses) // 10))
    return float(np.mean(losses[-k:]))


def _verdict(losses: list[float], prior: float, reached: bool) -> str:
    """The outcome code of a run (see the module docstring)."""
    if not math.isfinite(losses[-1]):
        return "not_finite"
    if reached:
        return "passed"
    final = _tail_mean(losses)
    if final >= NO_PROGRESS * losses[0]:
        return "no_progress"
    if final >= PRIOR_ONLY * prior:
        return "prior_only"
    tenth = max(1, len(losses) // 10)
    if len(losses) >= 2 * tenth and (np.mean(losses[-tenth:])
                                     < STILL_FALLING * np.mean(losses[-2 * tenth:-tenth])):
        return "slow"
    return "stalled"
