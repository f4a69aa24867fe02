"""Before a run with hard examples: say what the option also does, and check the labels first.

Hard-example training (``TrainParams.hard_examples``, ``engine.training.hard_examples``)
gives more weight to the training rows the model gets wrong, and a row with a wrong label
is exactly such a row. So when a run turns it on, the label check of the error analysis
(``engine.diagnosis.label_issues``, confident learning on the training rows only) runs first;
its result and the warning are shown as a stage of the job and kept in the decisions log.

Use:
    sentences = check_before_hard_examples(project, {"hard_examples": 0.5})
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.diagnosis.label_issues import find_label_issues
from engine.models.train_params import params_problem
from engine.project.project import Project

SHOWN_ROWS = 5  # suspect row numbers named in the sentence


def hard_examples_strength(params: dict[str, Any]) -> float:
    """The run's hard-example strength (0 when off or not a number).

    Example:
        >>> hard_examples_strength({"hard_examples": "0.5"}), hard_examples_strength({})
        (0.5, 0.0)
    """
    try:
        return max(float(params.get("hard_examples") or 0), 0.0)
    except (TypeError, ValueError):
        return 0.0  # TrainParams refuses it with plain words when the run starts


def check_before_hard_examples(project: Project, params: dict[str, Any],
                               progress: ProgressFn = ignore,
                               cancel: CancelFlag = NEVER) -> list[str]:
    """When ``params`` turn hard examples on: the warning and the training rows' label
    check, shown as job stages and logged (saved); nothing when the option is off.

    Only training rows are read (the label check's cross-validation); never dev or test.

    Returns:
        The sentences shown (empty when the option is off).
    """
    strength = hard_examples_strength(params)
    if strength <= 0 or params_problem(params):
        return []  # off, or settings the run itself refuses with plain words
    sentences = [text("hard_examples.warning", strength=f"{strength:g}")]
    details: dict[str, Any] = {"strength": strength}
    goal = project.goal
    if goal is not None and goal.task == "regression":
        sentences.append(text("hard_examples.regression"))
    else:
        progress(StageStarted("label_check", text("hard_examples.stage")))
        issues = find_label_issues(project, np.zeros(0, dtype=int), None,
                                   pd.Series([], dtype=object), progress, cancel)
        checked = issues.checked.get("train", 0)
        flagged = issues.flagged.get("train", 0)
        details.update(checked=checked, flagged=flagged)
        if not checked:
            sentences.append(text("hard_examples.labels_skipped",
                                  why=" ".join(issues.notes)))
        elif flagged:
            rows = ", ".join(str(s.row) for s in issues.suspects[:SHOWN_ROWS])
            sentences.append(text("hard_examples.labels_checked", flagged=flagged,
                                  checked=checked,
                                  examples=text("hard_examples.examples", rows=rows)))
        else:
            sentences.append(text("hard_examples.labels_clean", checked=checked))
    for sentence in sentences:
        progress(StageStarted("hard_examples", sentence))
    project.log("hard_examples", " ".join(sentences), **details)
    project.save()
    return sentences
