"""The finalists of the final test: the chosen model and what it is compared with.

* the chosen model (``project.chosen_run``), with its copies over seeds;
* the best non-deep baseline (majority class or mean, linear model): the lowest dev error
  among them, on the current split; it does not depend on a seed, so it has one score and
  no scores per seed (it is compared on the test rows, never by the t-test over seeds);
* optionally the ensemble of the top runs (``engine.final.ensemble``), when it meets the
  constraints; it is not retrained with the seeds.

Each finalist's test predictions are kept in memory for the paired tests
(``engine.final.comparisons``); only its metrics go into the project.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.goal.evaluation import Predictions, score, to_predictions
from engine.models import simple_baselines
from engine.training.predictor import load_predictor
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.project.fingerprints import split_key

CHOSEN, BASELINE, ENSEMBLE = "chosen", "baseline", "ensemble"


@dataclass(frozen=True)
class Finalist:
    """One model scored on the test rows.

    Args:
        role: ``"chosen"``, ``"baseline"`` or ``"ensemble"``.
        label: its plain name.
        run: its run id (None for the ensemble).
        preds: its test predictions.
        metrics: every metric of the task on the test rows.
        seed_scores: the optimizing metric on the test rows per seed, in the order of
            ``seeds`` (None when it was not trained again with several seeds).
        seeds: the training seeds behind ``seed_scores`` (None when there are none).
        seed_free: True for a model that does not depend on a seed (the same model for
            any seed, such as the simple baselines).
    """

    role: str
    label: str
    run: str | None
    preds: Predictions
    metrics: dict[str, float]
    seed_scores: tuple[float, ...] | None = None
    seeds: tuple[int, ...] | None = None
    seed_free: bool = False

    @property
    def per_seed(self) -> dict[int, float]:
        """The score of each seed (empty without scores per seed)."""
        if self.seeds is None or self.seed_scores is None:
            return {}
        if len(self.seeds) != len(self.seed_scores):
            raise ValueError("one score per seed is needed")
        return dict(zip(self.seeds, self.seed_scores))


def best_baseline(project: Project, exclude: str | None = None) -> RunRecord | None:
    """The finished non-deep run with the lowest dev error (not ``exclude``), or None."""
    key = split_key(project)
    runs = [r for r in project.runs
            if r.model in simple_baselines.KINDS and r.status == "finished"
            and r.id != exclude and r.split_key == key and not r.after_vault
            and math.isfinite(r.errors.get("dev", math.nan))]
    return min(runs, key=lambda r: (r.errors["dev"], r.created)) if runs else None


def run_predictions(project: Project, run: RunRecord, prep, X_test, y_test) -> Predictions:
    """The test predictions of a saved run (``X_test`` coded by ``prep``)."""
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    return to_predictions(project.goal, y_test, predictor.scores(X_test))


def finalist(project: Project, role: str, label: str, run: str | None, preds: Predictions,
             seed_scores=None, seeds=None, seed_free: bool = False) -> Finalist:
    """A finalist with its test metrics computed from ``preds``."""
    scores = None if seed_scores is None else tuple(float(s) for s in seed_scores)
    seeds = None if seeds is None else tuple(int(s) for s in seeds)
    return Finalist(role, label, run, preds, score(project.goal, preds), scores, seeds,
                    seed_free)
