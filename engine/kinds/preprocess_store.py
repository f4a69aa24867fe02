"""Saving and loading the project's fitted input coding (``preprocess.json``)."""

from __future__ import annotations

from engine.core import atomic
from engine.core.errors import ProjectError
from engine.kinds.input_coding import coding_from_dict
from engine.project.malformed import read_json, reading
from engine.project.project import PREPROCESS_FILE, Project
from engine.core.texts import text


def save_preprocessor(project: Project, prep) -> None:
    """Write any input coding (see ``engine.kinds.input_coding``)."""
    atomic.write_json(project.root / PREPROCESS_FILE, prep.to_dict())


def load_preprocessor(project: Project):
    """The project's input coding, of whatever data kind."""
    path = project.root / PREPROCESS_FILE
    if not path.is_file():
        raise ProjectError(text("project.no_split"))
    raw = read_json(path)
    with reading(path):  # a hand-edited coding ends in one plain line
        if not isinstance(raw, dict):
            raise ValueError(text("project.wrong_form"))
        return coding_from_dict(raw)
