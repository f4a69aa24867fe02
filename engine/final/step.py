"""Step 6 — open the vault once and evaluate the chosen model on the test rows.

What happens, in order:

0. the checks before the vault (``engine.final.gate``): a model is chosen, its diagnosis is
   current, it is current and meets every limit (or the user overrides, with a reason that
   is logged), and the test set was not used before (or the user asks for a new experiment,
   with a reason that is logged; the earlier final test is kept in ``earlier``);
1. before the vault opens: the chosen configuration is trained again with ``K - 1`` more
   seeds (``engine.final.seed_repeats``) and, when asked for, the ensemble of the top runs is
   scored on dev (``engine.final.ensemble``); stopping here leaves the vault closed;
2. the vault opens (logged, irreversible) and the chosen model is scored on the test rows:
   every metric with a 95% interval — Wilson for the proportions (accuracy, precision,
   recall, top-2 accuracy; ``engine.final.stats.proportion_interval``), the bootstrap for the others
   (``engine.final.stats.bootstrap``) — and, for classes, the confusion matrix and the test curves
   (``engine.final.test_curves``);
3. every seed copy is scored too (mean ± standard deviation of each metric), then the
   other finalists — the best non-deep baseline and the ensemble — and the chosen model is
   compared with each by one paired test (on the test rows, or over the seeds when both
   sides were trained with the same seeds), all corrected together by Holm (or
   Bonferroni) (``engine.final.comparisons``);
4. the error ladder is read again with the test error (a large dev-to-test gap means the
   dev set was overfitted); when the tested model was trained again on the dev rows, the
   test rung is shown but the dev-to-test gap is not read (it compares two models, and the
   tested one learned from the dev rows).
"""

from __future__ import annotations

from sklearn.metrics import confusion_matrix

from engine.core.defaults import BOOTSTRAP_RESAMPLES, CORRECTION
from engine.final.stats.bootstrap import Interval, metric_intervals
from engine.final.stats.cost_interval import cost_interval
from engine.final.comparisons import ALPHA, compare_finalists
from engine.split.datasets import split_frame, target_values
from engine.project.decisions import now_iso
from engine.diagnosis.step import read_ladder
from engine.final.ensemble import (DEFAULT_MEMBERS, averaged_scores, load_ensemble, member_scores,
                             members_of, score_ensemble)
from engine.core.errors import JobCancelled, ProjectError
from engine.goal.decision import decided, rule_for
from engine.goal.evaluation import Predictions, optimizing_error, score, to_predictions
from engine.final.finalists import BASELINE, CHOSEN, ENSEMBLE, Finalist, best_baseline, finalist
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.goal.metrics import metrics_for
from engine.final.stats.multiple_testing import METHODS
from engine.training.ensemble_model import ENSEMBLE as ENSEMBLE_KIND
from engine.training.predictor import load_predictor
from engine.kinds.preprocess_store import load_preprocessor
from engine.final.gate import GateVerdict, vault_gate
from engine.project.parts.final_test import (Confusion, FinalistRecord, FinalTestRecord,
                                             MetricResult, SeedSpread, VaultChecks)
from engine.project.project import Project
from engine.final.stats.proportion_interval import proportion_intervals
from engine.final.retrain import retrain_on_dev as retrain_on_dev_rows
from engine.final.retrain import retrained_predictor, retrained_sentence
from engine.final.seed_repeats import (DEFAULT_SEEDS, MAX_SEEDS, effective_k, repeat_predictor,
                                 repeat_seeds, seeds_apply, spread, train_repeats)
from engine.project.fingerprints import judging_key
from engine.core.texts import text
from engine.project.vault import open_vault, record_evaluation
from engine.project.parts.decision_rule import DecisionRule
from engine.project.parts.goal import Goal
from engine.project.parts.test_curves import CurveBundle
from engine.final.test_curves import curve_bundle, reject_threshold
from engine.tuning.trial_store import fetch_if_trial


def run_final_test(project: Project, progress: ProgressFn = ignore, cancel: CancelFlag = NEVER,
                   n_resamples: int = BOOTSTRAP_RESAMPLES, seeds: int = DEFAULT_SEEDS,
                   ensemble: bool = False, correction: str = CORRECTION, override: str = "",
                   new_experiment: str = "", retrain_on_dev: bool = False) -> FinalTestRecord:
    """Open the vault (logged, irreversible) and test the chosen run and the finalists.

    Args:
        project: a project with a chosen run.
        progress, cancel: events out, stop request in. Stopping while the seed copies
            train (or the ensemble is scored) leaves the vault closed.
        n_resamples: bootstrap resamples per interval.
        seeds: K, the number of seeds of the chosen configuration (its own run counts as
            one); 1 for a non-deep model, which does not depend on a seed.
        ensemble: add the ensemble of the top runs as a finalist.
        correction: ``"holm"`` or ``"bonferroni"``, across all comparisons.
        override: the user's reason for testing a chosen model that the checks before the
            vault object to (not current, or breaking a limit); empty: no override.
        new_experiment: the user's reason for looking at the test set again after a final
            test; empty: a second final test is refused.
        retrain_on_dev: before the vault opens, train the chosen settings again on the
            training and dev rows (the dev run's best epoch count, no early stopping) and
            test that model (``engine.final.retrain``); one seed then.

    Returns:
        ``project.final_test``.

    Raises:
        VaultGateError: the checks before the vault refused (nothing ran, the vault stays
            closed).
    """
    fetch_if_trial(project, project.chosen_run or "")  # a trial another worker trained
    gate = vault_gate(project)
    gate.require(override, new_experiment)
    if not 1 <= int(seeds) <= MAX_SEEDS:
        raise ProjectError(text("final_stats.bad_seeds", k=seeds, most=MAX_SEEDS))
    if correction not in METHODS:
        raise ProjectError(text("final_stats.bad_correction", name=correction,
                                valid=", ".join(METHODS)))
    run = project.run(project.chosen_run)
    goal = project.goal
    # The chosen model answers by its decision rule (calibration, threshold); its seed
    # copies answer by the same rule. The other finalists keep their most likely class.
    rule = rule_for(project.decision_rule, run.id)

    # 1. Before the vault: everything that trains or looks at dev rows only.
    record = _ensemble_record(project, progress, cancel) if ensemble else None
    retrained = None
    if retrain_on_dev:
        seeds = 1  # copies with other seeds would need training again on the dev rows too
        retrained = retrain_on_dev_rows(project, run, progress, cancel)
    k = effective_k(run, seeds)
    once = ("ensemble_run.stage_once" if run.model == ENSEMBLE_KIND
            else "final_stats.stage_one_seed")
    progress(StageStarted("seeds", text("final_stats.stage_seeds", k=k) if k > 1
                          else text("final_stats.stage_retrained_seed") if retrained
                          else text(once)))
    repeats = train_repeats(project, run, seeds, progress, cancel)
    if cancel.is_set():
        raise JobCancelled("final test cancelled before the vault opened")

    # 2. The vault opens; the test set is seen from here on.
    progress(StageStarted("vault", text("stage.vault")))
    checks = _log_checks(project, gate, override, new_experiment)
    earlier = _earlier(project.final_test) if gate.seen else ()
    open_vault(project, reason=text("final.vault_reason", label=run.label))
    project.save()
    prep = load_preprocessor(project)
    frame = split_frame(project, "test")
    y_true = target_values(project, frame)
    X = prep.transform(frame)
    predictor = (load_predictor(project.run_dir(run.id), run, prep) if retrained is None
                 else retrained_predictor(project, run, retrained, prep))
    preds = _predictions(goal, y_true, predictor, X, rule)
    metrics = score(goal, preds)
    progress(StageStarted("intervals", text("final_stats.stage_intervals")))
    intervals = final_intervals(goal, preds, n_resamples=n_resamples, progress=progress,
                                cancel=cancel)
    entries = _metric_entries(metrics, intervals)
    confusion = None
    if goal.task != "regression":
        labels = list(goal.labels)
        matrix = confusion_matrix(preds.y_true, preds.y_pred, labels=labels)
        confusion = Confusion(tuple(labels), tuple(tuple(r) for r in matrix.tolist()))
    curves = _curves(project, predictor, prep, preds, rule)

    # 3. The seed copies, the other finalists and the comparisons.
    progress(StageStarted("finalists", text("final_stats.stage_finalists")))
    per_seed = [metrics] + [score(goal, _predictions(goal, y_true,
                                                     repeat_predictor(project, run, r, prep), X,
                                                     rule))
                            for r in repeats]
    seed_list = repeat_seeds(project, run, seeds)
    seed_spread = SeedSpread.from_dict({**spread(seed_list, per_seed), "asked": int(seeds),
                                        "applies": seeds_apply(run)})
    own = [m[goal.metric] for m in per_seed]
    chosen = Finalist(CHOSEN, run.label, run.id, preds, metrics, tuple(own),
                      tuple(seed_list), seed_free=not seeds_apply(run))
    others = _other_finalists(project, run, prep, X, y_true, record)
    finalists = (_finalist_entry(chosen, goal, n_resamples, project, record,
                                 entries[goal.metric]),
                 *(_finalist_entry(f, goal, n_resamples, project, record) for f in others))
    ensemble_record = None
    if record is not None:
        ensemble_record = {k: record[k] for k in ("members", "member_labels", "label",
                                                  "measured", "errors", "k")}
    progress(StageStarted("comparisons", text("final_stats.stage_comparisons")))
    comparisons = compare_finalists(goal, chosen, others, correction)

    # 4. The ladder with the test error; the record of what the test set was used for.
    test_error = optimizing_error(goal, metrics)
    result = FinalTestRecord(
        run=run.id, label=run.label, rows=int(len(frame)), evaluated_at=now_iso(),
        metric=goal.metric, metrics=entries, confidence=0.95, confusion=confusion,
        curves=curves, seeds=seed_spread, finalists=finalists, ensemble=ensemble_record,
        comparisons=comparisons, correction=correction, alpha=ALPHA, test_error=test_error,
        checks=checks, earlier=earlier, decision=rule,
        retrained="" if retrained is None else retrained_sentence(run, retrained),
        retrained_model=retrained)
    ladder = read_ladder(project, run, test=test_error, retrained=retrained is not None)
    project.diagnosis = ladder.record(run.id, judging_key(project))
    project.final_test = result
    # A new experiment's looks are numbered, so that no two final tests read the same.
    look = {"look": checks.look} if checks.look > 1 else {}
    record_evaluation(project, run.id, metric=goal.metric, value=metrics[goal.metric], **look)
    for seed, m in zip(seed_list[1:], per_seed[1:]):
        record_evaluation(project, f"{run.id}@seed{seed}", metric=goal.metric,
                          value=m[goal.metric], role="seed_copy", **look)
    for other in others:
        record_evaluation(project, other.run or ENSEMBLE, metric=goal.metric,
                          value=other.metrics[goal.metric], role=other.role, **look)
    project.log("final_test", text("decision.final_test", label=run.label,
                                   metric=goal.metric, value=metrics[goal.metric]))
    project.save()
    return result


def _log_checks(project: Project, gate: GateVerdict, override: str,
                new_experiment: str) -> VaultChecks:
    """Log what the user let through on purpose (an override, a new experiment) as the
    vault opens, and say so in the record."""
    overridden, look, why = (), 1, ""
    if gate.reasons:
        overridden = gate.reasons
        project.log("vault_override", text("decision.vault_override", label=gate.label,
                                           reasons=" ".join(gate.reasons),
                                           reason=override.strip()),
                    run=gate.run, reasons=list(gate.reasons), reason=override.strip())
    if gate.seen:
        earlier = project.final_test
        look = max(project.vault.uses, len(_earlier(earlier))) + 1
        why = new_experiment.strip()
        previous = ({"run": earlier.run, "label": earlier.label, "metric": earlier.metric,
                     "value": earlier.headline.value if earlier.headline else None,
                     "evaluated_at": earlier.evaluated_at} if earlier is not None else None)
        project.log("new_experiment", text("decision.new_experiment", label=gate.label,
                                           look=look, reasons=" ".join(gate.seen), reason=why),
                    run=gate.run, look=look, reasons=list(gate.seen), reason=why,
                    previous=previous)
    return VaultChecks(overridden=tuple(overridden), override_reason=override.strip()
                       if overridden else "", look=look, look_reason=why)


def _earlier(final: FinalTestRecord | None) -> tuple[FinalTestRecord, ...]:
    """The final tests made so far, oldest first, each without its own list."""
    if final is None:
        return ()
    return (*final.earlier, FinalTestRecord.from_dict({**final.to_dict(), "earlier": []}))


def final_intervals(goal: Goal, preds: Predictions, names=None,
                    n_resamples: int = BOOTSTRAP_RESAMPLES,
                    progress: ProgressFn = ignore,
                    cancel: CancelFlag = NEVER) -> dict[str, Interval]:
    """The interval of every metric (or of ``names``): Wilson for the proportions, the
    bootstrap for the rest (the expected cost's: of the mean of the rows' costs)."""
    task = goal.task
    common = dict(labels=goal.labels or None, positive_label=goal.positive_label)
    wilson = proportion_intervals(task, preds.y_true, preds.y_pred, preds.y_score,
                                  names=names, **common)
    rest = [m.name for m in metrics_for(task)
            if m.name not in wilson and (names is None or m.name in names)]
    boot = metric_intervals(task, preds.y_true, preds.y_pred, preds.y_score, names=rest,
                            n_resamples=n_resamples, progress=progress, cancel=cancel,
                            **common) if rest else {}
    if goal.costs is not None and goal.is_classification \
            and (names is None or "expected_cost" in names):
        boot["expected_cost"] = cost_interval(preds.y_true, preds.y_pred, goal.costs)
    return {**boot, **wilson}


def _predictions(goal: Goal, y_true, predictor, X, rule: DecisionRule | None = None
                 ) -> Predictions:
    """What ``predictor`` answers on ``X`` under ``rule`` (None: the most likely class)."""
    return decided(goal, rule, y_true, predictor.scores(X))


def _metric_entries(metrics: dict[str, float],
                    intervals: dict[str, Interval]) -> dict[str, MetricResult]:
    out = {}
    for name, value in metrics.items():
        i = intervals.get(name)
        out[name] = (MetricResult(value, i.low, i.high, i.method) if i is not None
                     else MetricResult(value))
    return out


def _ensemble_record(project: Project, progress: ProgressFn, cancel: CancelFlag) -> dict:
    """The ensemble scored on dev (the saved one when still current); it must meet the
    constraints to be a finalist."""
    record = load_ensemble(project, DEFAULT_MEMBERS)
    if record is None:
        record = score_ensemble(project, DEFAULT_MEMBERS, progress, cancel)
    if not record["feasible"]:
        raise ProjectError(text("final_stats.ensemble_breaks",
                                broken="; ".join(record["broken"])))
    return record


def _other_finalists(project: Project, run, prep, X, y_true,
                     record: dict | None) -> list[Finalist]:
    goal = project.goal
    others = []
    base = best_baseline(project, exclude=run.id)
    if base is not None:
        preds = _predictions(goal, y_true, load_predictor(project.run_dir(base.id), base,
                                                          prep), X)
        # A simple baseline does not depend on a seed: it has one score, no score per seed,
        # so it is compared with the chosen model on the test rows (never by seeds).
        others.append(finalist(project, BASELINE, base.label, base.id, preds,
                               seed_free=not seeds_apply(base)))
    if record is not None:
        scores = member_scores(project, members_of(project, record), ["test"], prep)["test"]
        preds = to_predictions(goal, y_true, averaged_scores(scores))
        others.append(finalist(project, ENSEMBLE, record["label"], None, preds))
    return others


def _finalist_entry(f: Finalist, goal: Goal, n_resamples: int, project: Project,
                    record: dict | None, interval: MetricResult | None = None) -> FinalistRecord:
    """A finalist as stored: its test metrics and the interval of the optimizing metric."""
    metric = goal.metric
    if interval is None:
        found = final_intervals(goal, f.preds, names=[metric], n_resamples=n_resamples)
        interval = _metric_entries({metric: f.metrics[metric]}, found)[metric]
    dev = project.run(f.run).errors.get("dev") if f.run else None
    if f.role == ENSEMBLE:
        dev = (record or {}).get("errors", {}).get("dev")
    return FinalistRecord(role=f.role, label=f.label, run=f.run, metrics=f.metrics,
                          test_error=optimizing_error(goal, f.metrics), dev_error=dev,
                          interval=interval,
                          seeds=len(f.seed_scores) if f.role == CHOSEN and f.seed_scores else 1)


def _curves(project: Project, predictor, prep, preds: Predictions,
            rule: DecisionRule | None = None) -> CurveBundle:
    """ROC, PR, calibration, per-class metrics and the reject option on the test rows; the
    reject threshold is chosen on the dev rows (answered by the same decision rule, its
    calibrated confidence), so the test rows only measure it."""

    goal = project.goal
    dev = split_frame(project, "dev")
    dev_preds = _predictions(goal, target_values(project, dev), predictor, prep.transform(dev),
                             rule)
    threshold = reject_threshold(goal, dev_preds, goal.target_error)
    return curve_bundle(goal, preds, goal.target_error, threshold=threshold)
