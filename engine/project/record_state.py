"""The project's state on open, from its record and its readable copy, and what disagrees.

The record (``journal.jsonl``) wins over ``project.json``. Where they disagree in a way
that matters, the safe side is taken: a vault that either says was opened stays open.
Projects saved before the record existed have only ``project.json``; their first save
starts the record from it.

Example:
    >>> from engine.project.journal import JournalRead
    >>> data, problems = state_from_record(JournalRead(), {"app": "practica", "name": "p"})
    >>> data["name"], problems
    ('p', [])
"""

from __future__ import annotations

from typing import Any

from engine.core.texts import text
from engine.project.journal import JournalRead, check_marker, fold, same_json

# Keys of project.json that are not part of the record itself.
_NOT_RECORDED = frozenset({"journal"})


def state_from_record(read: JournalRead, cache: dict[str, Any] | None
                      ) -> tuple[dict[str, Any], list[str]]:
    """The project's state as a ``project.json``-shaped dict, and plain sentences about
    anything altered outside Practica."""
    problems = list(read.problems)
    marker = cache.get("journal") if cache else None
    problems += check_marker(read, marker)
    if not read.entries:
        return dict(cache or {}), problems
    state = fold(read.entries)
    if cache is None:
        problems.append(text("journal.rebuilt"))
    else:
        edited = [] if read.problems else _edited_parts(read, cache, state)
        if edited:
            problems.append(text("journal.cache_edited", parts=", ".join(edited)))
        missing = {k: v for k, v in cache.items() if k not in state and k not in _NOT_RECORDED}
        state = _keep_vault_open({**missing, **state}, cache, problems)
    return state, problems


def _edited_parts(read: JournalRead, cache: dict[str, Any], state: dict[str, Any]
                  ) -> list[str]:
    """Parts where a ``project.json`` written from the current record differs from it."""
    marker = cache.get("journal")
    if not isinstance(marker, dict) or marker.get("head") != read.head:
        return []  # an older copy (a crash between the record and the copy): not an edit
    keys = (set(cache) | set(state)) - _NOT_RECORDED
    return sorted(k for k in keys if not same_json(cache.get(k), state.get(k)))


def _keep_vault_open(state: dict[str, Any], cache: dict[str, Any], problems: list[str]
                     ) -> dict[str, Any]:
    vault = state.get("vault") if isinstance(state.get("vault"), dict) else {}
    if vault.get("opened_at"):
        return state
    opened = _opened_at(cache, state)
    if opened is None:
        return state
    problems.append(text("journal.vault_kept_open"))
    return {**state, "vault": {**vault, "opened_at": opened,
                               "evaluations": list(vault.get("evaluations") or [])}}


def _opened_at(cache: dict[str, Any], state: dict[str, Any]) -> str | None:
    """When the vault was opened, by any sign left: the copy's vault, a decision that
    says so, or a final test that could only have been made with it open."""
    copy = cache.get("vault")
    if isinstance(copy, dict) and copy.get("opened_at"):
        return str(copy["opened_at"])
    for decision in state.get("decisions") or []:
        if isinstance(decision, dict) and decision.get("kind") == "vault_opened":
            return str(decision.get("time") or "unknown")
    if state.get("final_test"):
        return "unknown"
    return None
