"""Tuning with k-fold: each trial scored by its mean error over K folds of the non-test rows.

On small data (``engine.diagnosis.kfold.data_size``: under 1,000 non-test rows, or under 50
of the rarest class) one dev set ranks the trials by luck as much as by their settings. With
``kfold`` = K in the study's settings, a trial first trains its run as usual (on the
training rows, scored on the dev rows, pruned on the dev error epoch by epoch), so that the
trial still leaves a normal run that "use this trial" can choose, predict with and test.
A trial that was not pruned is then fitted K times more with the run's own settings (the
same epochs, no early stopping; for boosted trees the trees its run kept), each time on K-1
folds of the pooled training, train-dev and dev rows, scored on the fold it did not see
(``engine.diagnosis.learning_curve_fit.fit_point``). The trial's value is the mean of those
K errors; the K errors and their spread are stored on the trial. The test rows are never
read: the folds come from ``engine.diagnosis.kfold.non_test_rows``.

The best score of any search is optimistic: it was picked as the lowest of many scored on
the same rows, so part of its lead is luck. Folds make each score steadier but do not
remove that: only folds nested around the whole search, or the final test, give an honest
number. ``optimism_sentence`` says so wherever the best score is shown.

Use:
    scorer = FoldScorer(project, folds=5)
    scores = scorer.score(project, run.model, run.params, seed=0)
    scores.mean, scores.errors
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.project.parts.goal import Goal

MAX_FOLDS = 10
"""As ``engine.diagnosis.kfold.MAX_FOLDS`` (not imported: the Tune page reads this module's
sentence, and the folds' code pulls in the data libraries)."""


@dataclass(frozen=True)
class FoldScores:
    """One trial's errors on its K held-out folds, their mean and spread (``ddof=1``)."""

    errors: tuple[float, ...]
    mean: float
    spread: float


def check_folds(folds: int) -> int:
    """``folds`` as K (0: no k-fold); a plain error unless 0 or 2 to ``MAX_FOLDS``."""
    folds = int(folds or 0)
    if folds and not 2 <= folds <= MAX_FOLDS:
        raise ProjectError(text("kfold.bad_folds", most=MAX_FOLDS))
    return folds


class FoldScorer:
    """The non-test rows cut into ``folds`` stratified folds once (by ``seed``), to score
    every trial of a search on the same folds."""

    def __init__(self, project, folds: int, seed: int = 0) -> None:
        # Imported here to keep pandas, scikit-learn out of start-up.
        from engine.diagnosis.kfold import non_test_rows, stratified_folds
        from engine.diagnosis.learning_curve import strata

        self.folds = check_folds(folds)
        if not self.folds:
            raise ProjectError(text("kfold.bad_folds", most=MAX_FOLDS))
        self.X, self.y = non_test_rows(project)
        task = (project.goal or Goal()).task
        groups = strata(self.y, task)
        if task != "regression" and int(np.unique(groups, return_counts=True)[1].min()) \
                < self.folds:
            raise ProjectError(text("kfold.too_few", folds=self.folds))
        self.fold_of = stratified_folds(groups, self.folds, seed)

    def score(self, project, kind: str, params: dict[str, Any], seed: int = 0,
              trial: int | None = None, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER) -> FoldScores:
        """Fit ``kind`` with ``params`` on K-1 folds, K times, and score each on the fold
        left out; a ``StageStarted`` before every fit. Raises ``JobCancelled`` when
        ``cancel`` is set (checked between fits and at every batch)."""
        # Imported here to keep Keras, scikit-learn out of start-up.
        from engine.diagnosis.learning_curve_fit import fit_point

        errors = []
        for k in range(self.folds):
            if cancel.is_set():
                raise JobCancelled("tuning cancelled")
            progress(StageStarted("trial_fold", text("tuning.stage_fold", trial=trial or 1,
                                                     fold=k + 1, folds=self.folds)))
            held = self.fold_of == k
            fit = fit_point(project, kind, params, self.X[~held], self.y[~held],
                            self.X[held], self.y[held], int(seed) + k, None,
                            lambda _epoch, _epochs: None, cancel, progress)
            errors.append(float(fit.dev_error))
        return fold_scores(errors)


def fold_scores(errors) -> FoldScores:
    """The mean and spread of per-fold errors.

    Example:
        >>> s = fold_scores([0.2, 0.3, 0.25])
        >>> round(s.mean, 3), round(s.spread, 3)
        (0.25, 0.05)
    """
    values = tuple(float(e) for e in errors)
    spread = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return FoldScores(values, float(np.mean(values)), spread)


def optimism_sentence(trials: int, folds: int = 0) -> str:
    """Why the best score of a search of ``trials`` trials is optimistic, and what gives an
    honest number; with ``folds`` (K) the sentence says that folds do not cure it."""
    key = "tuning.optimistic_kfold" if folds else "tuning.optimistic"
    return text(key, trials=trials, folds=folds)
