"""Which wizard steps are locked, ready, done or stale — a pure function of the project.

The sidebar, the CLI and the tests all ask ``step_states(project)``, so they agree. A result
made from inputs that have changed since is *stale* rather than silently kept: the split
records the goal it was made for, each run the split it was trained on, the diagnosis the
goal settings it read the ladder with, and the report how long the decisions log was when it was written.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.project.fingerprints import goal_key, judging_key, split_key
from engine.project.parts.split import SplitRecord
from engine.project.project import Project
from engine.core.texts import text
from engine.tuning.step import tuning_done

STEPS = ("goal", "data", "baseline", "diagnose", "tune", "final", "report", "use")
"""The wizard's steps in order: the one set of step names the GUI, the CLI and the tests use."""

HEADLESS = ("data", "baseline", "diagnose", "tune", "final", "report")
"""The steps ``run --until`` can run without a person (the goal is set by ``practica new``)."""

STEP_ALIASES = {"split": "data", "test": "final"}
"""Older names of steps, still accepted by ``run --until`` (releases before the rooms)."""
LOCKED, READY, DONE, STALE = "locked", "ready", "done", "stale"


@dataclass(frozen=True)
class StepState:
    """The state of one step and a short plain reason for it."""

    step: str
    state: str
    reason: str = ""


def _split_blocked(split: SplitRecord | None) -> bool:
    """Whether the checks of the split found a blocker (``engine.split.checks``)."""
    return split is not None and split.blocked


def step_states(project: Project) -> dict[str, StepState]:
    """The state of every step, in wizard order."""
    out: dict[str, StepState] = {}
    has_goal = project.goal is not None
    out["goal"] = StepState("goal", DONE if has_goal else READY,
                            "" if has_goal else text("steps.need_file"))

    split = project.split
    if not has_goal:
        out["data"] = StepState("data", LOCKED, text("steps.need_goal"))
    elif split is None:
        out["data"] = StepState("data", READY)
    elif split.made_for != goal_key(project):
        out["data"] = StepState("data", STALE, text("steps.data_changed"))
    elif _split_blocked(split):
        out["data"] = StepState("data", READY, text("checks.steps_blocked"))
    else:
        out["data"] = StepState("data", DONE)

    current = [r for r in project.runs if r.split_key == split_key(project)]
    finished = [r for r in current if r.status == "finished"]
    if out["data"].state != DONE:
        blocked = out["data"].state == READY and _split_blocked(split)
        out["baseline"] = StepState("baseline", LOCKED,
                                    text("checks.steps_fix_first" if blocked
                                         else "steps.need_split"))
    elif finished:
        out["baseline"] = StepState("baseline", DONE)
    elif any(r.status == "finished" for r in project.runs):
        out["baseline"] = StepState("baseline", STALE, text("steps.split_changed"))
    else:
        out["baseline"] = StepState("baseline", READY)

    diagnosis = project.diagnosis
    chosen_ok = project.chosen_run in {r.id for r in finished}
    if out["baseline"].state != DONE:
        out["diagnose"] = StepState("diagnose", LOCKED, text("steps.need_baseline"))
    elif diagnosis is None:
        out["diagnose"] = StepState("diagnose", READY)
    elif (not chosen_ok or diagnosis.judged_by != judging_key(project)
          or diagnosis.run != project.chosen_run):
        out["diagnose"] = StepState("diagnose", STALE, text("steps.judging_changed"))
    else:
        out["diagnose"] = StepState("diagnose", DONE)

    after = out["diagnose"].state == DONE
    if not after:
        out["tune"] = StepState("tune", LOCKED, text("steps.need_diagnosis"))
    else:  # optional: done once a search has a finished trial

        out["tune"] = StepState("tune", DONE if tuning_done(project) else READY)

    final = project.final_test
    if final is not None and final.run != project.chosen_run:
        out["final"] = StepState("final", STALE, text("steps.other_model_chosen"))
    elif final is not None:
        out["final"] = StepState("final", DONE)
    else:
        out["final"] = StepState("final", READY if after else LOCKED,
                                 "" if after else text("steps.need_chosen_model"))

    report = project.report
    if not has_goal:
        out["report"] = StepState("report", LOCKED, text("steps.need_goal"))
    elif report is None:
        out["report"] = StepState("report", READY)
    elif len(project.decisions) > report.decisions:
        out["report"] = StepState("report", STALE, text("steps.changed_since_report"))
    else:
        out["report"] = StepState("report", DONE)

    # Using the model needs a model: a finished run of the current split, chosen in step 4.
    out["use"] = StepState("use", READY if chosen_ok else LOCKED,
                           "" if chosen_ok else text("steps.need_chosen_model"))
    return out
