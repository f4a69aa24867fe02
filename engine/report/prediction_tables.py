"""Row-by-row predictions for the CSV report: the chosen model on the dev rows, and the
tested model on the test rows once the vault is open (never before).

The saved models predict again with the saved input coding, exactly as error analysis and
the final test did; nothing is trained. One row per example:

- ``row``: the example's row in the data file it comes from (0 = the first data row);
- ``true_value`` and ``prediction``;
- classification: ``correct``, ``confidence`` (the probability of the answer given, by the
  run's decision rule when it has one),
  ``abstain`` when the goal lets the model refuse (threshold chosen on the dev rows, as the
  final test does) and ``probability <class>`` for up to ``MAX_PROBABILITY_COLUMNS`` classes;
- regression: ``error`` (prediction minus true value).

Use:
    predictions_table(project, "dev").head()
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.goal.decision import answer_confidence, decided, rule_for
from engine.project.project import Project
from engine.project.project import find_run
from engine.project.parts.goal import Goal
from engine.kinds.preprocess_store import load_preprocessor
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import load_predictor
from engine.final.retrain import tested_retrained, tested_retrained_predictor
from engine.use.usable_model import project_threshold

MAX_PROBABILITY_COLUMNS = 10
BASE_COLUMNS = ("row", "run", "true_value", "prediction")
CLASS_COLUMNS = ("correct", "confidence")
REGRESSION_COLUMNS = ("error",)
PROBABILITY = "probability {label}"


def prediction_run(project: Project, split: str) -> str | None:
    """The run whose predictions the file of ``split`` holds: the chosen run for the dev
    rows, the tested run for the test rows (None while the vault is locked)."""
    if split == "test":
        return project.final_test.run if project.vault_open and project.final_test else None
    return project.chosen_run


def empty_table(project: Project) -> pd.DataFrame:
    """The columns the file would have, without rows (no model chosen or tested yet)."""
    task = (project.goal or Goal()).task
    extra = REGRESSION_COLUMNS if task == "regression" else CLASS_COLUMNS
    return pd.DataFrame(columns=[*BASE_COLUMNS, *extra])


def predictions_table(project: Project, split: str) -> pd.DataFrame:
    """The predictions on ``split`` (``dev`` or ``test``), see the module docstring.

    Raises:
        VaultLockedError: ``split`` is ``test`` and the vault is locked.
        ProjectError, OSError: the data file or the model cannot be read.
    """

    run = find_run(project, prediction_run(project, split))
    if split == "test":
        split_frame(project, "test")  # raises while the vault is locked
    if run is None or project.goal is None:
        return empty_table(project)
    goal = project.goal
    prep = load_preprocessor(project)
    # The final test may have scored the settings trained again on train + dev rows.
    retrained = tested_retrained(project, run.id) if split == "test" else None
    predictor = (load_predictor(project.run_dir(run.id), run, prep) if retrained is None
                 else tested_retrained_predictor(project, run, retrained, prep))
    frame = split_frame(project, split)
    # The answers of the decision rule (calibration, threshold) the model answers by; on
    # the test rows, the one the final test used.
    rule = (project.final_test.decision if split == "test"
            else rule_for(project.decision_rule, run.id))
    preds = decided(goal, rule,
                    target_values(project, frame), predictor.scores(prep.transform(frame)))
    out = pd.DataFrame({"row": frame.index.to_numpy(dtype=np.int64), "run": run.id,
                        "true_value": preds.y_true, "prediction": preds.y_pred})
    if goal.task == "regression":
        out["error"] = np.asarray(preds.y_pred, float) - np.asarray(preds.y_true, float)
        return out
    out["correct"] = preds.y_true == preds.y_pred
    confidence = answer_confidence(goal, preds)
    out["confidence"] = confidence
    if goal.abstain_accuracy is not None:
        # The same threshold as the final test and `practica predict` (chosen on dev).
        refuse = project_threshold(project, run.id, predictor,
                                   retrained=retrained is not None)
        out["abstain"] = (confidence < refuse if refuse is not None
                          else np.zeros(len(confidence), dtype=bool))
    labels = [str(label) for label in goal.labels]
    if len(labels) <= MAX_PROBABILITY_COLUMNS:
        for i, label in enumerate(labels):
            out[PROBABILITY.format(label=label)] = preds.proba[:, i]
    return out
