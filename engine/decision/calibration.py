"""Probabilities that mean what they say: calibrate a run's scores on the dev rows.

A model that says "90% sure" should be right about 9 times out of 10. Networks trained
long are often more sure than they are right; a calibration map, fitted on the dev rows
(which the model never trained on), corrects that without changing what the model learned.

``calibrate_run(project, method)`` scores the dev rows with the run (the chosen one unless
another is named) and fits one of the maps of ``engine.decision.calibration_maps``:

* ``"auto"``: temperature scaling for a network (any number of classes) and for a
  baseline with more than two classes; for a yes/no baseline, Platt or isotonic, whichever
  has the lower cross-fitted log loss on the dev rows;
* ``"temperature"``, ``"platt"``, ``"isotonic"``: that map (Platt and isotonic for yes/no
  tasks only);
* ``"none"``: remove the calibration (the threshold, if any, stays).

The dev rows are shared between fitting and measuring by 5-fold cross-fitting (scheme
``"cross_fit_5"``): the expected calibration error after, and the reliability bins after,
are measured on each row with a map fitted on the other four fifths; the map kept is then
fitted on all the dev rows. The error before is the raw scores' on the same rows. Both use
10 equal-width bins of confidence (``engine.decision.reliability``). Test rows are never
read.

The fit goes into ``project.decision_rule`` for that run (a rule of another run is
replaced; a threshold of the same run is kept, and the log says it was chosen on the scores
before this calibration, so it should be chosen again) and into the decisions log (kind
``"calibration"``).

Once the vault is open, calibrating is refused unless the user gives the reason of a new
experiment (``new_experiment``); the rule is then marked ``after_test_seen`` and the report
says so. The decision threshold follows the same policy.

Use:
    result = calibrate_run(project, "auto")
    result.method, result.ece_before, result.ece_after
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, StageStarted, ProgressFn, ignore
from engine.core.texts import text
from engine.decision.calibration_maps import FOLDS, cross_fitted, fit_params
from engine.decision.reliability import (BINS, expected_calibration_error, log_loss,
                                         reliability_bins)
from engine.models import simple_baselines
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import CALIBRATION_METHODS, CalibrationFit, DecisionRule
from engine.project.parts.goal import Goal
from engine.project.project import Project
from engine.project.run_record import RunRecord
from engine.training.ensemble_model import ENSEMBLE

METHODS = ("auto", *CALIBRATION_METHODS, "none")
TWO_CLASS_ONLY = ("platt", "isotonic")
MIN_ROWS = 4 * FOLDS


@dataclass(frozen=True)
class CalibrationResult:
    """What ``calibrate_run`` did: the ``method`` kept (``"none"``: removed) for ``run``,
    the ECE and log loss before and after on ``rows`` dev rows (after: cross-fitted),
    the cross-fitted log loss of each method ``auto`` compared (``compared``), and whether
    a threshold of the run was kept (``threshold_kept``, its value). With ``"none"``,
    ``removed`` says whether there was a calibration to remove."""

    run: str
    label: str
    method: str
    asked: str
    scheme: str = ""
    rows: int = 0
    ece_before: float | None = None
    ece_after: float | None = None
    log_loss_before: float | None = None
    log_loss_after: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    compared: dict[str, float] = field(default_factory=dict)
    threshold_kept: float | None = None
    after_test_seen: bool = False
    seconds: float = 0.0
    removed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_network(run: RunRecord) -> bool:
    """True for a Keras model of the zoo; False for a scikit-learn baseline or an ensemble
    (an average of probabilities, calibrated like a baseline's)."""
    return run.model not in simple_baselines.KINDS and run.model != ENSEMBLE


def auto_methods(run: RunRecord, n_classes: int) -> tuple[str, ...]:
    """The methods ``"auto"`` compares for ``run``: temperature for a network or more than
    two classes; Platt and isotonic for a yes/no baseline."""
    if is_network(run) or n_classes != 2:
        return ("temperature",)
    return ("platt", "isotonic")


def calibrate_run(project: Project, method: str = "auto", run_id: str | None = None, *,
                  new_experiment: str = "", k: int = FOLDS, seed: int = 0,
                  progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                  save: bool = True) -> CalibrationResult:
    """Fit (or with ``"none"`` remove) the calibration of a run on the dev rows, store it in
    ``project.decision_rule``, log it and save the project.

    Raises:
        ProjectError: no run chosen or named, an unfinished run, a regression task, a
            method for yes/no tasks on more classes, too few dev rows, or the vault is open
            and no ``new_experiment`` reason was given.
    """
    started = time.perf_counter()
    if method not in METHODS:
        raise ProjectError(text("calibration.unknown_method", method=method,
                                methods=", ".join(METHODS)))
    goal = project.goal or Goal()
    run = _the_run(project, run_id)
    if goal.is_regression:
        raise ProjectError(text("calibration.regression"))
    if project.vault_open and not new_experiment.strip():
        raise ProjectError(text("calibration.vault_open"))
    if method == "none":
        return _remove(project, run, new_experiment, started, save)
    n_classes = len(goal.labels)
    if method in TWO_CLASS_ONLY and n_classes != 2:
        raise ProjectError(text("calibration.two_classes_only", method=method,
                                classes=n_classes))
    progress(StageStarted("calibrate", text("calibration.stage", label=run.label)))
    scores, y = dev_scores(project, run, goal)
    if len(y) < MIN_ROWS:
        raise ProjectError(text("calibration.too_few_rows", rows=len(y), least=MIN_ROWS))
    candidates = auto_methods(run, n_classes) if method == "auto" else (method,)
    compared: dict[str, float] = {}
    held_out: dict[str, np.ndarray] = {}
    for name in candidates:
        if cancel.is_set():
            raise JobCancelled()
        held_out[name] = cross_fitted(name, scores, y, k=k, seed=seed)
        compared[name] = round(log_loss(held_out[name], y), 6)
    chosen = min(candidates, key=lambda name: compared[name])
    params = fit_params(chosen, scores, y)
    after = held_out[chosen]
    fit = CalibrationFit(
        chosen, params, scheme=f"cross_fit_{k}", rows=len(y),
        ece_before=round(expected_calibration_error(scores, y), 6),
        ece_after=round(expected_calibration_error(after, y), 6),
        reliability_before=reliability_bins(scores, y),
        reliability_after=reliability_bins(after, y))
    kept = _store(project, run, fit)
    result = CalibrationResult(
        run.id, run.label, chosen, method, fit.scheme, len(y), fit.ece_before, fit.ece_after,
        round(log_loss(scores, y), 6), compared[chosen], params,
        compared if len(compared) > 1 else {}, kept, project.vault_open,
        round(time.perf_counter() - started, 3))
    message = text("calibration.logged", label=run.label,
                   method=text(f"calibration.method_{chosen}"), before=fit.ece_before,
                   after=fit.ece_after, rows=len(y), folds=k)
    _log(project, message, result, new_experiment)
    if save:
        project.save()
    return result


def dev_scores(project: Project, run: RunRecord, goal: Goal) -> tuple[np.ndarray, np.ndarray]:
    """The run's raw class probabilities on the dev rows and each row's true class (its
    column number); rows whose label the goal does not know are left out."""
    # Imported here to keep pandas, Keras out of start-up.
    from engine.kinds.preprocess_store import load_preprocessor
    from engine.split.datasets import split_frame, target_values
    from engine.training.predictor import load_predictor

    prep = load_preprocessor(project)
    frame = split_frame(project, "dev")
    y_true = target_values(project, frame)
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    scores = np.asarray(predictor.scores(prep.transform(frame)), dtype=float)
    where = {label: i for i, label in enumerate(goal.labels)}
    known = y_true.map(where).notna().to_numpy()
    y = y_true[known].map(where).to_numpy(dtype=int)
    return scores[known], y


def calibration_lines(fit: CalibrationFit | None, label: str = "") -> list[str]:
    """Plain sentences about a stored calibration: the method, how the rows were shared, and
    the error before and after (none without a calibration)."""
    if fit is None:
        return [text("calibration.none_set")]
    # text keys: calibration.method_temperature, calibration.method_platt,
    # calibration.method_isotonic
    lines = [text("calibration.line_method", label=label or text("calibration.the_model"),
                  method=text(f"calibration.method_{fit.method}"), rows=fit.rows,
                  folds=_folds_of(fit.scheme), bins=BINS)]
    if fit.ece_before is not None and fit.ece_after is not None:
        lines.append(text("calibration.line_ece", before=fit.ece_before, after=fit.ece_after))
        key = "better" if fit.ece_after < fit.ece_before else "not_better"
        # text keys: calibration.line_better, calibration.line_not_better
        lines.append(text(f"calibration.line_{key}"))
    return lines


def _folds_of(scheme: str) -> str:
    return scheme.rsplit("_", 1)[-1] if scheme.startswith("cross_fit_") else "?"


# ----- helpers
def _the_run(project: Project, run_id: str | None) -> RunRecord:
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ProjectError(text("calibration.no_run"))
    run = project.run(run_id)
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ProjectError(text("calibration.not_finished", label=run.label))
    return run


def _store(project: Project, run: RunRecord, fit: CalibrationFit | None) -> float | None:
    """Put ``fit`` into the run's decision rule; the kept threshold's value (or None)."""
    old = project.decision_rule
    same = old is not None and old.applies_to(run.id)
    threshold = old.threshold if same else None
    by_cost = old.cost_answers if same else None  # answers by cost: kept, as a threshold is
    if fit is None and threshold is None and by_cost is None:
        project.decision_rule = None
    else:
        project.decision_rule = DecisionRule(run.id, now_iso(), fit, threshold,
                                             after_test_seen=project.vault_open,
                                             cost_answers=by_cost)
    return None if threshold is None else threshold.value


def _remove(project: Project, run: RunRecord, new_experiment: str, started: float,
            save: bool) -> CalibrationResult:
    old = project.decision_rule
    had = old is not None and old.applies_to(run.id) and old.calibration is not None
    kept = _store(project, run, None) if had else None
    result = CalibrationResult(run.id, run.label, "none", "none", threshold_kept=kept,
                               after_test_seen=project.vault_open,
                               seconds=round(time.perf_counter() - started, 3),
                               removed=had)
    if had:
        _log(project, text("calibration.removed", label=run.label), result, new_experiment)
        if save:
            project.save()
    return result


def _log(project: Project, message: str, result: CalibrationResult, new_experiment: str) -> None:
    if result.threshold_kept is not None:
        message += " " + text("calibration.threshold_earlier", value=result.threshold_kept)
    if result.after_test_seen:
        message += " " + text("calibration.after_test", reason=new_experiment.strip())
    project.log("calibration", message, run=result.run, method=result.method,
                asked=result.asked, scheme=result.scheme, rows=result.rows,
                ece_before=result.ece_before, ece_after=result.ece_after,
                threshold_chosen_on_earlier_scores=result.threshold_kept is not None,
                after_test_seen=result.after_test_seen,
                new_experiment=new_experiment.strip())
