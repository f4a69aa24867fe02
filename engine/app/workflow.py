"""The whole workflow, step by step, as the CLI and the demo run it headless.

``run_until(project, step)`` does every step that is not done yet, up to ``step``, in the
methodology's order: data (the split), baseline, diagnose, tune (only with a budget),
final (opens the vault), report. The step names are the wizard's (``steps.STEPS``).

A diagnosis made before the goal, the split or the choice changed is redone
(``engine.final.gate.redo_diagnosis``), at the diagnose step and again just before the vault
opens; the final test then runs only when the checks before the vault pass, or when the
caller gives the user's reason to override them or to start a new experiment.
"""

from __future__ import annotations

from pathlib import Path

from engine.baseline.step import run_baselines
from engine.diagnosis.step import diagnose_project
from engine.diagnosis.error_analysis import analyse_errors
from engine.diagnosis.hard_examples_check import check_before_hard_examples
from engine.core.defaults import CORRECTION, FINAL_SEEDS, HEADLESS_LEARNING_CURVE_SEEDS
from engine.core.errors import ProjectError
from engine.final.gate import redo_diagnosis, vault_gate
from engine.final.step import run_final_test
from engine.diagnosis.learning_curve import draw_learning_curve
from engine.core.jobs import NEVER, AlertRaised, CancelFlag, ProgressFn, StageStarted, ignore
from engine.project.parts.split import Fractions
from engine.project.project import Project, chosen_run
from engine.split.step import split_project
from engine.app.steps import DONE, HEADLESS, LOCKED, STEP_ALIASES, step_states
from engine.core.texts import text
from engine.tuning.requests import TuneRequest
from engine.tuning.choice import choose_run
from engine.tuning.step import tune_project, tuning_done
from engine.report.step import export_report



def run_until(project: Project, until: str, progress: ProgressFn = ignore,
              cancel: CancelFlag = NEVER, deep_params: dict | None = None,
              pdf: Path | None = None, csv_dir: Path | None = None,
              deep_kind: str | None = None, seeds: int = FINAL_SEEDS, ensemble: bool = False,
              correction: str = CORRECTION, tune: TuneRequest | None = None,
              fractions: Fractions | None = None, split_seed: int | None = None,
              choose: str = "", override: str = "", new_experiment: str = "",
              retrain_on_dev: bool = False) -> list[str]:
    """Run the steps up to and including ``until``; return the steps that were run.

    ``deep_params``/``deep_kind``: settings and family of the baseline's deep model.
    ``seeds``, ``ensemble``, ``correction``, ``retrain_on_dev``: how the final test is made (see
    ``engine.final.step.run_final_test``). ``tune``: the search's budget; without one the
    tune step is skipped (asking to stop at it without one is an error); with one it runs
    (or continues) the search and adopts its best feasible trial when it beats the chosen
    model (``engine.tuning.choice.adopt_best_trial``), even when trials exist already.
    ``fractions``/``split_seed``: the split's shares and seed; a split made with others is
    made again. ``choose``: a run id or trial number to make the chosen model at the
    diagnose step (``engine.tuning.choice.choose_run``; a limit it breaks is sent as an
    ``AlertRaised`` warning).
    ``override``, ``new_experiment``: the user's reasons for going past the checks before
    the vault (``engine.final.gate``); a final test already made is repeated only with
    ``new_experiment``.
    """
    until = STEP_ALIASES.get(until, until)
    if until not in HEADLESS:
        raise ProjectError(text("workflow.bad_step", step=until, steps=", ".join(HEADLESS)))
    if project.goal is None:
        raise ProjectError(text("project.no_goal"))
    tune = tune or TuneRequest()
    if until == "tune" and not tune.has_budget and not tuning_done(project):
        raise ProjectError(text("tuning.no_budget"))
    done: list[str] = []
    for step in HEADLESS[: HEADLESS.index(until) + 1]:
        if cancel.is_set():
            break
        if step == "data" and _split_wanted(project, fractions, split_seed):
            split = project.split
            split_project(project, fractions or (split.fractions if split else None),
                          seed=split_seed if split_seed is not None
                          else (split.seed if split else 0))
        elif step == "baseline" and step_states(project)["baseline"].state != DONE:
            _stop_at_blockers(project)
            check_before_hard_examples(project, dict(deep_params or {}), progress, cancel)
            run_baselines(project, progress, cancel, deep_params, deep_kind)
        elif step == "diagnose" and (choose or (project.diagnosis is None
                                                 and chosen_run(project) is None)):
            if choose:
                _choose(project, choose, progress)
            else:
                diagnose_project(project)
            _look_closer(project, progress, cancel, deep_params)
        elif step == "diagnose" and _stale(project):
            if _redone(project, bool(override.strip())):
                _look_closer(project, progress, cancel, deep_params)
        elif step == "tune" and tune.has_budget:
            adoption = tune_project(project, tune, progress, cancel)
            progress(StageStarted("tune", adoption.sentence))
            if adoption.adopted:
                _look_closer(project, progress, cancel, deep_params)
        elif step == "final" and (project.final_test is None or new_experiment.strip()):
            if _redone(project, bool(override.strip())):
                _look_closer(project, progress, cancel, deep_params)
            run_final_test(project, progress, cancel, seeds=seeds, ensemble=ensemble,
                           correction=correction, override=override,
                           new_experiment=new_experiment, retrain_on_dev=retrain_on_dev)
        elif step == "report":
            export_report(project, pdf=pdf, csv_dir=csv_dir, progress=progress, cancel=cancel)
        else:
            continue
        done.append(step)
    return done


def _split_wanted(project: Project, fractions: Fractions | None, seed: int | None) -> bool:
    """Whether the data step splits: no split yet, or other shares or seed asked for."""
    split = project.split
    if split is None:
        return True
    return ((fractions is not None and fractions != split.fractions)
            or (seed is not None and seed != split.seed))


def _choose(project: Project, name: str, progress: ProgressFn) -> None:
    """Make run or trial ``name`` the chosen model; warn when it breaks a limit."""
    choice = choose_run(project, name)
    if choice.broken:
        progress(AlertRaised(choice.run.id, "breaks_limit", "warning",
                             text("workflow.chosen_breaks", label=choice.run.label,
                                  reasons=" ".join(choice.broken))))


def _stale(project: Project) -> bool:
    """Whether the chosen model's diagnosis is out of date, or the model is of an earlier
    split (``engine.final.gate``)."""
    verdict = vault_gate(project)
    return bool(verdict.stale or verdict.old_split) and not verdict.missing


def _redone(project: Project, keep_choice: bool) -> bool:
    """Redo a stale diagnosis; True when the chosen model changed (its closer looks, the
    error analysis and the learning curve, are then made again)."""
    before = project.chosen_run
    return redo_diagnosis(project, keep_choice) and project.chosen_run != before


def _look_closer(project: Project, progress: ProgressFn, cancel: CancelFlag,
                 deep_params: dict | None) -> None:
    """Error analysis and learning curves of the chosen model."""
    analyse_errors(project, progress, cancel)
    draw_learning_curve(project, seeds=HEADLESS_LEARNING_CURVE_SEEDS,
                        max_epochs=(deep_params or {}).get("epochs"),
                        progress=progress, cancel=cancel)


def _stop_at_blockers(project: Project) -> None:
    """Refuse to train while the checks of the split found something that must be fixed."""
    state = step_states(project)["baseline"]
    if state.state == LOCKED:
        raise ProjectError(text("workflow.blocked", reason=state.reason,
                                folder=project.root))
