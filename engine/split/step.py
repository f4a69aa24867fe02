"""Step 2 — split the rows, check the split, lock the test rows in the vault, fit the
preprocessing on train.

Copies of one example are kept together in one split (``engine.split.row_overlap``), so no copy
crosses from the training rows to dev or test within a file. The checks of
``engine.split.checks`` and the fit of the preprocessing run before anything is written, so
a cancelled split leaves the project as it was; the findings are stored in
``project.split.checks``. Each long phase (reading, row keys, the split, the checks, the
preprocessing) sends ``Progress`` and checks the cancel token; writing is quick and is not
interrupted (``splits.json`` is compact JSON: a million row numbers take ~0.2 s, not 1.5 s
indented).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from engine.core import atomic
from engine.split.datasets import source_frame, target_values
from engine.core.errors import DataError, JobCancelled, ProjectError
from engine.kinds.input_coding import data_kind, fit_inputs
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.kinds.preprocess_store import save_preprocessor
from engine.project.parts.split import SplitRecord
from engine.project.project import SPLITS_FILE, Project
from engine.kinds.registry import data_kind as kind_named
from engine.kinds.by_kind import example_keys
from engine.split.row_overlap import copies_of_training, repeats_expected, split_groups
from engine.split.checks import CheckData, run_split_checks, split_checks
from engine.split.shares import MIN_ROWS_PER_SPLIT
from engine.split.splits import Fractions, SplitPlan, class_balance, default_fractions
# The step's own plan, test rows included: they go to splits.json and nowhere else.
from engine.split.splits import _plan_split
from engine.project.split_integrity import rows_digest
from engine.project.fingerprints import goal_key
from engine.core.texts import text


def split_project(project: Project, fractions: Fractions | None = None, seed: int = 0,
                  drop_copies: bool | None = None, leave_out: Sequence[str] = (),
                  progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> SplitRecord:
    """Make the split, check it, and fit the training-only preprocessing; return the split
    record (also kept as ``project.split``).

    Rows whose target is missing are left out of every split (and counted in the notes).
    Splitting again after runs exist is refused while the vault is open, because the test
    rows would change after they were seen.

    Args:
        project: the project (its goal set).
        fractions: the split shares (default: the recommended ones).
        seed: the random seed.
        drop_copies: leave out the train-dev, dev and test rows that copy (or nearly copy)
            a training row, and log it; None keeps the choice of the previous split.
        leave_out: feature columns to leave out (e.g. one that copies the target), logged.
        progress, cancel: the job protocol; cancelling during the checks writes nothing.
    """
    if project.goal is None:
        raise ProjectError(text("project.no_goal"))
    if project.vault_open:
        raise ProjectError(text("split.after_vault"))
    if drop_copies is None:
        drop_copies = project.split is not None and project.split.drop_copies
    features = _kept_features(project, leave_out)
    target = project.goal.target
    task = project.goal.task
    classification = task != "regression"
    kind = data_kind(project)
    columns = _key_columns(project, kind, features)
    step = _Steps(progress, cancel)
    progress(StageStarted("split", text("big_data.split_stage")))
    roles = ["main"] + (["target"] if project.source("target") is not None else [])
    frames = {role: source_frame(project, role, progress=progress, cancel=cancel)
              for role in roles}
    labels = {role: _labelled(project, frames[role], target) for role in roles}
    step("keys")
    keys = {role: example_keys(frame, columns, kind, project.source(role).path, cancel)
            for role, frame in frames.items()}
    step("split")
    repeats = repeats_expected(frames["main"], columns, kind)
    groups = {role: split_groups(keys[role], labels[role].index, repeats) for role in frames}
    y_main, y_target = labels["main"], labels.get("target")
    if fractions is None:
        fractions = default_fractions(len(y_main), second_file=y_target is not None)
    plan = _plan_split(y_main, fractions, seed=seed, classification=classification,
                      y_target=y_target, groups_main=groups["main"],
                      groups_target=groups.get("target"))
    dropped = _drop_copies(plan, keys) if drop_copies else {}
    if dropped:
        plan = replace(plan, rows={name: np.setdiff1d(idx, dropped.get(name, []))
                                   for name, idx in plan.rows.items()})
        _check_sizes(plan)
    balance = {}
    if classification:
        balance = class_balance(y_main, {k: plan.rows[k] for k in ("train", "train_dev")})
        other = y_target if y_target is not None else y_main
        balance.update(class_balance(other, {k: plan.rows[k] for k in ("dev", "test")}))
    data = CheckData(frames, keys, labels, kind, columns, task, target,
                     second_file=y_target is not None, repeats=repeats, balance=balance)
    step("checks")
    checks = run_split_checks(data, plan.rows, plan.sources, seed, progress, cancel)
    del data, keys, groups  # the row keys take ~2 numbers per row: free them for the fit

    step("fit")
    train_rows = plan.rows["train"]
    train = frames[plan.sources["train"]]  # its rows train_rows, as split_frame reads them
    y_train = labels[plan.sources["train"]].loc[train_rows]
    kept_features = project.features
    project.features = features  # the coding is fitted on the features kept
    try:
        prep = fit_inputs(project, train, y_train, rows=train_rows)
    finally:
        project.features = kept_features
    step("save")  # from here on nothing is interrupted: the writes take well under a second

    _write_splits(project, plan)
    digests = {name: rows_digest(plan.sources[name], idx) for name, idx in plan.rows.items()}
    for column in leave_out:
        project.log("column_left_out", text("checks.decision_left_out", column=column),
                    column=column)
    project.features = features
    record = SplitRecord(
        fractions=fractions, seed=seed, stratified=plan.stratified,
        sizes=plan.sizes(), sources=dict(plan.sources),
        dropped_missing_target=int(len(frames["main"]) - len(y_main)),
        notes=tuple(plan.notes), made_for=goal_key(project),
        checks=split_checks(checks), drop_copies=bool(drop_copies),
        copies_dropped={k: int(len(v)) for k, v in dropped.items() if len(v)},
        class_balance=balance if classification else None, row_hashes=digests)
    project.split = record
    save_preprocessor(project, prep)
    sizes = plan.sizes()
    project.log("split_made", text("decision.split_made", train=sizes["train"],
                                   train_dev=sizes["train_dev"], dev=sizes["dev"],
                                   test=sizes["test"], seed=seed),
                fractions=fractions.to_dict(), seed=seed, row_hashes=digests)
    if record.copies_dropped:
        counts = record.copies_dropped
        project.log("copies_dropped", text("checks.decision_copies_dropped",
                                           n=sum(counts.values()),
                                           where=_where(counts)), counts=counts)
    project.save()
    progress(Progress(len(_Steps.NAMES), len(_Steps.NAMES), text("big_data.split_done")))
    return record


class _Steps:
    """Says which phase of the split runs (a ``Progress`` of the phases) and stops at its
    start when the token is set."""

    NAMES = ("read", "keys", "split", "checks", "fit", "save")

    def __init__(self, progress: ProgressFn, cancel: CancelFlag) -> None:
        self.progress, self.cancel = progress, cancel

    def __call__(self, name: str) -> None:
        if self.cancel.is_set():
            raise JobCancelled("split cancelled before anything was written")
        if name == "save":  # the GUI lets a job finish its writes rather than kill it
            self.progress(StageStarted("saving", text("big_data.split_save")))
        self.progress(Progress(self.NAMES.index(name), len(self.NAMES),
                               text(f"big_data.split_{name}")))


def _write_splits(project: Project, plan: SplitPlan) -> None:
    """``splits.json``, compact: a million rows as indented JSON take seconds to write."""
    content = json.dumps(plan.indices_dict(), separators=(",", ":"))
    atomic.write_text(project.root / SPLITS_FILE, content + "\n")


def _key_columns(project: Project, kind: str, features: list[str]) -> list[str]:
    """The columns that make an example what it is: the features (text: its column;
    images: the file)."""
    return kind_named(kind).key_columns(features, project.goal.text_column)


def _kept_features(project: Project, leave_out: Sequence[str]) -> list[str]:
    """The features without the ``leave_out`` columns (checked, not yet stored)."""
    unknown = [c for c in leave_out if c not in project.features]
    if unknown:
        raise ProjectError(text("checks.leave_out_unknown", column=unknown[0],
                                columns=", ".join(project.features[:20])))
    kept = [c for c in project.features if c not in set(leave_out)]
    if not kept:
        raise ProjectError(text("checks.leave_out_all"))
    return kept


def _drop_copies(plan: SplitPlan, keys) -> dict[str, np.ndarray]:
    return copies_of_training(plan.rows, plan.sources, keys)


def _check_sizes(plan: SplitPlan) -> None:
    for name, idx in plan.rows.items():
        if len(idx) < MIN_ROWS_PER_SPLIT:
            raise DataError(text("checks.too_few_after_drop", split=text(f"checks.split_{name}"),
                                 rows=len(idx)))


def _where(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {text(f'checks.from_{name}')}" for name, n in counts.items())


def _labelled(project: Project, frame: pd.DataFrame, target: str) -> pd.Series:
    """The target of the rows that have one, indexed by row number in the file."""
    column = frame[target]  # only the target's rows, not the whole frame, are taken
    return target_values(project, column[column.notna()].to_frame())
