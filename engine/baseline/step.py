"""Step 3 — the baselines: majority class (or mean), a linear model, boosted trees (tables
only, ``DataKind.tree_baseline``), then the deep model the
data kind calls for (MLP for tables, CNN for images, 1D-conv for sequences, an embedding
model for text), after the sanity checks of that deep model."""

from __future__ import annotations

from typing import Any

from engine.kinds.input_coding import data_kind
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.kinds.registry import kind_of
from engine.models import simple_baselines, zoo
from engine.project.project import Project
from engine.core.texts import text
from engine.training.job import TrainingResult, TrainingSpec, run_training
from engine.baseline.sanity_step import run_sanity


def baseline_order(project: Project, deep_kind: str | None = None) -> tuple[str, ...]:
    """The models the baseline step trains, simplest first."""
    trees = (simple_baselines.TREES,) if kind_of(project).tree_baseline else ()
    return ("majority", "linear", *trees, deep_kind or zoo.default_kind(data_kind(project)))


def run_baselines(project: Project, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                  deep_params: dict[str, Any] | None = None, deep_kind: str | None = None,
                  sanity: bool = True) -> list[TrainingResult]:
    """Check the deep model, then train the baselines in order; stop early when
    ``cancel`` is set.

    Args:
        project: a split project.
        progress, cancel: events out, stop request in.
        deep_params: settings of the deep model (architecture and training).
        deep_kind: its family (default: the data kind's usual one).
        sanity: run the sanity checks first (their verdict is kept, training goes on).
    """
    order = baseline_order(project, deep_kind)
    params = dict(deep_params or {})
    total = len(order) + (1 if sanity else 0)
    results = []
    if sanity and not cancel.is_set():
        progress(Progress(0, total, text("stage.sanity")))
        run_sanity(project, order[-1], params, progress, cancel)
    for done, kind in enumerate(order, start=total - len(order)):
        if cancel.is_set():
            break
        progress(Progress(done, total, text("stage.baseline", model=kind)))
        results.append(run_training(TrainingSpec(str(project.root), kind,
                                                 params if zoo.is_keras_kind(kind) else {}),
                                    progress, cancel))
    project.reload_runs()
    project.log("baselines_trained", text("decision.baselines_trained", n=len(results)),
                runs=[r.run_id for r in results])
    project.save()
    return results
