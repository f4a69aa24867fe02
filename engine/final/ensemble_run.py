"""An ensemble made a run of its own: chosen, tested, used to predict and exported like any
other model.

``make_ensemble_run`` writes ``runs/<id>/`` with ``run.json`` (``model == "ensemble"``),
``ensemble.json`` and a copy of each member's model file and run record under ``members/``
(``engine.training.ensemble_model``), so the run needs nothing outside its folder. Its
scores on train, train-dev and dev are those of the averaged answers (class probabilities or
values), scored with the goal; its parameters, file size and prediction times are the sums
of the members' (every member is stored and asked in turn), checked against the goal's
limits like any run's.

The members are the runs the user names, or the ``size`` best runs by dev error among those
that may join (``engine.final.ensemble.eligible_members``). A named member is refused when it
did not finish, was made on another split, is itself an ensemble, is named twice or breaks
a limit of the goal: an ensemble is the average of the best models that meet the limits,
and a member that breaks a resource limit makes every ensemble that holds it break it too.
A run made after the test set was seen may be named; the ensemble is then marked as made
after the vault opened, like that run.

Use:
    made = make_ensemble_run(project, size=3)
    made.run.id, made.broken
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass

from engine.core import atomic
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.core.texts import text
from engine.final.ensemble import SUMMED, averaged_scores, eligible_members, member_scores
from engine.goal.evaluation import optimizing_error, score, to_predictions
from engine.goal.run_choice import why_not_offered
from engine.project.decisions import now_iso
from engine.project.fingerprints import split_key
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.split.datasets import DEV_SPLITS, split_frame, target_values
from engine.training.ensemble_model import (ENSEMBLE, MEMBERS_FILE, SCHEMA, member_entry)
from engine.training.job import new_run_id
from engine.training.predictor import model_path


@dataclass(frozen=True)
class EnsembleMade:
    """The new ensemble run, its members and the limits of the goal it breaks (one sentence
    each; empty when it meets them all)."""

    run: RunRecord
    members: tuple[RunRecord, ...]
    broken: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"run": self.run.id, "label": self.run.label, "errors": dict(self.run.errors),
                "measured": dict(self.run.measured),
                "members": [{"id": r.id, "label": r.label, "dev_error": r.errors.get("dev")}
                            for r in self.members],
                "broken": list(self.broken), "after_vault": self.run.after_vault}


def pick_members(project: Project, run_ids: Sequence[str] = (),
                 size: int | None = None) -> list[RunRecord]:
    """The members: the runs ``run_ids`` names, else the ``size`` best that may join.

    Raises:
        ProjectError: fewer than two members, or a named run that cannot be one (see the
            module's notes), or fewer runs may join than ``size`` asks.
    """
    ids = [str(i).strip() for i in run_ids if str(i).strip()]
    if ids:
        if len(set(ids)) != len(ids):
            raise ProjectError(text("ensemble_run.twice"))
        members = [project.run(i) for i in ids]
        for run in members:
            _check_member(project, run)
    else:
        eligible = eligible_members(project)
        size = 3 if size is None else int(size)
        if size < 2:
            raise ProjectError(text("ensemble_run.too_few", n=size))
        if len(eligible) < size:
            raise ProjectError(text("ensemble_run.not_enough", size=size, n=len(eligible)))
        members = eligible[:size]
    if len(members) < 2:
        raise ProjectError(text("ensemble_run.too_few", n=len(members)))
    return members


def _check_member(project: Project, run: RunRecord) -> None:
    if run.model == ENSEMBLE:
        raise ProjectError(text("ensemble_run.nested", run=run.id))
    if run.status != "finished" or not math.isfinite(run.errors.get("dev", math.nan)) \
            or not run.model_file:
        raise ProjectError(text("ensemble_run.unfinished", run=run.id, status=run.status))
    if run.split_key != split_key(project):
        raise ProjectError(text("ensemble_run.old_split", run=run.id))
    broken = why_not_offered(project, run)
    if broken:
        raise ProjectError(text("ensemble_run.member_breaks", run=run.id,
                                broken=" ".join(broken)))


def ensemble_run_label(members: Sequence[RunRecord]) -> str:
    """'Ensemble of 3: Keras MLP ..., Boosted trees ..., ...'."""
    return text("ensemble_run.label", n=len(members),
                members="; ".join(r.label for r in members))


def summed_measures(members: Sequence[RunRecord]) -> dict[str, float]:
    """The ensemble's resource quantities: the sums of its members' (NaN when one is
    missing), and the rows per second of the members asked one after another."""
    out = {q: float(sum(r.measured.get(q, math.nan) for r in members)) for q in SUMMED}
    rates = [r.measured.get("throughput_per_s", math.nan) for r in members]
    if all(math.isfinite(x) and x > 0 for x in rates):
        out["throughput_per_s"] = 1.0 / sum(1.0 / x for x in rates)
    return out


def make_ensemble_run(project: Project, run_ids: Sequence[str] = (), size: int | None = None,
                      progress: ProgressFn = ignore, cancel: CancelFlag = NEVER
                      ) -> EnsembleMade:
    """Make the ensemble of ``run_ids`` (or of the ``size`` best runs) a run of the project.

    Only the train, train-dev and dev rows are read. The decision is logged and the project
    saved.

    Raises:
        ProjectError: the members cannot make an ensemble (see ``pick_members``).
        JobCancelled: ``cancel`` was set; nothing is kept.
    """
    members = pick_members(project, run_ids, size)
    started = time.perf_counter()
    progress(Progress(0, 2, text("ensemble_run.stage_score", n=len(members))))
    scores = member_scores(project, members, DEV_SPLITS, cancel=cancel)
    goal = project.goal
    metrics, errors = {}, {}
    for name in DEV_SPLITS:
        y_true = target_values(project, split_frame(project, name))
        metrics[name] = score(goal, to_predictions(goal, y_true, averaged_scores(scores[name])))
        errors[name] = optimizing_error(goal, metrics[name])
    if cancel.is_set():
        raise JobCancelled("ensemble cancelled")
    progress(Progress(1, 2, text("ensemble_run.stage_copy")))
    run_id = new_run_id(project, ENSEMBLE)
    folder = project.run_dir(run_id)
    try:
        entries = []
        for run in members:
            entry = member_entry(run.id, run.model, run.label, run.model_file)
            source = model_path(project.run_dir(run.id), run.model_file)
            target = model_path(folder, entry["model_file"])
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic.atomic_path(target, suffix=source.suffix) as tmp:
                shutil.copyfile(source, tmp)
            run.save(target.parent)
            entries.append(entry)
        atomic.write_json(folder / MEMBERS_FILE, {"schema": SCHEMA, "members": entries})
        record = RunRecord(
            id=run_id, model=ENSEMBLE, label=ensemble_run_label(members), status="finished",
            created=now_iso(), params={"members": [r.id for r in members]}, metrics=metrics,
            errors=errors, measured=summed_measures(members), model_file=MEMBERS_FILE,
            after_vault=project.vault_open or any(r.after_vault for r in members),
            split_key=split_key(project), seconds=round(time.perf_counter() - started, 3))
        if cancel.is_set():
            raise JobCancelled("ensemble cancelled")
        record.save(folder)  # last: a folder without run.json is no run
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    project.reload_runs()
    broken = tuple(why_not_offered(project, record))
    project.log("ensemble_made", text("ensemble_run.decision", label=record.label,
                                      run=run_id),
                run=run_id, members=[r.id for r in members], dev_error=errors["dev"])
    project.save()
    progress(Progress(2, 2, text("ensemble_run.stage_done")))
    return EnsembleMade(record, tuple(members), broken)
