"""The tuning study of a project: where it is stored, how it samples and prunes, and which
trial is best.

One Optuna study per project, named ``practica``. By default it lives in a journal file in
the project folder (``tuning/study.journal``), which several worker processes on one machine
can share; past one machine the same study can live in a database (``storage`` = a URL such
as ``postgresql://...``). The study keeps its ``TuningSettings`` (model kind, search space,
sampler, pruner, epochs, round) as a user attribute, so a worker that joins it knows what to
run. Opening a study fails the trials a crashed worker left running, so they do not count.

Use:
    study = open_study("my-project", settings=TuningSettings(space.to_dict()))
    best_feasible_trial(study, project)
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import socket
from dataclasses import replace
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from engine.core.errors import ProjectError
from engine.core.texts import text
from engine.tuning.journal_lock import journal_lock, journal_path
from engine.tuning.settings import TuningSettings

STUDY_NAME = "practica"
SETTINGS_ATTR = "settings"
FOLDER_ATTR = "folder"
def make_storage(project_dir: str | os.PathLike, storage: str | None = None):
    """The study's storage: the project's journal file, or the database at URL ``storage``
    (``engine.tuning.database``: with a heartbeat; faults as one ``StorageError`` line)."""
    if storage:
        # Imported here to keep SQLAlchemy out of start-up.
        from engine.tuning.database import database_storage

        return database_storage(storage)
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend


    path = journal_path(project_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A lock the system drops when its holder dies: a worker killed mid-append must not
    # make the next tuning call wait 30 s for Optuna to break a stale lock file.
    return JournalStorage(JournalFileBackend(str(path), lock_obj=journal_lock(path)))


def make_sampler(settings: TuningSettings) -> optuna.samplers.BaseSampler:
    """Optuna's sampler for ``settings`` (grid over ``tuning_space.grid``)."""
    if settings.sampler == "grid":
        # Imported here to keep pandas out of start-up.
        from engine.tuning.space import SearchSpace, grid

        return optuna.samplers.GridSampler(grid(SearchSpace.from_dict(settings.space)),
                                           seed=settings.seed)
    if settings.sampler == "tpe":
        # TPE reads each trial's constraint (``Trial.set_constraint``) and samples away
        # from infeasible regions.
        return optuna.samplers.TPESampler(seed=settings.seed)
    return optuna.samplers.RandomSampler(seed=settings.seed)


def make_pruner(settings: TuningSettings) -> optuna.pruners.BasePruner:
    """Optuna's pruner for ``settings``: decided at each epoch on the dev error."""
    name = settings.pruner_name
    if name == "median":
        # Steps are 1-based epochs: never judge a trial on its first epoch alone.
        return optuna.pruners.MedianPruner(n_startup_trials=settings.startup_trials,
                                           n_warmup_steps=2)
    if name == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=settings.epochs)
    return optuna.pruners.NopPruner()


def open_study(project_dir: str | os.PathLike, storage: str | None = None,
               settings: TuningSettings | None = None) -> optuna.Study:
    """The project's study, created when missing and continued when it exists.

    Args:
        project_dir: the project folder.
        storage: a database URL; None for the journal file in the project folder.
        settings: how to search; saved in the study. None: the settings saved before (a
            worker joining a study).

    Returns:
        The study, with the trials a crashed worker left running marked failed.

    Raises:
        ProjectError: no settings given and none saved (nobody started a study there yet).
    """
    # Optuna warns with a traceback for each trial that failed or was cancelled; the job's
    # own events and messages say that in plain words.
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    store = make_storage(project_dir, storage)
    with _faults(storage):
        if settings is None:
            try:
                probe = optuna.load_study(study_name=STUDY_NAME, storage=store)
            except KeyError:
                raise ProjectError(text("tuning.no_study", path=str(project_dir))) from None
            _check_owner(probe, project_dir, storage)
            saved = probe.user_attrs.get(SETTINGS_ATTR)
            if not saved:
                raise ProjectError(text("tuning.no_study", path=str(project_dir)))
            # A joining worker draws its own random stream: with the saved seed it would
            # repeat the trials of the worker that started the study.
            sampler = make_sampler(replace(TuningSettings.from_dict(saved), seed=None))
            return _open(store, TuningSettings.from_dict(saved), sampler, storage=storage)
        return _open(store, settings, make_sampler(settings), project_dir, storage)


def _faults(storage: str | None):
    """A database's faults as one ``StorageError`` line (nothing to do for the journal)."""
    if not storage:
        return contextlib.nullcontext()
    # Imported here to keep SQLAlchemy out of start-up.
    from engine.tuning.database import storage_faults

    return storage_faults(storage)


def _check_owner(study: optuna.Study, project_dir, storage: str | None) -> None:
    """A database study belongs to one project and its data (``database.check_owner``)."""
    if not storage:
        return
    # Imported here to keep SQLAlchemy, pandas out of start-up.
    from engine.project.project import open_project
    from engine.tuning.database import check_owner

    check_owner(study, open_project(project_dir))


def _open(store, settings: TuningSettings, sampler, project_dir=None,
          storage: str | None = None) -> optuna.Study:
    study = optuna.create_study(study_name=STUDY_NAME, storage=store, direction="minimize",
                                sampler=sampler, pruner=make_pruner(settings),
                                load_if_exists=True)
    if project_dir is not None:
        _check_owner(study, project_dir, storage)
    made = len(study.get_trials(deepcopy=False))
    if settings.seed is not None and made:
        # Continuing with the same seed would draw the first trials' settings again.
        study.sampler = make_sampler(replace(settings, seed=settings.seed + made))
    check_compatible(study, settings)
    if study.user_attrs.get(SETTINGS_ATTR) != settings.to_dict():
        study.set_user_attr(SETTINGS_ATTR, settings.to_dict())
    fail_stale_trials(study)
    # A database study: the trials whose worker (on any machine) stopped beating.
    if storage:
        # Imported here to keep SQLAlchemy out of start-up.
        from engine.tuning.database import fail_dead_trials

        fail_dead_trials(study)
    return study


def check_compatible(study: optuna.Study, settings: TuningSettings) -> None:
    """Raise ``ProjectError`` when the space asks Optuna for something its earlier trials
    forbid in the same study: a parameter that changes kind (number / choice) or scale
    (log / linear), or a choice list that changes (Optuna cannot change the choices of a
    categorical within a study; fix the parameter instead)."""
    from optuna.distributions import CategoricalDistribution

    # Imported here to keep pandas out of start-up.
    from engine.tuning.space import SearchSpace, suggest_distribution

    space = SearchSpace.from_dict(settings.space)
    seen: dict[str, Any] = {}
    scored = {int(t.user_attrs.get("kfold", 0) or 0)
              for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))}
    if scored - {int(settings.kfold)}:
        # Scores on folds and on the dev rows are not on the same rows: never rank them
        # together.
        raise ProjectError(text("tuning.kfold_changed", was=_scored_on(max(scored)),
                                now=_scored_on(int(settings.kfold))))
    for trial in study.get_trials(deepcopy=False):
        for name, dist in trial.distributions.items():
            seen.setdefault(name, dist)
    for p in space.params:
        old = seen.get(p.name)
        if not p.searched or old is None:
            continue
        new = suggest_distribution(p)
        same_kind = type(old) is type(new)
        if same_kind and isinstance(new, CategoricalDistribution):
            same_kind = tuple(old.choices) == tuple(new.choices)
        elif same_kind:
            same_kind = old.log == new.log
        if not same_kind:
            raise ProjectError(text("tuning.space_changed", name=p.name))


def _scored_on(folds: int) -> str:
    return text("tuning.scored_folds", folds=folds) if folds else text("tuning.scored_dev")


def study_settings(study: optuna.Study) -> TuningSettings:
    """The settings saved in ``study``."""
    return TuningSettings.from_dict(study.user_attrs[SETTINGS_ATTR])


def worker_id() -> str:
    """This process, as ``host:pid``, stored on each trial it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_tag(number: int) -> str:
    """The end of a trial's run id: ``t<trial from 1>-<6 hex of host:pid>``. The trial's
    number is unique in its study, and the token sets apart workers of other studies, so
    runs trained in the same second on two machines never share an id.

    >>> run_tag(3).startswith("t4-") and len(run_tag(3)) == 9
    True
    """
    token = hashlib.sha1(worker_id().encode("utf-8")).hexdigest()[:6]
    return f"t{number + 1}-{token}"


def _alive(pid: int) -> bool:
    if os.name == "nt":
        return True  # no safe check without extra packages: never fail a Windows trial
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_stale_trials(study: optuna.Study) -> list[int]:
    """Mark failed the running trials whose worker process on this machine is gone.

    Only trials that name their worker (``worker`` user attribute, ``host:pid``) on this
    host, other than this process, are judged; a trial of another machine is left alone
    (a database storage can use Optuna's heartbeat for those).

    Returns:
        The numbers of the trials marked failed.
    """
    host = socket.gethostname()
    failed = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        owner = str(trial.user_attrs.get("worker", ""))
        owner_host, _, pid = owner.rpartition(":")
        if owner_host != host or not pid.isdigit() or int(pid) == os.getpid():
            continue
        if not _alive(int(pid)):
            # Optuna has no public call for this outside its RDB heartbeat; its own
            # fail_stale_trials marks trials failed through the study's storage the same way.
            study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
            failed.append(trial.number)
    return failed


def is_feasible(trial: FrozenTrial, project=None) -> bool:
    """Whether ``trial``'s run meets the project's satisfying constraints: checked again
    on the saved run when ``project`` is given and holds it (the constraints may have
    changed since), else as recorded when the trial ended."""
    run_id = trial.user_attrs.get("run_id")
    if project is not None and run_id:
        # Imported here to keep pandas, scikit-learn out of start-up.
        from engine.goal.run_choice import feasibility

        try:
            run = project.run(run_id)
        except ProjectError:
            run = None
        if run is not None:
            return all(c.ok for c in feasibility(project, run))
    return bool(trial.user_attrs.get("feasible", False))


def is_reachable(trial: FrozenTrial, project=None) -> bool:
    """Whether ``trial``'s run can be reached from ``project``'s folder: there, or in the
    shared store its worker put it in (``engine.tuning.trial_store``). A trial made in
    another folder (``folder`` attribute: host and path) whose run is in no store cannot;
    one that names no folder (an older release) is taken as this folder's. Always True
    without a project."""
    if project is None:
        return True
    # Imported here to keep the archive code out of start-up.
    from engine.tuning.trial_store import ARTIFACT_ATTR, STORE_ATTR, where

    if where(project.root, str(trial.user_attrs.get("run_id", "")),
             str(trial.user_attrs.get(ARTIFACT_ATTR, "")),
             str(trial.user_attrs.get(STORE_ATTR, ""))):
        return True
    return trial.user_attrs.get(FOLDER_ATTR) in (None, folder_id(project.root))


def folder_id(project_dir: str | os.PathLike) -> str:
    """A project folder as ``host:path``, stored on each trial made in it."""
    return f"{socket.gethostname()}:{os.path.realpath(project_dir)}"


def feasible_trials(study: optuna.Study, project=None) -> list[FrozenTrial]:
    """The finished trials that meet every constraint and whose run can be reached from
    ``project``'s folder, best (lowest dev error) first: a trial whose model stayed on
    another machine is never named best here."""
    done = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if t.value is not None and math.isfinite(t.value) and is_feasible(t, project)
            and is_reachable(t, project)]
    return sorted(done, key=lambda t: (t.value, t.number))


def best_feasible_trial(study: optuna.Study, project=None) -> FrozenTrial | None:
    """The finished trial with the lowest dev error that meets every constraint; None when
    no trial does. An infeasible trial is never returned, however good its error."""
    found = feasible_trials(study, project)
    return found[0] if found else None
