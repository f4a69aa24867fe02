"""The checks made right after the rows are split, each reported as a ``Finding``.

In order: copies of examples across splits (``engine.split.row_overlap``), classes that have no
row in some split, feature columns that give the target away (``engine.split.target_leakage``,
tables and sequences), and drift between the training rows and the dev and test rows
(``engine.split.drift``). With a second file ("the data you care about") dev and test are meant
to differ from the training data, so drift is reported as a data-mismatch note (info), not
as a problem.

The vault: test LABELS are never read here. Test FEATURES are compared with the training
rows (copies, drift) through the same internal access ``split_project`` uses to make the
split; nothing about a model is decided from them. The classes per split come from the
split's own class counts (``class_balance``), which the split computes to stratify.

Some findings have a way out that the Data page and ``practica check`` offer (``way_out``):
copies are left out of dev and test (``split_project(drop_copies=True)``), a column that
copies the target is left out of the features (``split_project(leave_out=[...])``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from engine.split.drift import (DomainDrift, domain_drift, feature_drift, label_drift,
                          shown_columns)
from engine.kinds.by_kind import paired_inputs
from engine.core.errors import JobCancelled
from engine.data.findings import SEVERITIES, Finding, make_finding, short_value
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.kinds.row_keys import ExampleKeys
from engine.split.row_overlap import WAY_OUT, find_overlaps, overlap_findings, repeats_expected
from engine.split.target_leakage import column_powers, leakage_findings
from engine.core.texts import text
from engine.project.parts.split import SplitCheck

MAX_DRIFT_ROWS = 10_000  # rows per split compared for drift (a random subsample above)
LEAKAGE_KINDS = ("table",)  # a sequence step or a text is not judged on its own
WAYS_OUT = {"copies_across_splits": WAY_OUT, "near_copies_across_splits": WAY_OUT,
            "target_copy": "leave_out", "target_leak": "leave_out"}
STAGES = ("copies", "classes", "leakage", "drift")


@dataclass(frozen=True, eq=False)
class CheckData:
    """What the checks read: per file role (``main``/``target``) the source ``frames``, the
    ``keys`` of their examples and the ``labels`` of their labelled rows (indexed by row
    number); the data ``kind``, the ``features``, the ``task`` and the ``target`` name;
    ``second_file``: dev and test come from the data the user cares about; ``repeats``:
    identical inputs are normal for these data (``engine.split.row_overlap.repeats_expected``);
    ``balance``: the class counts per split (``engine.split.splits.class_balance``)."""

    frames: dict[str, pd.DataFrame]
    keys: dict[str, ExampleKeys]
    labels: dict[str, pd.Series]
    kind: str
    features: list[str]
    task: str
    target: str
    second_file: bool = False
    repeats: bool = False
    balance: dict[str, dict[str, int]] = field(default_factory=dict)


def run_split_checks(data: CheckData, rows: dict[str, np.ndarray], sources: dict[str, str],
                     seed: int = 0, progress: ProgressFn = ignore,
                     cancel: CancelFlag = NEVER) -> list[Finding]:
    """All the checks on a split (see the module doc); blockers first.

    Raises:
        JobCancelled: ``cancel`` was set between two checks.
    """
    found: list[Finding] = []
    progress(StageStarted("split_checks", text("checks.stage")))
    for done, stage in enumerate(STAGES):
        if cancel.is_set():
            raise JobCancelled("split checks cancelled")
        progress(Progress(done, len(STAGES), text(f"checks.stage_{stage}")))
        if stage == "copies":
            overlaps = find_overlaps(rows, sources, data.keys)
            near_expected = any(o.near for o in overlaps) and repeats_expected(
                data.frames["main"], data.features, data.kind, near=True)
            found += overlap_findings(overlaps, data.repeats, data.kind, near_expected)
        elif stage == "classes" and data.task != "regression":
            found += class_findings(data.balance)
        elif stage == "leakage" and data.kind in LEAKAGE_KINDS:
            y = data.labels[sources["train"]].loc[rows["train"]]
            powers = column_powers(data.frames[sources["train"]], y, data.features, data.task,
                                   seed, cancel, rows=rows["train"])
            found += leakage_findings(powers, data.target)
        elif stage == "drift":
            for split in ("dev", "test"):
                found += _drift_findings(data, rows, sources, split, seed)
    progress(Progress(len(STAGES), len(STAGES), text("checks.stage_done")))
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: rank[f.severity])


def way_out(finding: dict) -> str | None:
    """The fix Practica can apply for this finding: ``drop_copies`` or ``leave_out`` (the
    finding's column), or None."""
    return WAYS_OUT.get(str(finding.get("code")))


def class_findings(balance: dict[str, dict[str, int]]) -> list[Finding]:
    """One warning listing the classes that have no row in some split."""
    classes: list[str] = []
    for counts in balance.values():
        classes += [c for c in counts if c not in classes]
    parts = []
    for split, counts in balance.items():
        missing = [c for c in classes if not counts.get(c)]
        if missing:
            shown = ", ".join(f"'{short_value(c)}'" for c in missing[:5])
            parts.append(f"{text(f'checks.split_{split}')}: {shown}"
                         + (", ..." if len(missing) > 5 else ""))
    if not parts:
        return []
    no_training = any(not balance.get("train", {}).get(c) for c in classes)
    return [make_finding("class_missing", "warning", None, "checks",
                         fix="class_missing_train_fix" if no_training else None,
                         where="; ".join(parts))]


def _drift_findings(data: CheckData, rows: dict[str, np.ndarray], sources: dict[str, str],
                    split: str, seed: int) -> list[Finding]:
    rng = np.random.default_rng(seed)
    train_rows = _sample(rows["train"], rng)
    other_rows = _sample(rows[split], rng)
    a = data.frames[sources["train"]].iloc[train_rows]
    b = data.frames[sources[split]].iloc[other_rows]
    images = None
    if data.keys[sources["train"]].images is not None:
        images = (data.keys[sources["train"]].images.take(train_rows),
                  data.keys[sources[split]].images.take(other_rows))
    side_a, side_b = paired_inputs(a, b, data.kind, data.features, images)
    values = dict(split=text(f"checks.split_{split}"), target=data.target)
    severity = "info" if data.second_file else "warning"
    # text keys: checks.{drift_mismatch,feature_drift,domain_drift,label_drift}_fix
    fix = "drift_mismatch_fix" if data.second_file else None
    out = []
    columns = feature_drift(side_a.columns, side_b.columns)
    drifted = [d for d in columns if d.drifted]
    if drifted:
        out.append(make_finding("feature_drift", severity, None, "checks",
                                fix=fix or "feature_drift_fix",
                                columns=shown_columns(columns), **values))
    domain = domain_drift(side_a, side_b, seed)
    if domain is not None and domain.drifted:
        out.append(make_finding("domain_drift", severity, None, "checks",
                                fix=fix or "domain_drift_fix", score=f"{domain.score:.2f}",
                                top=_top_text(domain), **values))
    if split == "dev":  # test labels stay in the vault
        y_a = data.labels[sources["train"]].loc[train_rows]
        y_b = data.labels[sources[split]].loc[other_rows]
        label = label_drift(y_a, y_b, data.task != "regression")
        if label is not None and label.drifted:
            out.append(make_finding("label_drift", severity, data.target, "checks",
                                    fix=fix or "label_drift_fix", score=f"{label.score:.2f}",
                                    **values))
    return out


def _top_text(domain: DomainDrift) -> str:
    if not domain.top:
        return ""
    return text("checks.domain_top", columns=", ".join(domain.top))


def _sample(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) <= MAX_DRIFT_ROWS:
        return rows
    return np.sort(rng.choice(rows, MAX_DRIFT_ROWS, replace=False))


def split_checks(findings: Sequence[Finding]) -> tuple[SplitCheck, ...]:
    """The findings as stored in ``project.split.checks``: each with its ``way_out`` (see
    ``way_out``) where Practica can apply the fix."""
    out = []
    for f in findings:
        fix = way_out(f.to_dict())
        usable = bool(fix) and (fix != "leave_out" or bool(f.column))
        out.append(SplitCheck(f, way_out=fix if usable else ""))
    return tuple(out)
