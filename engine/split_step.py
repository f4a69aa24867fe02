"""Step 2 — split the rows, lock the test rows in the vault, fit the preprocessing on train."""

from __future__ import annotations

import pandas as pd

from engine import atomic
from engine.datasets import source_frame, split_frame, target_values
from engine.errors import ProjectError
from engine.input_coding import fit_inputs
from engine.preprocess_store import save_preprocessor
from engine.project import SPLITS_FILE, Project
from engine.steps import goal_key
from engine.splits import Fractions, class_balance, default_fractions, make_split
from engine.texts import text


def split_project(project: Project, fractions: Fractions | None = None, seed: int = 0) -> dict:
    """Make the split and the training-only preprocessing; return the split summary.

    Rows whose target is missing are left out of every split (and counted in the notes).
    Splitting again after runs exist is refused while the vault is open, because the test
    rows would change after they were seen.
    """
    if project.goal is None:
        raise ProjectError(text("project.no_goal"))
    if project.vault_open:
        raise ProjectError(text("split.after_vault"))
    target = project.goal["target"]
    classification = project.goal["task"] != "regression"
    main = source_frame(project, "main")
    y_main = _labelled(project, main, target)
    y_target = None
    if project.source("target") is not None:
        y_target = _labelled(project, source_frame(project, "target"), target)
    if fractions is None:
        fractions = default_fractions(len(y_main), second_file=y_target is not None)
    plan = make_split(y_main, fractions, seed=seed, classification=classification,
                      y_target=y_target)
    atomic.write_json(project.root / SPLITS_FILE, plan.indices_dict())
    dropped = len(main) - len(y_main)
    summary = {
        "fractions": fractions.to_dict(), "seed": seed, "stratified": plan.stratified,
        "sizes": plan.sizes(), "sources": plan.sources,
        "dropped_missing_target": int(dropped), "notes": list(plan.notes),
        "made_for": goal_key(project),
    }
    if classification:
        balance = class_balance(y_main, {k: plan.rows[k] for k in ("train", "train_dev")})
        other = y_target if y_target is not None else y_main
        balance.update(class_balance(other, {k: plan.rows[k] for k in ("dev", "test")}))
        summary["class_balance"] = balance
    project.split = summary
    train = split_frame(project, "train")
    prep = fit_inputs(project, train, target_values(project, train))
    save_preprocessor(project, prep)
    sizes = plan.sizes()
    project.log("split_made", text("decision.split_made", train=sizes["train"],
                                   train_dev=sizes["train_dev"], dev=sizes["dev"],
                                   test=sizes["test"], seed=seed),
                fractions=fractions.to_dict(), seed=seed)
    project.save()
    return summary


def _labelled(project: Project, frame: pd.DataFrame, target: str) -> pd.Series:
    """The target of the rows that have one, indexed by row number in the file."""
    kept = frame[frame[target].notna()]
    return target_values(project, kept)
