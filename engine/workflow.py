"""The whole workflow, step by step, as the CLI and the demo run it headless.

``run_until(project, step)`` does every step that is not done yet, up to ``step``, in the
methodology's order: split, baseline, diagnose, test (opens the vault), report.
"""

from __future__ import annotations

from pathlib import Path

from engine.baseline import run_baselines
from engine.diagnose_step import diagnose_project
from engine.errors import ProjectError
from engine.final_test import run_final_test
from engine.jobs import NEVER, CancelFlag, ProgressFn, ignore
from engine.project import Project
from engine.split_step import split_project
from engine.texts import text

STEPS = ("split", "baseline", "diagnose", "test", "report")


def run_until(project: Project, until: str, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER, deep_params: dict | None = None,
              pdf: Path | None = None, csv_dir: Path | None = None,
              deep_kind: str | None = None) -> list[str]:
    """Run the steps up to and including ``until``; return the steps that were run.

    ``deep_params``/``deep_kind``: settings and family of the baseline's deep model.
    """
    if until not in STEPS:
        raise ProjectError(text("workflow.bad_step", step=until, steps=", ".join(STEPS)))
    if project.goal is None:
        raise ProjectError(text("project.no_goal"))
    done: list[str] = []
    for step in STEPS[: STEPS.index(until) + 1]:
        if cancel.is_set():
            break
        if step == "split" and project.split is None:
            split_project(project)
        elif step == "baseline" and not any(r.status == "finished" for r in project.runs):
            run_baselines(project, progress, cancel, deep_params, deep_kind)
        elif step == "diagnose" and project.diagnosis is None:
            diagnose_project(project)
        elif step == "test" and project.final_test is None:
            run_final_test(project, progress, cancel)
        elif step == "report":
            from engine.report_step import export_report

            export_report(project, pdf=pdf, csv_dir=csv_dir)
        else:
            continue
        done.append(step)
    return done
