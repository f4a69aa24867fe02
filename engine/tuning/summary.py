"""What the Tune page, the report and the CSV show of a project's study.

The Optuna journal is the record of the search; ``study_summary`` reads it into one
``TuningSummary`` (``engine.tuning.summary_types``: every trial with its round, state, dev
error, feasibility, settings, epochs and curve; the optimization history with the best so
far; parameter importance; the narrowed ranges proposed for a finer round) and ``write_summary`` keeps it in ``tuning/summary.json``, so
the GUI reads a small file instead of importing Optuna. Workers rewrite it after each trial
(without importance, which costs more) and at the end of each tuning call (with it).

Use:
    summary = write_summary(project_dir)          # after a tuning call
    read_summary(project_dir).best.run_id
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.core.atomic import write_json
from engine.project.parts.goal import Goal
from engine.tuning.journal_lock import journal_path
from engine.tuning.settings import TuningSettings
from engine.tuning.trial_store import (ARTIFACT_ATTR, MODEL_SHA_ATTR, SHA_ATTR, STORE_ATTR,
                                       where)
from engine.tuning.summary_types import (VERSION, Axis, BestTrial, HistoryPoint, TrialCounts,
                                         TrialRow, TuningSummary)

SUMMARY = Path("tuning") / "summary.json"
MIN_FOR_IMPORTANCE = 4
"""Finished trials needed before the importance of the parameters is estimated."""


def summary_path(project_dir: str | os.PathLike) -> Path:
    return Path(project_dir) / SUMMARY


def read_summary(project_dir: str | os.PathLike) -> TuningSummary | None:
    """The last summary written for the project's study (None when there is none or it
    cannot be read; the journal stays the record, ``write_summary`` rebuilds it)."""
    path = summary_path(project_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    try:
        return TuningSummary.from_dict(data)
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def summary_is_stale(project_dir: str | os.PathLike) -> bool:
    """Whether the summary is missing or older than the journal (trials were made since,
    e.g. from the command line); the summary of a database study is always stale (other
    machines add trials without touching this folder): rebuild it from the study."""
    summary, journal = summary_path(project_dir), journal_path(project_dir)
    if not summary.is_file():
        return True
    saved = read_summary(project_dir)
    if saved is not None and saved.storage:
        return True
    return journal.is_file() and journal.stat().st_mtime > summary.stat().st_mtime


def refresh_summary(project_dir: str | os.PathLike, storage: str = "") -> TuningSummary:
    """Rebuild the summary from the study: at ``storage`` when given, else where the saved
    summary says the study is (a database), else the journal in the project folder."""
    if not storage:
        saved = current_summary(project_dir)
        if saved is not None and saved.storage:
            return saved
    return write_summary(project_dir, storage or None)


def current_summary(project_dir: str | os.PathLike) -> TuningSummary | None:
    """The project's summary, rebuilt from the study first when the study is in a database
    (at the address the summary keeps, without its password: the driver reads it from
    ``PGPASSWORD`` or ``~/.pgpass``). When the database cannot be reached the saved summary
    is returned as it is."""
    saved = read_summary(project_dir)
    if saved is None or not saved.storage:
        return saved
    # Imported here to keep SQLAlchemy out of start-up.
    from engine.tuning.database import StorageError

    try:
        return write_summary(project_dir, saved.storage, importance=False)
    except StorageError:
        return saved


def write_summary(project_dir: str | os.PathLike, storage: str | None = None,
                  study=None, importance: bool = True) -> TuningSummary:
    """Rebuild the summary from the study and save it atomically; return it.

    Args:
        project_dir: the project folder.
        storage: the study's database URL (None: the journal in the project folder).
        study: an open study (saves opening it again); None opens the project's own.
        importance: estimate parameter importance too (about a second on 100 trials).
    """
    summary = study_summary(project_dir, storage, study, importance)
    write_json(summary_path(project_dir), summary.to_dict())
    return summary


def study_summary(project_dir: str | os.PathLike, storage: str | None = None, study=None,
                  importance: bool = True) -> TuningSummary:
    """The study of ``project_dir`` (see the module docstring); a summary
    with ``exists`` False and the recommended ranges when no search ran yet."""
    # Imported here to keep pandas out of start-up.
    from engine.project.project import open_project
    from engine.tuning.kind import tuning_kind
    from engine.tuning.space import default_space
    from engine.tuning.database import public_url

    project = open_project(project_dir)
    kind = tuning_kind(project)
    base = TuningSummary(
        version=VERSION, updated=datetime.now(timezone.utc).isoformat(),
        metric=(project.goal or Goal()).metric or "", kind=kind,
        default_space=default_space(project, kind).to_dict(),
        storage=public_url(storage or ""))
    if study is None:
        study = _existing_study(project_dir, storage)
    if study is None:
        return base
    return replace(base, exists=True, **_describe(study, project, importance))


def _existing_study(project_dir, storage):
    import optuna

    # Imported here to keep Optuna out of start-up.
    from engine.tuning.study import STUDY_NAME, journal_path, make_storage

    if not storage and not journal_path(project_dir).is_file():
        return None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if not storage:
        try:
            return optuna.load_study(study_name=STUDY_NAME,
                                     storage=make_storage(project_dir, storage))
        except KeyError:
            return None
    # Imported here to keep SQLAlchemy out of start-up.
    from engine.tuning.database import fail_dead_trials, storage_faults

    with storage_faults(storage):
        try:
            study = optuna.load_study(study_name=STUDY_NAME,
                                      storage=make_storage(project_dir, storage))
        except KeyError:
            return None
        # Trials whose worker stopped beating are failed before they are shown.
        fail_dead_trials(study)
        return study


def _describe(study, project, importance: bool) -> dict[str, Any]:
    """The fields of a ``TuningSummary`` that come from the study."""
    # Imported here to keep Optuna, pandas out of start-up.
    from engine.tuning.narrowing import narrowed_space, next_round
    from engine.tuning.space import SearchSpace
    from engine.tuning.study import SETTINGS_ATTR, best_feasible_trial, is_feasible

    trials = study.get_trials(deepcopy=False)
    saved = study.user_attrs.get(SETTINGS_ATTR)
    axes = _axes(trials)
    rows = _place_scores([_row(t, axes, project, is_feasible) for t in trials])
    best = best_feasible_trial(study, project)
    proposal = None
    if saved and best is not None:
        proposal = narrowed_space(study, SearchSpace.from_dict(saved["space"]),
                                  project=project).to_dict()
    return {"settings": TuningSettings.read(saved), "trials": rows, "history": _history(rows),
            "best": None if best is None else BestTrial(
                best.number, best.number + 1, str(best.user_attrs.get("run_id", "")),
                float(best.value), _where(project, best)),
            "importance": _importance(trials) if importance else {},
            "proposal": proposal, "next_round": next_round(study),
            "counts": _counts(rows),
            "log_params": tuple(sorted(n for n, a in axes.items() if a[2])),
            "axes": {n: Axis(a[0], a[1], a[2], tuple(a[3])) for n, a in axes.items()}}


def _where(project, trial) -> str:
    """Where ``trial``'s run can be reached from ``project``'s folder, in words."""
    return where(project.root, str(trial.user_attrs.get("run_id", "")),
                 str(trial.user_attrs.get(ARTIFACT_ATTR, "")),
                 str(trial.user_attrs.get(STORE_ATTR, "")))


def _axes(trials) -> dict[str, tuple]:
    """Per parameter, the widest range any trial searched: (low, high, log, choices)."""
    from optuna.distributions import CategoricalDistribution

    axes: dict[str, tuple] = {}
    for t in trials:
        for name, dist in t.distributions.items():
            if isinstance(dist, CategoricalDistribution):
                old = axes.get(name)
                choices = list(old[3]) if old else []
                choices += [c for c in dist.choices if c not in choices]
                axes[name] = (None, None, False, tuple(choices))
                continue
            low, high, log = float(dist.low), float(dist.high), bool(dist.log)
            if name in axes:
                low, high = min(low, axes[name][0]), max(high, axes[name][1])
            axes[name] = (low, high, log, ())
    return axes


def position(axis: tuple, value: Any) -> float | None:
    """Where ``value`` lies on its parameter's axis, 0 (low end) to 1 (high end): on a log
    scale for a log range, by index for a list of choices (for parallel coordinates)."""
    low, high, log, choices = axis
    if choices:
        if value not in choices:
            return None
        return choices.index(value) / (len(choices) - 1) if len(choices) > 1 else 0.5
    if value is None or high == low:
        return 0.5
    if log:
        return (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))
    return (float(value) - low) / (high - low)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row(t, axes, project, is_feasible) -> TrialRow:
    state = t.state.name.lower()
    # Optuna keeps a pruned trial's last reported error as its value: not a result.
    value = _plain(float(t.value)) if t.value is not None and state == "complete" else None
    feasible = is_feasible(t, project) if state == "complete" else None
    curve = sorted((int(k), _plain(float(v))) for k, v in t.intermediate_values.items())
    seconds = (t.duration.total_seconds() if t.duration is not None else None)
    return TrialRow(
        number=t.number, trial=t.number + 1, state=state,
        round=int(t.user_attrs.get("round", 1)), value=value, feasible=feasible,
        broken=tuple(t.user_attrs.get("broken", ())) if state == "complete" else (),
        run_id=str(t.user_attrs.get("run_id", "")), params=dict(t.params),
        epochs=len(curve), seconds=seconds, worker=str(t.user_attrs.get("worker", "")),
        curve=tuple(curve),
        positions={n: position(axes[n], v) for n, v in t.params.items() if n in axes},
        fold_errors=tuple(float(e) for e in t.user_attrs.get("fold_errors") or ())
        if state == "complete" else (),
        fold_spread=_plain(t.user_attrs.get("fold_spread")) if state == "complete" else None,
        run_dev_error=_plain(t.user_attrs.get("run_dev_error"))
        if state == "complete" else None,
        artifact=str(t.user_attrs.get(ARTIFACT_ATTR, "")),
        sha256=str(t.user_attrs.get(SHA_ATTR, "")), store=str(t.user_attrs.get(STORE_ATTR, "")),
        model_sha256=str(t.user_attrs.get(MODEL_SHA_ATTR, "")))


def _place_scores(rows: list[TrialRow]) -> tuple[TrialRow, ...]:
    """Each finished trial's dev error as a position from 0 (the best) to 1 (the worst)
    among the finished trials, as ``score_position`` (None for the others)."""
    values = [r.value for r in rows if r.value is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    return tuple(replace(r, score_position=None if r.value is None else (
        0.0 if high == low else (r.value - low) / (high - low))) for r in rows)


def _history(rows: tuple[TrialRow, ...]) -> tuple[HistoryPoint, ...]:
    """The finished trials in the order they were made, with the best feasible dev error
    so far (None until a feasible trial finished)."""
    out, best = [], None
    for r in sorted(rows, key=lambda r: r.number):
        if r.state != "complete" or r.value is None:
            continue
        if r.feasible and (best is None or r.value < best):
            best = r.value
        out.append(HistoryPoint(r.number, r.trial, r.round, r.value, r.feasible, best))
    return tuple(out)


def _counts(rows: tuple[TrialRow, ...]) -> TrialCounts:
    states = [r.state for r in rows]
    return TrialCounts(*(states.count(s) for s in ("complete", "pruned", "fail", "running")))


def _importance(trials) -> dict[str, float]:
    """Each searched parameter's importance (shares summing to 1) by Optuna's default
    evaluator (PED-ANOVA since Optuna 4: how much the parameter's values in the best trials
    differ from its values in all), over the finished trials of every round, with ranges
    widened to the widest a round used so narrowed rounds count too. Empty when too few
    trials finished."""
    import optuna
    from optuna.distributions import CategoricalDistribution, FloatDistribution, \
        IntDistribution
    from optuna.importance import get_param_importances
    from optuna.trial import TrialState, create_trial

    done = [t for t in trials if t.state == TrialState.COMPLETE and t.value is not None
            and math.isfinite(t.value)]
    if len(done) < MIN_FOR_IMPORTANCE:
        return {}
    shared = set.intersection(*(set(t.params) for t in done))
    axes = _axes(done)
    widest = {}
    for name in shared:
        low, high, log, choices = axes[name]
        if choices:
            widest[name] = CategoricalDistribution(list(choices))
        elif all(isinstance(t.distributions[name], IntDistribution) for t in done):
            widest[name] = IntDistribution(int(low), int(high), log=log)
        else:
            widest[name] = FloatDistribution(low, high, log=log)
    varied = [n for n in widest if len({repr(t.params[n]) for t in done}) > 1]
    if not varied:
        return {}
    copy = optuna.create_study(direction="minimize")
    copy.add_trials([create_trial(params={n: t.params[n] for n in varied},
                                  distributions={n: widest[n] for n in varied},
                                  value=float(t.value)) for t in done])
    try:
        with warnings.catch_warnings():
            # With few trials Optuna may find every setting equally important and says so
            # in a warning; the equal shares are still the answer to show.
            warnings.filterwarnings("ignore", message="Target and region quantiles",
                                    category=UserWarning)
            found = get_param_importances(copy)
    except (RuntimeError, ValueError):
        return {}
    return {name: float(share) for name, share in found.items()}
