"""Step 6 — open the vault once and evaluate the chosen model on the test rows.

Every metric of the task gets a 95% bootstrap interval; classification adds the confusion
matrix. The evaluation is written into the vault record, and the error ladder is read again
with the test error (a large dev-to-test gap means the dev set was overfitted).
"""

from __future__ import annotations

from sklearn.metrics import confusion_matrix

from engine.bootstrap import metric_intervals
from engine.datasets import split_frame, target_values
from engine.decisions import now_iso
from engine.diagnose_step import read_ladder
from engine.errors import ProjectError
from engine.evaluation import optimizing_error, score, to_predictions
from engine.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.predictor import load_predictor
from engine.preprocess_store import load_preprocessor
from engine.project import Project
from engine.steps import judging_key
from engine.texts import text
from engine.vault import open_vault, record_evaluation


def run_final_test(project: Project, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                   n_resamples: int = 1000) -> dict:
    """Open the vault (logged, irreversible) and test the chosen run on the test rows."""
    if not project.chosen_run:
        raise ProjectError(text("final.no_choice"))
    run = project.run(project.chosen_run)
    goal = project.goal
    progress(StageStarted("vault", text("stage.vault")))
    open_vault(project, reason=text("final.vault_reason", label=run.label))
    prep = load_preprocessor(project)
    frame = split_frame(project, "test")
    y_true = target_values(project, frame)
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    preds = to_predictions(goal, y_true, predictor.scores(prep.transform(frame)))
    metrics = score(goal, preds)
    progress(StageStarted("intervals", text("stage.intervals")))
    intervals = metric_intervals(goal["task"], preds.y_true, preds.y_pred, preds.y_score,
                                 labels=goal.get("labels") or None,
                                 positive_label=goal.get("positive_label"),
                                 n_resamples=n_resamples, progress=progress, cancel=cancel)
    result = {
        "run": run.id, "label": run.label, "rows": int(len(frame)), "evaluated_at": now_iso(),
        "metric": goal["metric"],
        "metrics": {name: {"value": value, "low": intervals[name].low,
                           "high": intervals[name].high, "method": intervals[name].method}
                    if name in intervals else
                    {"value": value, "low": None, "high": None, "method": "undefined"}
                    for name, value in metrics.items()},
        "confidence": 0.95,
    }
    if goal["task"] != "regression":
        labels = goal["labels"]
        matrix = confusion_matrix(preds.y_true, preds.y_pred, labels=labels)
        result["confusion"] = {"labels": labels, "matrix": matrix.tolist()}
    test_error = optimizing_error(goal, metrics)
    result["test_error"] = test_error
    ladder = read_ladder(project, run, test=test_error)
    project.diagnosis = {"run": run.id, "judged_by": judging_key(project), **ladder.to_dict()}
    project.final_test = result
    record_evaluation(project, run.id, metric=goal["metric"], value=metrics[goal["metric"]])
    project.log("final_test", text("decision.final_test", label=run.label,
                                   metric=goal["metric"], value=metrics[goal["metric"]]))
    project.save()
    return result
