"""Comparing models by k-fold cross-validation, for small data.

When is data small? A single dev split is the right yardstick for big data (the lecture
notes say one validation fold beats k-fold there, and that k-fold is rare in deep learning
because every model is trained K times). On small data it is the other way round: a dev
split of 150 rows measures an accuracy to within about +/- 4 points, more than the gap
between most models, and training a network K times on a few hundred rows is cheap. So
k-fold is offered when the non-test rows (train + train-dev + dev) are fewer than
``SMALL_ROWS`` (1,000), or, for classes, when the rarest class has fewer than
``SMALL_RAREST`` (50) non-test rows, so that a dev split holds only a handful of it. Above
both it runs only when asked with ``force``.

How: the non-test rows are pooled and cut into K stratified folds (by class, or by quantile
bin of a numeric target) with a fixed seed; every row is in exactly one validation fold.
For each model kind (default: the baselines the baseline step trains, and the data kind's
network for a few epochs), K fits each train on K-1 folds and are scored on the held-out
fold with the goal's optimizing metric. The input coding is fitted on the K-1 folds only;
the network trains for ``epochs`` epochs with no early stopping (stopping on the held-out
fold would peek at it). The test rows are never read: the vault stays shut.

The report per model is the mean and the spread (standard deviation) over folds; the best
model (by mean) is compared with every other by the corrected resampled t-test of Nadeau
and Bengio (``engine.goal.resampled_ttest``). The spread over folds underestimates the true
variance: the K training sets share most of their rows, so the K scores are not
independent. The result is written to ``kfold.json`` in the project folder (see
``KFOLD_FILE``) and the comparison is logged; these fits are not runs and never candidates
for the best model.

Use:
    result = compare_by_kfold(project, folds=5, models=("majority", "linear"))
    result.best, [m.mean for m in result.models]
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.baseline.step import baseline_order
from engine.core.atomic import write_json
from engine.core.errors import JobCancelled, PracticaError, ProjectError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.diagnosis.learning_curve import strata
from engine.diagnosis.learning_curve_fit import fit_point
from engine.goal.metrics import value_from_error
from engine.kinds.input_coding import data_kind
from engine.goal.resampled_ttest import corrected_resampled_ttest
from engine.models import simple_baselines, zoo
from engine.project.decisions import now_iso
from engine.project.malformed import read_json
from engine.project.parts.goal import Goal
from engine.project.project import Project
from engine.split.datasets import DEV_SPLITS, split_frame, split_rows, target_values

KFOLD_FILE = "kfold.json"
"""In the project folder, beside ``project.json``: a file, not a project part, because the
comparison decides nothing (no run, no choice, no gate reads it) and is redone at will; the
decision log keeps a line of each comparison."""
DEFAULT_FOLDS = 5
MAX_FOLDS = 10
DEFAULT_EPOCHS = 20
SMALL_ROWS = 1000
SMALL_RAREST = 50


@dataclass(frozen=True)
class DataSize:
    """How many non-test rows there are, the rows of the rarest class (None for numbers),
    and whether that is small data by the rule above."""

    rows: int
    rarest: int | None
    small: bool


@dataclass(frozen=True)
class KfoldModel:
    """One model's scores: the metric on each held-out fold, their mean and spread (standard
    deviation, ``ddof=1``), against the best model the corrected t and p (None for the
    best itself), and its label in plain words (``zoo.kind_label``)."""

    model: str
    scores: tuple[float, ...]
    mean: float
    spread: float
    t: float | None = None
    p_value: float | None = None
    label: str = ""

    @property
    def name(self) -> str:
        """The model in plain words (its kind for a file written before labels)."""
        return self.label or self.model


@dataclass(frozen=True)
class KfoldResult:
    """A k-fold comparison of models on the non-test rows."""

    metric: str
    folds: int
    rows: int
    seed: int
    epochs: int
    small: bool
    models: tuple[KfoldModel, ...]
    best: str
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["models"] = [{**asdict(m), "scores": list(m.scores)} for m in self.models]
        return _finite(out)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "KfoldResult":
        models = tuple(KfoldModel(str(m["model"]), tuple(float(s) for s in m["scores"]),
                                  float(m["mean"]), float(m["spread"]), m.get("t"),
                                  m.get("p_value"), str(m.get("label") or ""))
                       for m in raw.get("models", ()))
        return cls(str(raw["metric"]), int(raw["folds"]), int(raw["rows"]), int(raw["seed"]),
                   int(raw["epochs"]), bool(raw["small"]), models, str(raw["best"]),
                   str(raw.get("created", "")))


def stratified_folds(groups: Sequence, folds: int, seed: int = 0) -> np.ndarray:
    """The validation fold (0 to ``folds - 1``) of every row.

    Rows are shuffled within each group (by ``seed``), the groups are laid end to end and
    the folds dealt round-robin, so every fold holds its share of each group and fold sizes
    differ by at most one row.

    Example:
        >>> np.bincount(stratified_folds(["a"] * 6 + ["b"] * 4, 5)).tolist()
        [2, 2, 2, 2, 2]
    """
    rng = np.random.default_rng(seed)
    groups = np.asarray(groups)
    order = np.concatenate([rng.permutation(np.flatnonzero(groups == g))
                            for g in sorted(set(groups.tolist()))] or [np.array([], int)])
    fold = np.empty(len(groups), dtype=np.int64)
    fold[order] = np.arange(len(order)) % folds
    return fold


def non_test_rows(project: Project) -> tuple[pd.DataFrame, pd.Series]:
    """The train, train-dev and dev rows pooled (never the test rows), and their target."""
    present = split_rows(project)
    frames = [split_frame(project, name) for name in DEV_SPLITS
              if name in present and present[name].get("rows")]
    if not frames:
        raise ProjectError(text("project.no_split"))
    pooled = pd.concat(frames, ignore_index=True)
    return pooled, target_values(project, pooled).reset_index(drop=True)


def data_size(project: Project) -> DataSize:
    """The non-test rows and rarest class, and whether k-fold is offered (small data)."""
    _, y = non_test_rows(project)
    task = (project.goal or Goal()).task
    rarest = int(y.value_counts().min()) if task != "regression" and len(y) else None
    small = len(y) < SMALL_ROWS or (rarest is not None and rarest < SMALL_RAREST)
    return DataSize(int(len(y)), rarest, bool(small))


def default_models(project: Project, deep_kind: str | None = None) -> tuple[str, ...]:
    """The baselines of the baseline step (majority, linear, boosted trees for tables) and
    the network of ``deep_kind`` (None: the data kind's usual one)."""
    return baseline_order(project, deep_kind)


def compare_by_kfold(project: Project, folds: int = DEFAULT_FOLDS,
                     models: Sequence[str] | None = None, epochs: int = DEFAULT_EPOCHS,
                     seed: int = 0, force: bool = False, deep_kind: str | None = None,
                     progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> KfoldResult:
    """Compare ``models`` by ``folds``-fold cross-validation on the non-test rows.

    Args:
        project: a split project.
        folds: K, from 2 to ``MAX_FOLDS``.
        models: model kinds (default: ``default_models``).
        epochs: epochs of each network fit (no early stopping).
        seed: draws the folds and seeds every fit.
        force: run even when the data is not small.
        deep_kind: the network among the default models (None: the data kind's usual one).
        progress, cancel: events out, stop request in (a cancel saves nothing).

    Returns:
        The ``KfoldResult``, also written to ``KFOLD_FILE``.
    """
    if not project.goal or not project.split:
        raise ProjectError(text("project.no_split"))
    folds, epochs = int(folds), int(epochs)
    if not 2 <= folds <= MAX_FOLDS:
        raise ProjectError(text("kfold.bad_folds", most=MAX_FOLDS))
    if epochs < 1:
        raise ProjectError(text("kfold.bad_epochs"))
    kinds = tuple(models) if models else default_models(project, deep_kind)
    known = set(simple_baselines.KINDS) | set(zoo.kinds_for(data_kind(project)))
    unknown = [k for k in kinds if k not in known]
    if unknown or len(set(kinds)) < 2:
        raise ProjectError(text("kfold.bad_models", models=", ".join(sorted(known))))
    goal = project.goal
    progress(StageStarted("load", text("stage.loading")))
    X, y = non_test_rows(project)
    task = goal.task
    size = data_size(project)
    if not size.small and not force:
        raise ProjectError(text("kfold.not_small", rows=f"{size.rows:,}", most=SMALL_ROWS))
    groups = strata(y, task)
    if task != "regression" and int(pd.Series(groups).value_counts().min()) < folds:
        raise ProjectError(text("kfold.too_few", folds=folds))
    fold_of = stratified_folds(groups, folds, seed)
    total = len(kinds) * folds
    labels = {kind: zoo.kind_label(kind, task) for kind in kinds}
    errors: dict[str, list[float]] = {}
    for i, kind in enumerate(kinds):
        errors[kind] = []
        params = {"epochs": epochs, "patience": epochs} if zoo.is_keras_kind(kind) else {}
        for k in range(folds):
            if cancel.is_set():
                raise JobCancelled("k-fold cancelled")
            done = i * folds + k
            words = text("kfold.stage_fit", model=labels[kind], fold=k + 1, folds=folds)
            progress(Progress(done, total, words))

            def on_epoch(epoch: int, n: int, done=done, words=words) -> None:
                progress(Progress(done + min(epoch / max(n, 1), 1.0), total, words))

            held = fold_of == k
            fit = fit_point(project, kind, params, X[~held], y[~held], X[held], y[held],
                            seed + k, epochs, on_epoch, cancel, progress)
            errors[kind].append(fit.dev_error)
    progress(Progress(total, total, text("kfold.stage_reading")))
    result = kfold_result(goal.metric, errors, folds, len(y), seed, epochs, size.small, labels)
    write_json(project.root / KFOLD_FILE, result.to_dict())
    project.log("kfold", text("kfold.decision", folds=folds, best=labels[result.best]),
                folds=folds, best=result.best, models=list(kinds))
    project.save()
    return result


def kfold_result(metric: str, errors: dict[str, list[float]], folds: int, rows: int,
                 seed: int, epochs: int, small: bool,
                 labels: dict[str, str] | None = None) -> KfoldResult:
    """Means, spreads and corrected t-tests against the best model, from each model's
    per-fold errors (lower is better); the scores are reported in the metric itself.
    ``labels`` names each model in plain words (missing: its kind)."""
    n_test = rows / folds
    n_train = rows - n_test
    best = min(errors, key=lambda m: (float(np.mean(errors[m])), list(errors).index(m)))
    out = []
    for model, errs in errors.items():
        scores = tuple(float(value_from_error(metric, e)) for e in errs)
        spread = float(np.std(scores, ddof=1)) if len(scores) > 1 else 0.0
        t = p = None
        if model != best:
            test = corrected_resampled_ttest(np.subtract(errs, errors[best]), n_test, n_train)
            t, p = float(test.t), float(test.p_value)
        out.append(KfoldModel(model, scores, float(np.mean(scores)), spread, t, p,
                              (labels or {}).get(model, "")))
    return KfoldResult(metric, folds, rows, seed, epochs, small, tuple(out), best, now_iso())


def kfold_headers() -> list[str]:
    """The titles of the comparison's columns."""
    return [text(f"kfold.col_{c}") for c in ("model", "mean", "spread", "p")]


def kfold_rows(result: KfoldResult) -> list[list[str]]:
    """One row per model: its name, mean, spread over folds and p-value against the best."""
    return [[m.name, f"{m.mean:.4f}", f"{m.spread:.4f}",
             text("kfold.is_best") if m.model == result.best
             else ("-" if m.p_value is None else f"{m.p_value:.3g}")]
            for m in result.models]


def load_kfold(project: Project) -> KfoldResult | None:
    """The last comparison written to ``KFOLD_FILE``, or None (also for a file that is not
    one: the comparison is simply made again)."""
    path = project.root / KFOLD_FILE
    if not path.is_file():
        return None
    try:
        return KfoldResult.from_dict(read_json(path))
    except (PracticaError, KeyError, TypeError, ValueError, AttributeError):
        return None


def kfold_sentences(result: KfoldResult) -> list[str]:
    """Plain sentences: the best model, each other against it, and the caution on spread."""
    best = next(m for m in result.models if m.model == result.best)
    lines = [text("kfold.best", model=best.name, metric=result.metric, mean=f"{best.mean:.4g}",
                  spread=f"{best.spread:.2g}", folds=result.folds)]
    for m in result.models:
        if m.model == result.best or m.p_value is None:
            continue
        key = "kfold.clearly_worse" if m.p_value < 0.05 else "kfold.not_clear"
        lines.append(text(key, model=m.name, best=best.name, p=f"{m.p_value:.2g}"))
    lines.append(text("kfold.caution"))
    if not result.small:
        lines.append(text("kfold.big_data"))
    return lines


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
