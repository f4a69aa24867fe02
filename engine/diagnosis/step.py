"""Step 4 — pick the best run that meets the constraints and read its error ladder."""

from __future__ import annotations

import math
from dataclasses import replace

from engine.diagnosis.ladder import TREE_VERDICTS, Diagnosis, advice_for, diagnose
from engine.diagnosis.gap_noise import gap_noise
from engine.goal.metrics import get_metric
from engine.models import simple_baselines
from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.project.fingerprints import judging_key
from engine.goal.run_choice import best_run
from engine.core.texts import text
from engine.project.parts.goal import Goal


def diagnose_project(project: Project, run_id: str | None = None) -> DiagnosisRecord:
    """Choose a run (the best feasible one unless ``run_id`` is given) and diagnose it."""
    run = project.run(run_id) if run_id else best_run(project)
    result = read_ladder(project, run)
    project.chosen_run = run.id
    project.diagnosis = result.record(run.id, judging_key(project))
    project.log("model_accepted", text("decision.model_accepted", label=run.label, run=run.id),
                dev_error=run.errors["dev"])
    project.log("diagnosed", text("decision.diagnosed", verdict=result.verdict))
    project.save()
    return project.diagnosis


def read_ladder(project: Project, run: RunRecord, test: float | None = None,
                retrained: bool = False) -> Diagnosis:
    """The error ladder of ``run``; gaps within chance for the set sizes do not count.

    ``retrained``: ``test`` is the error of ``run``'s settings trained again on the training
    and dev rows, so the dev-to-test gap is not read (see ``engine.diagnosis.ladder``)."""
    goal = project.goal or Goal()
    errors = {**run.errors, "test": test}
    sizes = project.split.sizes if project.split is not None else {}
    bounded = get_metric(goal.metric).bounded
    noise = gap_noise(errors, sizes, bounded=bounded)
    result = diagnose(train=run.errors["train"], dev=run.errors["dev"],
                      target=goal.target_error, train_dev=run.errors.get("train_dev"),
                      test=test, noise=noise, scale=None if bounded else error_scale(project),
                      retrained=retrained)
    if run.model == simple_baselines.TREES and result.verdict in TREE_VERDICTS:
        result = replace(result, advice=advice_for(result.verdict, trees=True))
    return result


def error_scale(project: Project) -> float:
    """The typical size of an unbounded error, against which a gap is judged.

    1 - R² is already relative (1 = no better than the mean); log loss is compared with
    guessing evenly among the classes (ln C); RMSE and MAE with the spread (standard
    deviation) of the values to predict, or the mean model's dev error as a fallback.
    """
    goal = project.goal or Goal()
    if goal.metric == "r2":
        return 1.0
    if goal.metric == "log_loss":
        return math.log(max(len(goal.labels), 2))
    target = project.summary.target if project.summary is not None else None
    std = target.std if target is not None else None
    if isinstance(std, (int, float)) and math.isfinite(std) and std > 0:
        return float(std)
    means = [r.errors["dev"] for r in project.runs if r.model == "majority" and r.errors]
    return float(means[0]) if means and means[0] > 0 else 1.0
