"""A study kept in a database that several machines reach: connecting, plain-language
faults, heartbeats, and the URL without its password.

``database_storage`` opens Optuna's ``RDBStorage`` on a SQLAlchemy URL
(``postgresql://user@host/db`` goes through psycopg 3, the ``postgres`` extra;
``sqlite:///path`` needs nothing more) with a heartbeat: each running trial says it is alive
every ``HEARTBEAT_S`` seconds, and a trial silent for ``GRACE_S`` seconds (its worker died,
on whatever machine) is marked failed the next time any worker starts a trial or the study
is opened. Every fault a user can cause (a URL that is not one, a driver not installed, a
wrong password, a missing database, a server that is down or went away) becomes one
``StorageError`` line. The password is never kept: ``public_url`` is the URL to store and
show; the password can stay out of the URL altogether in ``PGPASSWORD`` (or ``~/.pgpass``),
which the PostgreSQL driver reads itself.

Ownership: a database study carries the project's ``uid`` and its data fingerprint
(``split_key``: the data files, the goal and the split) as user attributes;
``check_owner`` refuses a worker of another project or with other data.

Use:
    storage = database_storage("postgresql://me@db-host/practica")
    connection_problem("sqlite:///shared/study.db")   # None when it connects
"""

from __future__ import annotations

import contextlib
import time
import warnings
from typing import Iterator

from engine.core.errors import PracticaError
from engine.core.texts import text

HEARTBEAT_S = 10
"""How often a running trial tells the database it is alive (seconds)."""
GRACE_S = 60
"""How long a running trial may stay silent before it counts as dead and is failed."""
CONNECT_TIMEOUT_S = 10
CREATE_TRIES = 5
OWNER_ATTR = "project"


class StorageError(PracticaError):
    """The study's database cannot be used as given (see the module docstring)."""


def public_url(url: str) -> str:
    """``url`` without its password (what files, logs and the screen may show)."""
    if not url:
        return ""
    # Imported here to keep SQLAlchemy out of start-up.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return text("tuning.db_unreadable_url")
    if parsed.password is None:
        return url
    return parsed._replace(password=None).render_as_string(hide_password=False)


def handed_on(url: str) -> tuple[str, dict[str, str]]:
    """How a helper process gets ``url``: a PostgreSQL address without its password on the
    command line (where ``ps`` shows it) and the password in ``PGPASSWORD``; any other
    address as it is."""
    # Imported here to keep SQLAlchemy out of start-up.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url, {}
    if parsed.password is None or parsed.get_backend_name() != "postgresql":
        return url, {}
    return public_url(url), {"PGPASSWORD": str(parsed.password)}


def database_storage(url: str):
    """Optuna's ``RDBStorage`` on ``url``, with the heartbeat; one ``StorageError`` line
    when it cannot be reached or used."""
    # Imported here to keep Optuna, SQLAlchemy out of start-up.
    from optuna.exceptions import ExperimentalWarning
    from optuna.storages import RDBStorage
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, IntegrityError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise StorageError(text("tuning.db_bad_url", url=public_url(url))) from None
    kwargs: dict = {"pool_pre_ping": True}
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
    with storage_faults(url), warnings.catch_warnings():
        # Optuna calls its heartbeat experimental; it is what fails a dead worker's trial.
        warnings.simplefilter("ignore", ExperimentalWarning)
        for attempt in range(CREATE_TRIES):
            try:
                return _quiet_heartbeat(RDBStorage)(url, engine_kwargs=kwargs,
                                                    heartbeat_interval=HEARTBEAT_S,
                                                    grace_period=GRACE_S)
            except IntegrityError:
                # Workers started in the same second on an empty database race to make
                # its tables; the one that lost finds them made on its next try.
                if attempt == CREATE_TRIES - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))


def _quiet_heartbeat(base):
    """``base`` (Optuna's ``RDBStorage``) whose heartbeat thread keeps quiet when the
    database goes away: the worker's own next call reports it, as one line."""

    class Storage(base):
        def record_heartbeat(self, trial_id: int) -> None:
            try:
                super().record_heartbeat(trial_id)
            except Exception:  # noqa: BLE001 - a thread's traceback would reach the terminal
                pass

    return Storage


def connection_report(url: str) -> dict[str, object]:
    """What the Tune page's "Test the connection" shows: ``ok`` and one plain ``line``."""
    if not url.strip():
        return {"ok": True, "line": text("tuning.db_journal")}
    problem = connection_problem(url.strip())
    return {"ok": problem is None, "line": problem or text("tuning.db_ok")}


def lost_line(url: str) -> str | None:
    """When a search on ``url`` stopped with an error: the line saying the database was
    lost if it no longer answers, else None (the error was something else)."""
    if not url or connection_problem(url) is None:
        return None
    return text("tuning.db_lost", url=public_url(url), grace=GRACE_S)


def fail_dead_trials(study) -> None:
    """Mark failed the running trials of ``study`` whose worker stopped beating (a database
    study; nothing happens on the journal file)."""
    # Imported here to keep Optuna out of start-up.
    from optuna.exceptions import ExperimentalWarning
    from optuna.storages import fail_stale_trials

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        fail_stale_trials(study)


def connection_problem(url: str) -> str | None:
    """One plain line saying why the study's database at ``url`` cannot be used, or None
    when it connects (the tables are made if missing)."""
    try:
        storage = database_storage(url)
    except StorageError as exc:
        return str(exc)
    storage.remove_session()
    storage.engine.dispose()
    return None


@contextlib.contextmanager
def storage_faults(url: str) -> Iterator[None]:
    """Turn what the database or its driver raises into one ``StorageError`` line."""
    # Imported here to keep Optuna, SQLAlchemy out of start-up.
    from optuna.exceptions import StorageInternalError
    from sqlalchemy import exc as sql

    where = public_url(url)
    try:
        yield
    except StorageError:
        raise
    except (ImportError, sql.NoSuchModuleError) as exc:
        missing = getattr(exc.__cause__, "name", None) or getattr(exc, "name", None)
        raise StorageError(text("tuning.db_no_driver", url=where,
                                module=missing or where.split(":", 1)[0])) from None
    except sql.ArgumentError:
        raise StorageError(text("tuning.db_bad_url", url=where)) from None
    except (sql.SQLAlchemyError, StorageInternalError) as exc:
        raise StorageError(_plain(exc, where)) from None


def _plain(exc: BaseException, where: str) -> str:
    """The sentence for a driver's complaint (the driver's words are matched, not shown:
    they may quote the URL)."""
    said = " ".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e).lower()
    if "password authentication failed" in said or "no password supplied" in said:
        return text("tuning.db_password", url=where)
    if "does not exist" in said and "database" in said:
        return text("tuning.db_no_database", url=where)
    if "role" in said and "does not exist" in said:
        return text("tuning.db_no_user", url=where)
    if "unable to open database file" in said:
        return text("tuning.db_no_file", url=where)
    if any(s in said for s in ("connection refused", "could not connect", "timeout",
                               "timed out", "name or service not known",
                               "could not translate host", "failed to resolve host")):
        return text("tuning.db_down", url=where)
    if any(s in said for s in ("server closed the connection", "terminating connection",
                               "connection is closed", "consuming input failed",
                               "ssl syscall", "connection reset", "the connection is lost")):
        return text("tuning.db_lost", url=where, grace=GRACE_S)
    return text("tuning.db_other", url=where, kind=type(exc.__cause__ or exc).__name__)


def is_database(storage: str | None) -> bool:
    """Whether ``storage`` names a database (rather than the project's journal file)."""
    return bool(storage)


def owner(project) -> dict[str, str]:
    """What a database study records of its project: its ``uid`` and data fingerprint."""
    # Imported here to keep pandas out of start-up.
    from engine.project.fingerprints import split_key

    return {"uid": str(project.uid), "data": split_key(project), "name": str(project.name)}


def check_owner(study, project) -> None:
    """Claim ``study`` for ``project`` when nobody has; refuse it (``StorageError``) when it
    belongs to another project or was made on other data."""
    mine = owner(project)
    saved = study.user_attrs.get(OWNER_ATTR)
    if not saved:
        study.set_user_attr(OWNER_ATTR, mine)
        return
    if saved.get("uid") != mine["uid"]:
        raise StorageError(text("tuning.db_other_project", name=saved.get("name", "?")))
    if saved.get("data") != mine["data"]:
        raise StorageError(text("tuning.db_other_data", name=saved.get("name", "?")))
