"""The button of a Diagnose tab that works on the chosen model, and the note beside it."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QLabel, QPushButton

from engine.project import find_run


def update_for_chosen_run(session, button: QPushButton, note: QLabel,
                          words: Callable[..., str]) -> None:
    """Enable ``button`` while a model is chosen and no job runs; ``note`` says which
    model it works on, or why not (``words("no_choice" | "busy" | "for_run", label=...)``)."""
    project = session.project
    chosen = find_run(project, project.chosen_run) if project is not None else None
    busy = session.runner.busy
    button.setEnabled(chosen is not None and not busy)
    if chosen is None:
        note.setText(words("no_choice"))
    elif busy:
        note.setText(words("busy"))
    else:
        note.setText(words("for_run", label=chosen.label))
