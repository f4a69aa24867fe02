"""An export's guard: the fingerprints of its project's test rows travel with the model, so
the export cannot be used to read the test set before that project's vault is open.

A model exported while the project's vault is closed gets ``vault_guard.json`` (a random
key and the fingerprints, ``engine.split.vault_guard``: hashes of the inputs, not the rows)
and the project's identity in the manifest (its name, when it was made and its folder).
Predicting with the export then leaves out the rows whose inputs are those of a test row,
until that project's vault is open. An export cannot know this by itself, so it looks:

- the project's folder is there, holds the same project (same name and creation time) and
  its vault is open: nothing is left out;
- the folder is gone, moved, on another machine, holds another project, or its vault is
  still closed: the test rows stay left out, and the predictions say why.

An export made once the vault was open carries no fingerprints (the test set was seen and
recorded). An export made by an earlier Practica has no guard file: nothing can be checked.
Deleting the guard file of a guarded export makes the export unusable, not unguarded.

Use:
    guard = export_guard(folder, manifest)  # None: nothing to leave out
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.core import atomic
from engine.core.errors import PracticaError, ProjectError
from engine.core.texts import text
from engine.project.project import Project, open_project
from engine.split.vault_guard import VaultGuard, complete_guard

GUARD_FILE = "vault_guard.json"


def project_identity(project: Project) -> dict[str, str]:
    """What names a project for its exports: its random name (``uid``), its name, when it
    was made, its folder."""
    return {"uid": project.uid, "name": project.name, "created": project.created,
            "folder": str(project.root)}


def write_guard(project: Project, prep, folder: str | Path) -> bool:
    """Write the guard of ``project`` into the export ``folder`` while its vault is closed
    (return True); once it is open, remove an earlier export's guard (return False)."""
    path = Path(folder) / GUARD_FILE
    if project.vault_open:
        path.unlink(missing_ok=True)
        return False
    atomic.write_json(path, complete_guard(project, prep).to_dict())
    return True


def export_guard(folder: str | Path, manifest: dict[str, Any]) -> VaultGuard | None:
    """The guard of the export in ``folder``: None when it carries none or its project's
    vault is open now (see the module doc).

    Raises:
        ProjectError: the manifest says the export is guarded but its guard file is gone
            or damaged.
    """
    vault = manifest.get("vault") if isinstance(manifest.get("vault"), dict) else {}
    if not vault.get("test_rows_guarded"):
        return None
    path = Path(folder) / GUARD_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        reason = why_locked(manifest.get("project_identity"))
        if reason is None:
            return None
        return VaultGuard.from_dict(raw, reason=reason)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ProjectError(text("use.damaged_export", path=folder,
                                problem=f"{GUARD_FILE}: {exc}")) from exc


def why_locked(identity: Any) -> str | None:
    """Why the test rows of the project named by ``identity`` stay locked (a plain
    sentence), or None when that project is found with its vault open."""
    identity = identity if isinstance(identity, dict) else {}
    folder = str(identity.get("folder") or "")
    if not folder:
        return text("use.guard_no_project")
    try:
        project = open_project(folder)
    except (PracticaError, OSError, ValueError):
        return text("use.guard_project_missing", path=folder)
    same = (project.uid == identity["uid"]) if identity.get("uid") else (
        project.name == identity.get("name") and project.created == identity.get("created"))
    if not same:  # exports made before projects had a uid compare name and time
        return text("use.guard_project_other", path=folder)
    if project.vault_open:
        return None
    return text("use.guard_vault_closed", project=project.name)
