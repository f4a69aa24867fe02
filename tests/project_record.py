"""Test helper: change a project's files as someone who edits them outside Practica would.

``forge`` rewrites the project's state the strongest way: it appends properly chained
entries to the record (the hashes are not secret) and writes a matching ``project.json``,
so Practica's checks on open (paths, kinds, the vault) must hold against the content
itself, not against a broken hash. ``edit_copy`` edits only ``project.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from engine.core import atomic
from engine.project.journal import commit, fold, read_journal
from engine.project.project import PROJECT_FILE


def forge(root: str | Path, change: Callable[[dict[str, Any]], Any]) -> None:
    root = Path(root)
    read = read_journal(root)
    state = json.loads(json.dumps(fold(read.entries)))
    change(state)
    now, folded = commit(root, read.head, state)
    atomic.write_json(root / PROJECT_FILE, {**folded, "journal": {
        "entries": len(now.entries), "head": now.head}})


def edit_copy(root: str | Path, change: Callable[[dict[str, Any]], Any]) -> None:
    path = Path(root) / PROJECT_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
