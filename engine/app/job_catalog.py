"""The jobs the engine process runs for the GUI: JSON-able arguments in, JSON-able result out.

Each entry takes ``(args, progress, cancel)``; ``args`` always names the project folder
(``project``) except for jobs that make or read files before a project exists. The child
process reads and writes the project folder itself, so only these small dicts cross.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from engine.core.defaults import CORRECTION, ENSEMBLE_MEMBERS, FINAL_SEEDS
from engine.core.jobs import CancelFlag, ProgressFn

Job = Callable[[dict[str, Any], ProgressFn, CancelFlag], dict[str, Any]]


def _check_file(args, progress, cancel):
    from pathlib import Path as _Path

    if _Path(args["path"]).is_dir() or args.get("data_kind") not in (None, "table"):
        from engine.data.source_check import check_source

        return check_source(args["path"], args.get("target"), args.get("data_kind"),
                            args.get("text_column"), args.get("sequence"), progress,
                            cancel).to_dict()
    from engine.data.file_check import check_file

    return check_file(args["path"], args.get("target"), progress, cancel).to_dict()


def _suggest_goal(args, progress, cancel):
    from engine.goal.step import suggest_goal

    return suggest_goal(args["path"], args.get("target"), args.get("data_kind"),
                        args.get("text_column"), args.get("sequence"), progress, cancel)


def _new_project(args, progress, cancel):
    from engine.goal.step import GoalChoice, new_project

    choice = GoalChoice(data=args["data"], target=args.get("target"),
                        target_data=args.get("target_data"), task=args.get("task"),
                        metric=args.get("metric"),
                        constraints=tuple(args.get("constraints") or ()),
                        target_error=args.get("target_error"),
                        data_kind=args.get("data_kind"), text_column=args.get("text_column"),
                        sequence=args.get("sequence"),
                        abstain_accuracy=args.get("abstain_accuracy"))
    project = new_project(args["project"], choice, progress, cancel)
    return {"project": str(project.root)}


def _split(args, progress, cancel):
    from engine.project.project import open_project
    from engine.split.step import split_project
    from engine.split.splits import Fractions

    project = open_project(args["project"])
    fractions = Fractions.from_dict(args["fractions"]) if args.get("fractions") else None
    return split_project(project, fractions=fractions, seed=int(args.get("seed", 0)),
                         drop_copies=args.get("drop_copies"),
                         leave_out=tuple(args.get("leave_out") or ()),
                         progress=progress, cancel=cancel).to_dict()


def _baselines(args, progress, cancel):
    from engine.baseline.step import run_baselines
    from engine.project.project import open_project

    project = open_project(args["project"])
    results = run_baselines(project, progress, cancel,
                            args.get("deep_params") or args.get("mlp_params"),
                            args.get("deep_kind"), bool(args.get("sanity", True)))
    return {"runs": [r.to_dict() for r in results]}


def _train(args, progress, cancel):
    from engine.training.job import TrainingSpec, run_training

    return run_training(TrainingSpec.from_dict(args), progress, cancel).to_dict()


def _sanity(args, progress, cancel):
    from engine.project.project import open_project
    from engine.baseline.sanity_step import run_sanity

    return run_sanity(open_project(args["project"]), args["kind"], args.get("params"),
                      progress, cancel).to_dict()


def _resumable(args, progress, cancel):
    from engine.project.project import open_project
    from engine.training.job import resumable_runs

    return {"runs": resumable_runs(open_project(args["project"]))}


def _diagnose(args, progress, cancel):
    from engine.diagnosis.step import diagnose_project
    from engine.project.project import open_project

    return diagnose_project(open_project(args["project"]), args.get("run")).to_dict()


def _learning_curve(args, progress, cancel):
    from engine.diagnosis.learning_curve import DEFAULT_SEEDS, DEFAULT_SIZES, draw_learning_curve
    from engine.project.project import open_project

    max_epochs = args.get("max_epochs")
    return draw_learning_curve(open_project(args["project"]),
                               sizes=tuple(args.get("sizes") or DEFAULT_SIZES),
                               seeds=int(args.get("seeds") or DEFAULT_SEEDS),
                               max_epochs=int(max_epochs) if max_epochs else None,
                               progress=progress, cancel=cancel).to_dict()


def _error_analysis(args, progress, cancel):
    from engine.diagnosis.error_analysis import analyse_errors
    from engine.project.project import open_project

    analysis = analyse_errors(open_project(args["project"]), progress, cancel,
                              seed=int(args.get("seed", 0)))
    return {"run": analysis.run, "mistakes": analysis.mistakes,
            "examples": len(analysis.examples)}


def _final_test(args, progress, cancel):
    from engine.final.step import run_final_test
    from engine.project.project import open_project

    return run_final_test(open_project(args["project"]), progress, cancel,
                          seeds=int(args.get("seeds", FINAL_SEEDS)),
                          ensemble=bool(args.get("ensemble")),
                          correction=str(args.get("correction", CORRECTION))).to_dict()


def _ensemble(args, progress, cancel):
    from engine.final.ensemble import score_ensemble
    from engine.project.project import open_project

    return score_ensemble(open_project(args["project"]), int(args.get("k", ENSEMBLE_MEMBERS)), progress,
                          cancel)


def _report(args, progress, cancel):
    from engine.project.project import open_project
    from engine.report.step import export_report

    project = open_project(args["project"])
    pdf = Path(args["pdf"]) if args.get("pdf") else None
    csv = Path(args["csv"]) if args.get("csv") else None
    files = export_report(project, pdf=pdf, csv_dir=csv, progress=progress, cancel=cancel)
    return {"pdf": str(files.pdf), "csv": [str(p) for p in files.csv_files]}


def _tune(args, progress, cancel):
    from engine.project.project import open_project
    from engine.tuning.step import log_search
    from engine.tuning.objective import TuningBudget
    from engine.tuning.study import open_study, study_settings
    from engine.tuning.workers import run_parallel

    budget = TuningBudget.from_dict(args)
    result = run_parallel(budget, progress=progress, cancel=cancel)
    settings = budget.settings or study_settings(open_study(budget.project_dir,
                                                            budget.storage or None))
    log_search(open_project(budget.project_dir), settings, result)
    return result.to_dict()


def _tuning_overview(args, progress, cancel):
    from engine.tuning.summary import write_summary

    return write_summary(args["project"], args.get("storage") or None)


def _predict(args, progress, cancel):
    from engine.use.prediction_job import default_output, predict_to_csv

    out = args.get("out") or default_output(args["project"], args["path"])
    return predict_to_csv(args["project"], args["path"], out, run_id=args.get("run"),
                          progress=progress, cancel=cancel).to_dict()


def _export_model(args, progress, cancel):
    from engine.use.model_export import export_model
    from engine.project.project import open_project

    return export_model(open_project(args["project"]), args["to"], run_id=args.get("run"),
                        progress=progress, cancel=cancel).to_dict()


def _raise_for_test(args, progress, cancel):
    """A job that fails on purpose (used by the tests of the error dialog)."""
    raise RuntimeError(args.get("message", "a deliberate failure"))


def _sleep_for_test(args, progress, cancel):
    """A job that ignores its cancel token (used by the tests of the hard stop)."""
    import time

    time.sleep(float(args.get("seconds", 60)))
    return {}


JOBS: dict[str, Job] = {
    "check_file": _check_file,
    "suggest_goal": _suggest_goal,
    "new_project": _new_project,
    "split": _split,
    "baselines": _baselines,
    "train": _train,
    "sanity": _sanity,
    "resumable": _resumable,
    "diagnose": _diagnose,
    "learning_curve": _learning_curve,
    "error_analysis": _error_analysis,
    "final_test": _final_test,
    "tune": _tune,
    "tuning_overview": _tuning_overview,
    "ensemble": _ensemble,
    "report": _report,
    "predict": _predict,
    "export_model": _export_model,
    "raise_for_test": _raise_for_test,
    "sleep_for_test": _sleep_for_test,
}
