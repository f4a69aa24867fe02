"""The jobs the engine process runs for the GUI: a table from request type to the step that
runs it.

Every job takes its frozen request (``engine.<room>.requests``), a progress callback and a
cancel token, and returns its result (a frozen dataclass with ``to_dict``). The child
process reads and writes the project folder itself, so only the request's and the result's
plain dicts cross the pipe (``engine.core.jobs.encode_request``). Jobs for tests only are
not here: the tests add their own table (``job_server.EXTRA_JOBS``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from engine.baseline.requests import BaselinesRequest, SanityRequest
from engine.core.jobs import CancelFlag, JobRequest, ProgressFn, StepResult
from engine.data.requests import CheckFileRequest
from engine.decision.requests import CalibrateRequest, ThresholdRequest
from engine.diagnosis.requests import (DiagnoseRequest, ErrorAnalysisRequest, ExplainRequest,
                                       KfoldRequest, LearningCurveRequest, WhyExampleRequest)
from engine.final.requests import EnsembleRequest, EnsembleRunRequest, FinalTestRequest
from engine.models.pretrained.requests import AddWeightsRequest, FetchWeightsRequest
from engine.goal.requests import NewProjectRequest, NewProjectResult, SuggestGoalRequest
from engine.app.requests import ReportRequest, ReportResult
from engine.split.requests import SplitRequest
from engine.training.requests import ResumableRequest, RunsResult, TrainRequest
from engine.tuning.requests import StorageCheckRequest, TuneRequest, TuningOverviewRequest
from engine.use.requests import ExportModelRequest, PredictRequest, WhyNewRowRequest
from engine.core.jobs import NEVER, ignore
from engine.tuning.summary import refresh_summary
from engine.kinds.sources import check_source

Job = Callable[[Any, ProgressFn, CancelFlag], Any]


def _project(request):
    # Imported here to keep pandas out of start-up.
    from engine.project.project import open_project

    return open_project(request.project)


def _check_file(r: CheckFileRequest, progress, cancel):
    if Path(r.path).is_dir() or r.data_kind not in (None, "table"):
        return check_source(r.path, r.target, r.data_kind, r.text_column, r.sequence,
                            progress, cancel)
    # Imported here to keep pandas out of start-up.
    from engine.data.file_check import check_file

    return check_file(r.path, r.target, progress, cancel)


def _suggest_goal(r: SuggestGoalRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.goal.step import suggest_goal

    return StepResult(suggest_goal(r.path, r.target, r.data_kind, r.text_column, r.sequence,
                                   progress, cancel))


def _new_project(r: NewProjectRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.goal.step import GoalChoice, new_project

    choice = GoalChoice(data=r.data, target=r.target, target_data=r.target_data, task=r.task,
                        metric=r.metric, constraints=tuple(r.constraints),
                        target_error=r.target_error, data_kind=r.data_kind,
                        text_column=r.text_column, sequence=r.sequence,
                        abstain_accuracy=r.abstain_accuracy, costs=tuple(r.costs),
                        cost_unit=r.cost_unit, label_columns=tuple(r.label_columns))
    return NewProjectResult(str(new_project(r.project, choice, progress, cancel).root))


def _split(r: SplitRequest, progress, cancel):
    # Imported here to keep Pillow, pandas, SciPy, scikit-learn out of start-up.
    from engine.split.splits import Fractions
    from engine.split.step import split_project

    fractions = Fractions.from_dict(r.fractions) if r.fractions else None
    return split_project(_project(r), fractions=fractions, seed=int(r.seed),
                         drop_copies=r.drop_copies, leave_out=tuple(r.leave_out),
                         progress=progress, cancel=cancel)


def _baselines(r: BaselinesRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.baseline.step import run_baselines
    from engine.diagnosis.hard_examples_check import check_before_hard_examples

    project = _project(r)
    check_before_hard_examples(project, dict(r.deep_params or {}), progress, cancel)
    results = run_baselines(project, progress, cancel, r.deep_params, r.deep_kind,
                            bool(r.sanity))
    return RunsResult([result.to_dict() for result in results])


def _train(r: TrainRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.hard_examples_check import check_before_hard_examples
    from engine.training.job import TrainingSpec, run_training

    if not r.resume:
        check_before_hard_examples(_project(r), dict(r.params), progress, cancel)
    return run_training(TrainingSpec(str(r.project), r.model, dict(r.params), r.resume),
                        progress, cancel)


def _sanity(r: SanityRequest, progress, cancel):
    # Imported here to keep pandas out of start-up.
    from engine.baseline.sanity_step import run_sanity

    return run_sanity(_project(r), r.kind, r.params, progress, cancel)


def _resumable(r: ResumableRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.training.job import resumable_runs

    return RunsResult(list(resumable_runs(_project(r))))


def _diagnose(r: DiagnoseRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.step import diagnose_project
    from engine.tuning.trial_store import fetch_if_trial

    project = _project(r)
    fetch_if_trial(project, r.run)  # "Use this trial" on a trial another worker trained
    return diagnose_project(project, r.run or None)


def _learning_curve(r: LearningCurveRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.learning_curve import DEFAULT_SEEDS, DEFAULT_SIZES, draw_learning_curve

    return draw_learning_curve(
        _project(r), sizes=tuple(r.sizes or DEFAULT_SIZES), seeds=int(r.seeds or DEFAULT_SEEDS),
        max_epochs=int(r.max_epochs) if r.max_epochs else None, progress=progress,
        cancel=cancel, folds=int(r.folds or 0))


def _kfold(r: KfoldRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.kfold import compare_by_kfold, kfold_sentences

    result = compare_by_kfold(_project(r), folds=int(r.folds), models=tuple(r.models) or None,
                              epochs=int(r.epochs), force=bool(r.force),
                              deep_kind=r.deep_kind or None, progress=progress, cancel=cancel)
    return StepResult({**result.to_dict(), "lines": kfold_sentences(result)})


def _error_analysis(r: ErrorAnalysisRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.error_analysis import analyse_errors

    analysis = analyse_errors(_project(r), progress, cancel, seed=int(r.seed))
    return StepResult({"run": analysis.run, "mistakes": analysis.mistakes,
                       "examples": len(analysis.examples)})


def _explain(r: ExplainRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.diagnosis.importance import explain_run, importance_lines

    result = explain_run(_project(r), r.run or None, repeats=int(r.repeats), seed=int(r.seed),
                         progress=progress, cancel=cancel)
    return StepResult({**result.to_dict(), "lines": importance_lines(result)})


def _calibrate(r: CalibrateRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.decision.calibration import calibrate_run, calibration_lines

    project = _project(r)
    result = calibrate_run(project, r.method or "auto", r.run or None,
                           new_experiment=str(r.new_experiment), progress=progress,
                           cancel=cancel)
    rule = project.decision_rule
    fit = rule.calibration if rule is not None and rule.applies_to(result.run) else None
    return StepResult({**result.to_dict(), "lines": calibration_lines(fit, result.label)})


def _threshold(r: ThresholdRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.decision.threshold import describe_choice, set_threshold

    project = _project(r)
    if r.rule == "cost" and project.goal is not None and project.goal.task == "multiclass":
        return _cost_answers(project, r)
    result = set_threshold(project, str(r.rule), meet=str(r.meet), value=r.value,
                           run_id=str(r.run), new_experiment=str(r.new_experiment),
                           save=bool(r.save))
    line = describe_choice(result.choice, result.curve.label, result.rule.after_test_seen,
                           str(r.new_experiment).strip())
    return StepResult({**result.to_dict(), "line": line})


def _cost_answers(project, r: ThresholdRequest) -> StepResult:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.decision.cost_answers import describe_cost_answers, set_cost_answers

    result = set_cost_answers(project, run_id=str(r.run), new_experiment=str(r.new_experiment),
                              save=bool(r.save))
    line = describe_cost_answers(result.answers, result.label, project.goal.costs.unit,
                                 result.rule.after_test_seen, str(r.new_experiment).strip())
    return StepResult({**result.to_dict(), "line": line, "cost_answers": True})


def _why_example(r: WhyExampleRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.diagnosis.why_example import explain_example

    return StepResult(explain_example(_project(r), int(r.row), r.run or None, progress,
                                      cancel).to_dict())


def _why_new_row(r: WhyNewRowRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.use.why_new_row import explain_new_row

    return StepResult(explain_new_row(_project(r), r.path, int(r.row), progress=progress,
                                      cancel=cancel).to_dict())


def _final_test(r: FinalTestRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.final.step import run_final_test

    return run_final_test(_project(r), progress, cancel, seeds=int(r.seeds),
                          ensemble=bool(r.ensemble), correction=str(r.correction),
                          override=str(r.override), new_experiment=str(r.new_experiment),
                          retrain_on_dev=bool(r.retrain_on_dev))


def _ensemble(r: EnsembleRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.final.ensemble import score_ensemble

    return StepResult(score_ensemble(_project(r), int(r.k), progress, cancel))


def _ensemble_run(r: EnsembleRunRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.final.ensemble_run import make_ensemble_run

    made = make_ensemble_run(_project(r), tuple(r.runs), int(r.size), progress, cancel)
    return StepResult(made.to_dict())


def _report(r: ReportRequest, progress, cancel):
    # Imported here to keep pandas out of start-up.
    from engine.report.step import export_report

    files = export_report(_project(r), pdf=Path(r.pdf) if r.pdf else None,
                          csv_dir=Path(r.csv) if r.csv else None, progress=progress,
                          cancel=cancel)
    return ReportResult(str(files.pdf), tuple(str(p) for p in files.csv_files))


def _tune(r: TuneRequest, progress, cancel):
    # Imported here to keep pandas out of start-up.
    from engine.tuning.step import search

    return search(r, progress, cancel)


def _tuning_overview(r: TuningOverviewRequest, progress, cancel):
    return StepResult(refresh_summary(r.project, r.storage).to_dict())


def _storage_check(r: StorageCheckRequest, progress, cancel):
    # Imported here to keep SQLAlchemy out of start-up.
    from engine.tuning.database import connection_report

    return StepResult(connection_report(r.storage))


def _predict(r: PredictRequest, progress, cancel):
    # Imported here to keep pandas, SciPy, scikit-learn out of start-up.
    from engine.data.sound_picture import SPECTROGRAMS_DIR
    from engine.use.prediction_job import default_output, predict_to_csv

    out = r.out or default_output(r.project, r.path)
    # Recordings' pictures go beside the predictions, for the Use page to show.
    return predict_to_csv(r.project, r.path, out, run_id=r.run or None, progress=progress,
                          cancel=cancel, pictures=Path(out).parent / SPECTROGRAMS_DIR)


def _fetch_weights(r: FetchWeightsRequest, progress, cancel):
    # Imported here to keep urllib's HTTP client out of start-up.
    from engine.models.pretrained.download import fetch_weights

    return StepResult(fetch_weights(r.name, tuple(r.side) or None, progress, cancel))


def _add_weights(r: AddWeightsRequest, progress, cancel):
    # Imported here to keep Keras out of start-up.
    from engine.models.pretrained.install import add_weights_file

    return StepResult(add_weights_file(r.name, r.path, tuple(r.side) or None))


def _export_model(r: ExportModelRequest, progress, cancel):
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.use.model_export import export_model

    return export_model(_project(r), r.to, run_id=r.run or None, progress=progress,
                        cancel=cancel, formats=r.formats or None)


JOBS: dict[type[JobRequest], Job] = {
    CheckFileRequest: _check_file,
    SuggestGoalRequest: _suggest_goal,
    NewProjectRequest: _new_project,
    SplitRequest: _split,
    BaselinesRequest: _baselines,
    TrainRequest: _train,
    SanityRequest: _sanity,
    ResumableRequest: _resumable,
    DiagnoseRequest: _diagnose,
    LearningCurveRequest: _learning_curve,
    KfoldRequest: _kfold,
    ErrorAnalysisRequest: _error_analysis,
    ExplainRequest: _explain,
    CalibrateRequest: _calibrate,
    ThresholdRequest: _threshold,
    WhyExampleRequest: _why_example,
    FinalTestRequest: _final_test,
    TuneRequest: _tune,
    TuningOverviewRequest: _tuning_overview,
    StorageCheckRequest: _storage_check,
    EnsembleRequest: _ensemble,
    EnsembleRunRequest: _ensemble_run,
    FetchWeightsRequest: _fetch_weights,
    AddWeightsRequest: _add_weights,
    ReportRequest: _report,
    PredictRequest: _predict,
    ExportModelRequest: _export_model,
    WhyNewRowRequest: _why_new_row,
}


def run_request(request: JobRequest, progress: ProgressFn | None = None,
                cancel: CancelFlag | None = None):
    """Run ``request``'s job here, in this process (tests, tools); returns its result.

    Raises:
        KeyError: no job runs this request type.
    """

    return JOBS[type(request)](request, progress or ignore, cancel or NEVER)
