"""Trial models every worker can reach: each finished trial's run folder, packed and kept in
a shared artifact store (Optuna's ``FileSystemArtifactStore`` on a folder all machines see),
and fetched back, checked, into a project folder that lacks it.

Where the store is: the folder the user gives (``--artifacts PATH``); else, for a study in a
file (an SQLite database ``sqlite:///...``, a journal file), a folder beside that file
(``study.db`` -> ``study-artifacts``); a database server has no folder beside it, so without
``--artifacts`` each trial's model stays on the machine that trained it. The study in the
project's own journal needs no store (its runs are all in that folder).

A trial records its run's archive (``run_artifact``), the archive's SHA-256 (``run_sha256``),
the store (``run_store``) and the model file's SHA-256 (``model_sha256``); the summary keeps
them per trial, so fetching needs the summary only, never the study.

Use:
    store = store_folder(project_dir, "sqlite:////shared/study.db")   # .../study-artifacts
    upload_run(trial, project_dir, run_id, store)
    fetch_run(project, run_id)      # True when it came from the store (logged)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from engine.core.atomic import write_json
from engine.core.errors import ProjectError
from engine.core.file_hash import file_digest
from engine.core.texts import text
from engine.project.run_record import RUN_FILE

ARTIFACT_ATTR = "run_artifact"
SHA_ATTR = "run_sha256"
STORE_ATTR = "run_store"
MODEL_SHA_ATTR = "model_sha256"


def storage_file(storage: str | None) -> Path | None:
    """The file that holds a study stored in a file (``sqlite:///`` URL, or a plain path);
    None for a database server or no storage.

    >>> str(storage_file("sqlite:////shared/tune/study.db"))
    '/shared/tune/study.db'
    >>> storage_file("postgresql://db.example/tuning") is None
    True
    """
    if not storage:
        return None
    if storage.startswith("sqlite:///"):
        name = storage[len("sqlite:///"):].split("?", 1)[0]
        return Path(name).expanduser().resolve() if name and name != ":memory:" else None
    if "://" not in storage:
        return Path(storage).expanduser().resolve()
    return None


def store_folder(project_dir: str | os.PathLike, storage: str | None,
                 artifacts: str | None = None) -> Path | None:
    """The shared store of a study's trial models (see the module docstring); None when
    there is none: the project's own journal, or a database server without ``artifacts``."""
    if artifacts:
        return Path(artifacts).expanduser().resolve()
    file = storage_file(storage)
    if file is None:
        return None
    return file.parent / f"{file.stem}-artifacts"


def _pack(run_dir: Path, into: Path) -> None:
    """The run folder as a tar archive, files in name order (no checkpoints: a finished
    run has none)."""
    with tarfile.open(into, "w:gz") as tar:
        for path in sorted(run_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                tar.add(path, arcname=str(path.relative_to(run_dir)), recursive=False)


def upload_run(trial, project_dir: str | os.PathLike, run_id: str, store: Path) -> str:
    """Put run ``run_id``'s folder into ``store`` and record it on ``trial`` (the archive's
    id and SHA-256, the store, the model file's SHA-256); the archive's id.

    Raises:
        ProjectError: the store cannot be written (one line naming it).
    """
    # Imported here to keep Optuna out of start-up.
    from optuna.artifacts import FileSystemArtifactStore, upload_artifact

    run_dir = Path(project_dir) / "runs" / run_id
    model_file = json.loads((run_dir / RUN_FILE).read_text(encoding="utf-8")).get("model_file")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / f"{run_id}.tar.gz"
        _pack(run_dir, archive)
        digest = file_digest(archive)
        try:
            store.mkdir(parents=True, exist_ok=True)
            artifact = upload_artifact(artifact_store=FileSystemArtifactStore(store),
                                       file_path=str(archive), study_or_trial=trial,
                                       mimetype="application/gzip")
        except OSError as exc:
            raise ProjectError(text("tuning.store_unwritable", store=store,
                                    reason=exc.strerror or exc)) from exc
    trial.set_user_attr(ARTIFACT_ATTR, artifact)
    trial.set_user_attr(SHA_ATTR, digest)
    trial.set_user_attr(STORE_ATTR, str(store))
    if model_file and (run_dir / model_file).is_file():
        trial.set_user_attr(MODEL_SHA_ATTR, file_digest(run_dir / model_file))
    return artifact


def is_local(project_dir: str | os.PathLike, run_id: str) -> bool:
    """Whether run ``run_id`` is in this project folder."""
    return bool(run_id) and (Path(project_dir) / "runs" / run_id / RUN_FILE).is_file()


def in_store(artifact: str, store: str | os.PathLike, artifacts: str = "") -> bool:
    """Whether the archive ``artifact`` is in its store (or in ``artifacts`` when given)."""
    folder = Path(artifacts or store) if (artifacts or store) else None
    if not artifact or folder is None:
        return False
    try:
        return (folder / artifact).is_file()
    except (OSError, ValueError):
        return False


def where(project_dir: str | os.PathLike, run_id: str, artifact: str = "", store: str = "",
          artifacts: str = "") -> str:
    """Where run ``run_id`` can be reached from ``project_dir``, in words; empty when it
    cannot (on another machine, in no store this folder sees)."""
    if is_local(project_dir, run_id):
        return text("tuning.where_here")
    if in_store(artifact, store, artifacts):
        return text("tuning.where_store", store=artifacts or store)
    return ""


def fetch_run(project, run_id: str, artifacts: str = "") -> bool:
    """Bring run ``run_id`` into ``project``'s folder from the shared store when it is not
    there, after checking the archive against the SHA-256 its trial recorded; the fetch is
    logged and the project saved. False when the run was already here.

    Raises:
        ProjectError: the run is in no store this folder reaches, or its archive does not
            match its checksum.
    """
    # Imported here to keep pandas out of start-up.
    from engine.tuning.summary import read_summary, summary_path

    if is_local(project.root, run_id):
        return False
    summary = read_summary(project.root)
    row = next((r for r in (summary.trials if summary else ()) if r.run_id == run_id), None)
    if row is None:
        raise ProjectError(text("project.no_such_run", run=run_id))
    folder = Path(artifacts or row.store) if (artifacts or row.store) else None
    if not row.artifact or folder is None or not in_store(row.artifact, folder):
        raise ProjectError(text("tuning.run_unreachable", run=run_id, trial=row.trial,
                                worker=row.worker or "?",
                                store=str(folder) if folder else "-"))
    _unpack_checked(project, run_id, folder, row.artifact, row.sha256, row.trial)
    if summary.best is not None and summary.best.run_id == run_id:  # it is here now
        write_json(summary_path(project.root), replace(
            summary, best=replace(summary.best, where=text("tuning.where_here"))).to_dict())
    project.reload_runs()
    project.log("run_fetched", text("decision.run_fetched", run=run_id, trial=row.trial,
                                    store=str(folder), sha=row.sha256[:12]),
                run=run_id, trial=row.trial, store=str(folder), sha256=row.sha256)
    project.save()
    return True


def _unpack_checked(project, run_id: str, folder: Path, artifact: str, sha256: str,
                    trial: int) -> None:
    # Imported here to keep Optuna out of start-up.
    from optuna.artifacts import FileSystemArtifactStore

    runs = project.runs_dir
    runs.mkdir(parents=True, exist_ok=True)
    landing = runs / f".fetch-{uuid.uuid4().hex}"
    try:
        with FileSystemArtifactStore(folder).open_reader(artifact) as reader:
            data = reader.read()
        if not sha256 or hashlib.sha256(data).hexdigest() != sha256:
            raise ProjectError(text("tuning.run_checksum", run=run_id, trial=trial,
                                    store=folder))
        landing.mkdir()
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(landing, filter="data")
        if not (landing / RUN_FILE).is_file():
            raise ProjectError(text("tuning.run_checksum", run=run_id, trial=trial,
                                    store=folder))
        os.replace(landing, runs / run_id)
    except (OSError, tarfile.TarError) as exc:
        raise ProjectError(text("tuning.run_unreachable", run=run_id, trial=trial,
                                worker="-", store=folder)) from exc
    finally:
        shutil.rmtree(landing, ignore_errors=True)


def fetch_if_trial(project, *run_ids: str) -> list[str]:
    """Fetch each of ``run_ids`` that is missing here but is a tuning trial's run (another
    worker trained it and put it in a shared store); the final test, the report and the
    Tune page's "Use this trial" call this. The ids fetched; a missing run that is no
    trial's is left to the caller.

    Raises:
        ProjectError: a trial's run cannot be reached or fails its checksum.
    """
    # Imported here to keep pandas out of start-up.
    from engine.tuning.summary import read_summary

    missing = [r for r in dict.fromkeys(run_ids) if r and not is_local(project.root, r)]
    if not missing:
        return []
    summary = read_summary(project.root)
    trials = {t.run_id for t in (summary.trials if summary else ()) if t.run_id}
    return [r for r in missing if r in trials and fetch_run(project, r)]
