"""Step 1 — set the goal: a new project from a data file, what to predict and how to judge it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import pandas as pd

from engine.goal.constraints import parse_constraint
from engine.goal.cost_table import check_table, describe_costs, table_from_pairs
from engine.split.datasets import copy_path, label_text
from engine.data.columnar_copy import keep_copy
from engine.core.errors import GoalError, JobCancelled
from engine.goal.edit import check_abstain_accuracy
from engine.goal.suggestion import positive_label, suggest_metric
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.goal.metrics import COST, get_metric, metrics_for
from engine.project.parts.goal import Goal, GoalConstraint
from engine.project.project import DataSource, Project, create_project
from engine.data.source_check import SourceCheck, check_table_source
from engine.data.tabular import read_table
from engine.kinds.sources import check_source
from engine.project.source_changes import file_stamp
from engine.data.tabular import file_fingerprint
from engine.goal.tasks import TASK_KINDS, infer_task
from engine.goal.labellers import check_columns, estimate_labellers, proposed_target, vote_kind
from engine.goal.labellers_text import labellers_line
from engine.core.texts import text
from engine.data.source_reading import FOLDER_KINDS, LONG_SEQUENCE_KIND


@dataclass(frozen=True)
class GoalChoice:
    """What the user chose in step 1; ``None`` means "use the suggestion".

    ``data`` is a table file or a folder of images (one sub-folder per class; then
    ``target`` may be None). ``data_kind`` is guessed when None (see
    ``engine.data.source_check``); text needs ``text_column``; sequences take ``sequence``
    (``{"format": "wide"}`` or ``{"format": "long", "id": ..., "time": ..., "values": [...]}``).
    ``label_columns`` (tables) are columns in which several people labelled the same thing:
    the target is then their vote (``target`` names it; default ``label_vote``), they are
    never inputs, and their disagreement proposes the target error (``engine.goal.labellers``).
    ``costs`` are what mistakes cost, as ``TRUTH:ANSWER=X`` (``engine.goal.cost_table``;
    the mistakes not given cost 1), in ``cost_unit``.
    """

    data: str
    target: str | None
    target_data: str | None = None
    task: str | None = None
    metric: str | None = None
    constraints: Sequence[str] = field(default_factory=tuple)
    target_error: float | None = None
    data_kind: str | None = None
    text_column: str | None = None
    sequence: dict | None = None
    abstain_accuracy: float | None = None
    costs: Sequence[str] = field(default_factory=tuple)
    cost_unit: str = ""
    label_columns: Sequence[str] = field(default_factory=tuple)


def check_choice(choice: GoalChoice, path: str | None = None, progress: ProgressFn = ignore,
                 cancel: CancelFlag = NEVER) -> SourceCheck:
    """Check the data of ``choice`` (or the second file ``path``) as its data kind."""
    return check_source(path or choice.data, choice.target, choice.data_kind,
                        choice.text_column, choice.sequence, progress, cancel)


def new_project(folder: str | Path, choice: GoalChoice, progress: ProgressFn = ignore,
                cancel: CancelFlag = NEVER) -> Project:
    """Create a project in ``folder`` from ``choice``: read and check the data, set the goal.

    Raises ``DataError``/``GoalError`` with a plain message when the file or the goal is not
    usable; in that case no project folder is left behind half-made. ``progress`` gets the
    reading and checking of the file(s); ``cancel`` stops them (``JobCancelled``) before
    anything is written.
    """
    if choice.label_columns:
        check = _check_labelled(choice, progress, cancel)
    else:
        check = check_choice(choice, progress=progress, cancel=cancel)
    if not check.usable:
        raise GoalError(check.problem)
    frame = check.frame
    target = check.target
    y = frame[target].dropna()
    guess = infer_task(y)
    task = choice.task or guess.kind
    if task not in TASK_KINDS:
        raise GoalError(text("setup.bad_task", task=task, kinds=", ".join(TASK_KINDS)))
    target_check = None
    if choice.target_data:
        target_check = check_choice(choice, choice.target_data, progress, cancel)
        if not target_check.usable:
            raise GoalError(target_check.problem)
        _same_columns(frame, target_check.frame, choice.target_data)
    goal = _goal(task, guess.reason, y, choice, target, target_check)
    goal = replace(goal, data_kind=check.data_kind, inputs=dict(check.inputs))
    if choice.label_columns:
        goal = _with_labellers(goal, check.frame, choice)
    features = check.features
    if not features:
        raise GoalError(text("setup.no_features"))
    if cancel.is_set():
        raise JobCancelled("new project cancelled")
    progress(StageStarted("saving", text("big_data.new_project_saving")))
    project = create_project(folder)
    project.sources.append(_source("main", choice.data, check))
    if target_check is not None:
        project.sources.append(_source("target", choice.target_data, target_check))
    project.goal = goal
    project.summary = check.summary
    project.findings = [f.to_dict() for f in check.findings]
    project.features = features
    project.log("data_loaded", text("decision.data_loaded", path=choice.data, rows=len(frame)))
    project.log("goal_set", text("decision.goal_set", target=target, task=task),
                task=task, reason=goal.task_reason)
    project.log("metric_chosen", text("decision.metric_chosen", metric=goal.metric),
                reason=goal.metric_reason, suggested=choice.metric is None)
    for c in goal.constraints:
        project.log("constraint_set", text("decision.constraint_set", expr=c.text))
    if goal.costs is not None:
        project.log("costs_set", text("costs.decision_set", table=" ".join(
            describe_costs(goal.costs, goal.positive_label))), costs=goal.costs.to_dict(),
                    warnings=check_table(goal, goal.costs))
    if goal.abstain_accuracy is not None:
        project.log("abstain_set", text("abstain.decision_set",
                                        share=f"{goal.abstain_accuracy:.1%}"))
    if goal.labellers is not None:
        project.log("labellers_estimated", labellers_line(goal.labellers),
                    **goal.labellers.to_dict())
    if choice.target_error is None and goal.target_error is not None:
        project.log("target_error_set", text("labellers.decision_target",
                                             error=f"{goal.target_error:.2%}"))
    if choice.target_error is not None:
        project.log("target_error_set", text("decision.target_error_set",
                                             error=f"{choice.target_error:.2%}"))
    project.save()
    _keep_copies(project, check, target_check)
    return project


def _keep_copies(project: Project, check: SourceCheck, target_check: SourceCheck | None
                 ) -> None:
    """The columnar copy of each data file just read (``engine.data.columnar_copy``), so
    the split and training do not parse the text again. Only where the frame checked is
    the file as read (not a vote, not a long sequence turned wide, not a folder)."""
    for role, found in (("main", check), ("target", target_check)):
        if found is None or found.source_kind in (*FOLDER_KINDS, LONG_SEQUENCE_KIND) \
                or found.options.get("label_columns"):
            continue
        keep_copy(found.path, found.frame, copy_path(project, role))


def _check_labelled(choice: GoalChoice, progress: ProgressFn, cancel: CancelFlag
                    ) -> SourceCheck:
    """Check a table whose target is the vote of several label columns (read once to pick
    the vote: the mean for numbers, the majority for classes)."""
    if (choice.data_kind or "table") != "table" or choice.target_data:
        raise GoalError(text("labellers.tables_only"))
    frame = read_table(choice.data, progress, cancel).frame
    columns = check_columns(frame, choice.label_columns)
    task = choice.task or infer_task(pd.concat([frame[c] for c in columns]).dropna()).kind
    name = choice.target if choice.target and choice.target not in frame.columns \
        else "label_vote"
    while name in frame.columns:
        name += "_"
    options = {"label_columns": columns, "vote_column": name, "vote": vote_kind(task)}
    return check_table_source(choice.data, name, progress, cancel, options)


def _with_labellers(goal: Goal, frame: pd.DataFrame, choice: GoalChoice) -> Goal:
    """The goal with the people's disagreement; it proposes the target error when the user
    gave none and the metric measures the same thing."""
    found = estimate_labellers(frame, list(choice.label_columns), goal.task)
    target = choice.target_error
    if target is None:
        target = proposed_target(goal.metric, found)
    return replace(goal, labellers=found, target_error=target)


def _source(role: str, path: str, check: SourceCheck) -> DataSource:
    if check.source_kind in FOLDER_KINDS:
        # Imported here to keep Pillow out of start-up.
        from engine.data.image_folder import folder_fingerprint

        fingerprint, stamp = folder_fingerprint(path), None
    else:
        stamp = file_stamp(path)  # taken first: a later change makes it differ
        fingerprint = file_fingerprint(path)
    return DataSource(role, str(Path(path).resolve()), fingerprint, len(check.frame),
                      check.source_kind, dict(check.options), stamp)


def _goal(task: str, task_reason: str, y: pd.Series, choice: GoalChoice, target: str,
          target_check) -> Goal:
    if choice.metric:
        metric = get_metric(choice.metric)
        if task not in metric.tasks:
            names = ", ".join(m.name for m in metrics_for(task, bool(choice.costs)))
            raise GoalError(text("setup.metric_not_for_task", metric=choice.metric, task=task,
                                 names=names))
        if metric.name == COST and not choice.costs:
            raise GoalError(text("costs.metric_needs_costs"))
        metric_name, metric_reason = metric.name, text("setup.metric_user_choice")
    else:
        suggestion = suggest_metric(task, y)
        metric_name, metric_reason = suggestion.name, suggestion.reason
    if choice.target_error is not None and not 0 <= choice.target_error < 1e9:
        raise GoalError(text("setup.bad_target_error"))
    abstain = check_abstain_accuracy(task, choice.abstain_accuracy)
    labels: list[str] = []
    positive = None
    if task != "regression":
        # Each distinct value is turned into its label once (not each of a million rows).
        found = {label_text(v) for v in y.unique()}
        if target_check is not None:
            found.update(label_text(v) for v in target_check.frame[target].dropna().unique())
        labels = sorted(found)
        if task == "binary":
            if len(labels) != 2:
                raise GoalError(text("setup.not_binary", n=len(labels)))
            positive = label_text(positive_label(y))
    goal = Goal(target=target, task=task, task_reason=task_reason, metric=metric_name,
                metric_reason=metric_reason, target_error=choice.target_error,
                labels=tuple(labels), positive_label=positive, abstain_accuracy=abstain)
    if choice.costs or choice.cost_unit:
        if task == "regression":
            raise GoalError(text("costs.not_classes"))
        goal = replace(goal, costs=table_from_pairs(labels, choice.costs, choice.cost_unit))
        check_table(goal, goal.costs)
    constraints = [parse_constraint(expr, task, goal.costs) for expr in choice.constraints]
    return replace(goal, constraints=tuple(GoalConstraint(c.quantity, c.op, c.bound,
                                                          c.describe())
                                           for c in constraints))


def _same_columns(main: pd.DataFrame, other: pd.DataFrame, path: str) -> None:
    missing = [c for c in main.columns if c not in other.columns]
    if missing:
        raise GoalError(text("setup.second_file_columns", path=path,
                             columns=", ".join(map(str, missing[:5]))))


def suggest_goal(path: str, target: str | None, data_kind: str | None = None,
                 text_column: str | None = None, sequence: dict | None = None,
                 progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> dict:
    """What Practica proposes for ``target`` in ``path`` (a file, or an image folder) before
    a project exists: the task, the metric (with reasons) and the metrics that fit the task."""
    check = check_source(path, target, data_kind, text_column, sequence, progress, cancel)
    result = {"usable": check.usable, "problem": check.problem, "data_kind": check.data_kind,
              "target": check.target, "skipped": [list(s) for s in check.skipped],
              "findings": [f.to_dict() for f in check.findings]}
    if not check.usable:
        return result
    y = check.frame[check.target].dropna()
    guess = infer_task(y)
    suggestion = suggest_metric(guess.kind, y)
    result.update({
        "task": guess.kind, "task_reason": guess.reason,
        "metric": suggestion.name, "metric_reason": suggestion.reason,
        "metrics": {task: [[m.name, m.label] for m in metrics_for(task)]
                    for task in TASK_KINDS},
    })
    return result
