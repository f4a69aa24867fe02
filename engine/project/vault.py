"""The vault: the test rows stay locked until the user opens it, once, at the very end.

Reading test rows, test predictions or test metrics before ``open_vault`` raises
``VaultLockedError``. Opening is recorded in the decisions log with its time and cannot be
undone; every run made afterwards is marked as made after the test set was seen.
"""

from __future__ import annotations

from typing import Any

from engine.project.decisions import now_iso
from engine.core.errors import VaultLockedError
from engine.project.parts.vault import Evaluation
from engine.project.project import Project
from engine.core.texts import text


def is_open(project: Project) -> bool:
    """Whether the test set has been seen."""
    return project.vault_open


def require_open(project: Project, what: str = "the test set") -> None:
    """Raise ``VaultLockedError`` unless the vault was opened."""
    if not project.vault_open:
        raise VaultLockedError(text("vault.locked", what=what))


def open_vault(project: Project, reason: str = "") -> None:
    """Open the vault (irreversible) and log it. Opening twice changes nothing."""
    if project.vault_open:
        return
    project.vault = project.vault.opened(now_iso(), reason)
    project.log("vault_opened", text("decision.vault_opened"), reason=reason)


def record_evaluation(project: Project, run_id: str, **facts: Any) -> None:
    """Note one evaluation on the test set (the report counts them)."""
    require_open(project)
    project.vault = project.vault.with_evaluation(Evaluation(now_iso(), run_id, dict(facts)))
