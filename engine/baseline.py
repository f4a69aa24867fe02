"""Step 3 — the baselines: majority class (or mean), a linear model, then a Keras MLP."""

from __future__ import annotations

from typing import Any

from engine.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.project import Project
from engine.texts import text
from engine.training import TrainingResult, TrainingSpec, run_training

BASELINE_ORDER = ("majority", "linear", "mlp")


def run_baselines(project: Project, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                  mlp_params: dict[str, Any] | None = None) -> list[TrainingResult]:
    """Train the three baselines in order; stop early when ``cancel`` is set."""
    results = []
    for done, kind in enumerate(BASELINE_ORDER):
        if cancel.is_set():
            break
        progress(Progress(done, len(BASELINE_ORDER), text("stage.baseline", model=kind)))
        params = dict(mlp_params or {}) if kind == "mlp" else {}
        results.append(run_training(TrainingSpec(str(project.root), kind, params),
                                    progress, cancel))
    project.reload_runs()
    project.log("baselines_trained", text("decision.baselines_trained", n=len(results)),
                runs=[r.run_id for r in results])
    project.save()
    return results
