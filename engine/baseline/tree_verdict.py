"""Does the network beat the boosted trees? On tables the trees are the baseline a data
scientist respects: when the network does no better on the dev rows, Practica says so
plainly wherever the baselines are compared (baseline page, diagnosis advice, report).

Example:
    >>> from engine.project.project import Project
    >>> trees_sentence(Project.__new__(Project)) is None  # no runs, nothing to say
    True
"""

from __future__ import annotations

import math

from engine.core.texts import text
from engine.models import simple_baselines, zoo
from engine.project.fingerprints import split_key
from engine.project.project import Project, chosen_run
from engine.project.run_record import RunRecord
from engine.project.parts.goal import Goal
from engine.words import fmt_error


def trees_sentence(project: Project, run: RunRecord | None = None) -> str | None:
    """The plain sentence when network ``run`` (default: the chosen run if it is a network,
    else the best network) does not beat the best boosted trees on dev; None when it does
    or when either is missing."""
    runs = _comparable(project)
    if run is None:
        chosen = chosen_run(project) if getattr(project, "chosen_run", None) else None
        networks = [r for r in runs if zoo.is_keras_kind(r.model)]
        run = chosen if chosen is not None and zoo.is_keras_kind(chosen.model) else \
            min(networks, key=lambda r: r.errors["dev"], default=None)
    trees = min((r for r in runs if r.model == simple_baselines.TREES),
                key=lambda r: r.errors["dev"], default=None)
    if run is None or trees is None or not zoo.is_keras_kind(run.model):
        return None
    dev = run.errors.get("dev", math.nan)
    if math.isfinite(dev) and dev < trees.errors["dev"]:
        return None
    metric = (project.goal or Goal()).metric
    return text("trees.network_not_better", network=run.label,
                error=fmt_error(dev, metric), trees_error=fmt_error(trees.errors["dev"], metric))


def _comparable(project: Project) -> list[RunRecord]:
    """Finished runs of the current split, made before the vault opened, with a dev error."""
    if not getattr(project, "runs", None):
        return []
    key = split_key(project)
    return [r for r in project.runs if r.status == "finished" and r.split_key == key
            and not r.after_vault and math.isfinite(r.errors.get("dev", math.nan))]
