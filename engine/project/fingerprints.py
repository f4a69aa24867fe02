"""Fingerprints of what each result depends on, so a later change marks it stale.

The split records the ``goal_key`` it was made for, each run the ``split_key`` it was
trained on and the diagnosis the ``judging_key`` it read the ladder with; the step gating
(``steps``) compares them with the project's current ones.

Use:
    len(judging_key(project))
"""

from __future__ import annotations

import hashlib
import json

from engine.project.project import Project
from engine.project.parts.goal import Goal


def _key(data: object) -> str:
    raw = json.dumps(data, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha1(raw).hexdigest()[:12]


def goal_key(project: Project) -> str:
    """What the split depends on: the data files, the target, the task and the features."""
    goal = project.goal or Goal()
    return _key({"sources": [(s.role, s.sha256) for s in project.sources],
                 "target": goal.target, "task": goal.task,
                 "labels": list(goal.labels), "features": project.features})


def split_key(project: Project) -> str:
    """What a training run depends on: the split it was trained on, its rows included (a
    split made before the rows' digests existed keeps the key it had)."""
    split = project.split
    if split is None:
        return _key({"goal": None, "seed": None, "fractions": None, "sizes": None})
    parts = {"goal": split.made_for, "seed": split.seed,
             "fractions": split.fractions.to_dict() if split.fractions else None,
             "sizes": split.sizes}
    if split.row_hashes:
        parts["rows"] = dict(split.row_hashes)
    return _key(parts)


def judging_key(project: Project) -> str:
    """What the diagnosis depends on: how runs are judged (the cost table too when the
    metric or a constraint is the expected cost; a goal without it keeps its old key)."""
    goal = project.goal or Goal()
    parts = {"metric": goal.metric, "target_error": goal.target_error,
             "constraints": [c.to_dict() for c in goal.constraints]}
    uses_costs = goal.metric == "expected_cost" or any(
        c.quantity == "expected_cost" for c in goal.constraints)
    if uses_costs and goal.costs is not None:
        parts["costs"] = goal.costs.to_dict()
    return _key(parts)
