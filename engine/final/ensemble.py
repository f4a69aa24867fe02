"""The ensemble: the average of the predictions of the best few runs, as a possible finalist.

Averaging several models' answers usually cancels part of their individual mistakes
(their variance), most of all when the models differ. The members are the ``k`` finished
runs (3 by default) with the lowest dev error among those that meet every satisfying
constraint. For classes the ensemble averages the predicted probabilities and answers the
most likely class; for numbers it averages the predicted values.

Before the vault opens the ensemble is scored on train, train-dev and dev like a run, and
its record is kept in ``final/ensemble.json`` (it is not a run: it cannot be chosen for
the final test, only compared with the chosen model there). Its satisfying quantities add
up over the members: every member must be stored and asked, one after another, so the
parameters, file sizes and prediction times are the sums of the members'.

To make such an ensemble a run of its own (chosen, tested, used and exported like any
other), see ``engine.final.ensemble_run``.

Use:
    record = score_ensemble(project, k=3)
    record["errors"]["dev"]
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np

from engine.core.defaults import ENSEMBLE_MEMBERS
from engine.core import atomic
from engine.goal.constraints import Constraint, check_all
from engine.split.datasets import DEV_SPLITS, split_frame, target_values
from engine.goal.run_choice import feasibility
from engine.core.errors import JobCancelled, ProjectError
from engine.goal.evaluation import Predictions, optimizing_error, score, to_predictions
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.training.ensemble_model import ENSEMBLE
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.project.fingerprints import judging_key, split_key
from engine.core.texts import text

DEFAULT_MEMBERS = ENSEMBLE_MEMBERS
ENSEMBLE_FILE = "ensemble.json"
SCHEMA = 1
SUMMED = ("params", "size_mb", "latency_ms", "batch_latency_ms")


def final_dir(project: Project):
    """The folder of the final test's own files (the seed copies, the ensemble record)."""
    return project.root / "final"


def ensemble_members(project: Project, k: int = DEFAULT_MEMBERS) -> list[RunRecord]:
    """The ``k`` finished runs with the lowest dev error that meet every constraint, made
    on the current split before the test set was seen (fewer when fewer qualify); an
    ensemble run is never a member."""
    return eligible_members(project)[:k]


def eligible_members(project: Project) -> list[RunRecord]:
    """Every run that may join an ensemble, lowest dev error first: finished, made on the
    current split before the test set was seen, meeting every constraint, not itself an
    ensemble."""
    key = split_key(project)
    runs = [r for r in project.runs
            if r.status == "finished" and r.split_key == key and not r.after_vault
            and r.model != ENSEMBLE and math.isfinite(r.errors.get("dev", math.nan))
            and all(c.ok for c in feasibility(project, r))]
    return sorted(runs, key=lambda r: (r.errors["dev"], r.created))


def averaged_scores(scores: Sequence[np.ndarray]) -> np.ndarray:
    """The mean of the members' scores: class probabilities (n, C) or values (n,)."""
    return np.mean(np.stack([np.asarray(s, dtype=float) for s in scores]), axis=0)


def ensemble_label(members: Sequence[RunRecord]) -> str:
    return text("final_stats.ensemble_label", n=len(members))


def member_scores(project: Project, members: Sequence[RunRecord], splits: Sequence[str],
                  prep=None, cancel: CancelFlag = NEVER) -> dict[str, list[np.ndarray]]:
    """Each member's raw scores on each split (test only once the vault is open)."""
    prep = prep or load_preprocessor(project)
    coded = {name: prep.transform(split_frame(project, name)) for name in splits}
    out: dict[str, list[np.ndarray]] = {name: [] for name in splits}
    for run in members:
        if cancel.is_set():
            raise JobCancelled("ensemble cancelled")
        predictor = load_predictor(project.run_dir(run.id), run, prep)
        for name in splits:
            out[name].append(predictor.scores(coded[name]))
    return out


def ensemble_predictions(project: Project, members: Sequence[RunRecord], split: str,
                         prep=None) -> Predictions:
    """The ensemble's predictions on one split."""
    scores = member_scores(project, members, [split], prep)[split]
    y_true = target_values(project, split_frame(project, split))
    return to_predictions(project.goal, y_true, averaged_scores(scores))


def score_ensemble(project: Project, k: int = DEFAULT_MEMBERS, progress: ProgressFn = ignore,
                   cancel: CancelFlag = NEVER) -> dict:
    """Score the ensemble of the top ``k`` runs on train, train-dev and dev, check the
    constraints on it, save the record in ``final/ensemble.json`` and return it.

    Raises:
        ProjectError: fewer than two runs meet the constraints.
    """
    members = ensemble_members(project, k)
    if len(members) < 2:
        raise ProjectError(text("final_stats.ensemble_too_few", n=len(members)))
    goal = project.goal
    progress(Progress(0, 1, text("final_stats.stage_ensemble", n=len(members))))
    scores = member_scores(project, members, DEV_SPLITS, cancel=cancel)
    metrics, errors = {}, {}
    for name in DEV_SPLITS:
        y_true = target_values(project, split_frame(project, name))
        preds = to_predictions(goal, y_true, averaged_scores(scores[name]))
        metrics[name] = score(goal, preds)
        errors[name] = optimizing_error(goal, metrics[name])
    measured = {q: float(sum(r.measured.get(q, math.nan) for r in members)) for q in SUMMED}
    constraints = [Constraint(c.quantity, c.op, c.bound) for c in goal.constraints]
    checks = check_all(constraints, {**metrics["dev"], **measured})
    record = {
        "schema": SCHEMA, "k": k, "members": [r.id for r in members],
        "member_labels": [r.label for r in members], "label": ensemble_label(members),
        "metrics": metrics, "errors": errors, "measured": measured,
        "feasible": all(c.ok for c in checks),
        "broken": [c.describe() for c in checks if not c.ok],
        "split_key": split_key(project), "judged_by": judging_key(project),
    }
    atomic.write_json(final_dir(project) / ENSEMBLE_FILE, record)
    progress(Progress(1, 1, text("final_stats.stage_ensemble_done")))
    return record


def load_ensemble(project: Project, k: int = DEFAULT_MEMBERS) -> dict | None:
    """The saved ensemble record, or None when there is none or it no longer fits the
    project (other best runs, another split, other constraints)."""
    path = final_dir(project) / ENSEMBLE_FILE
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = [r.id for r in ensemble_members(project, k)]
    fresh = (isinstance(record, dict) and record.get("schema") == SCHEMA
             and record.get("members") == current
             and record.get("split_key") == split_key(project)
             and record.get("judged_by") == judging_key(project))
    return record if fresh else None


def members_of(project: Project, record: dict) -> list[RunRecord]:
    """The runs of a saved ensemble record."""
    return [project.run(run_id) for run_id in record["members"]]
