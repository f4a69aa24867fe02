"""Where new projects go unless the user says otherwise."""

from __future__ import annotations

from pathlib import Path

from engine.project.project import PROJECT_FILE


def default_project_folder(data_file: str, base: Path | None = None) -> Path:
    """``~/Practica/<file name>``, numbered when a project is already there."""
    base = base or Path.home() / "Practica"
    stem = Path(data_file).stem or "project"
    folder = base / stem
    n = 2
    while (folder / PROJECT_FILE).exists():
        folder = base / f"{stem}-{n}"
        n += 1
    return folder
